"""Documents, funder links and the treasurer's desk (mounted under /retributions/)."""
from django.urls import path

from .views import documents as views

urlpatterns = [
    path("tresorerie/", views.desk, name="desk"),
    path("tresorerie/export/<str:table>/", views.desk_export, name="desk_export"),
    path("documents/nouveau/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/progression/", views.document_progress, name="document_progress"),
    path("documents/<int:pk>/telecharger/", views.document_download, name="document_download"),
    path("documents/<int:pk>/relancer/", views.document_retry, name="document_retry"),
    path("documents/<int:pk>/liens/", views.share_link_create, name="share_link_create"),
    path("liens/<int:pk>/revoquer/", views.share_link_revoke, name="share_link_revoke"),
    path("partage/<str:token>/", views.shared_document, name="shared_document"),
]
