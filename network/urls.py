"""The network's pages, under /reseau/ (coordinators; the directory is readable by
treasurers)."""
from django.urls import path

from . import views

app_name = "network"

urlpatterns = [
    path("parametres/", views.network_settings, name="settings"),
    path("lieux/", views.places, name="places"),
    path("lieux/nouveau/", views.place_create, name="place_create"),
    path("lieux/<int:pk>/", views.place_edit, name="place"),
    path("lieux/<int:pk>/archiver/", views.place_archive, name="place_archive"),
    path("champs/", views.fields, name="fields"),
    path("champs/nouveau/", views.field_create, name="field_create"),
    path("champs/<int:pk>/", views.field_edit, name="field"),
    path("champs/<int:pk>/archiver/", views.field_archive, name="field_archive"),
    path("membres/", views.members, name="members"),
    path("membres/<int:pk>/", views.member_detail, name="member"),
    path("membres/<int:pk>/activation/", views.member_set_active, name="member_set_active"),
]
