from django.urls import path

from . import views

app_name = "contributions"

urlpatterns = [
    path("", views.ContributionListView.as_view(), name="mine"),
    path("saisir/", views.quick_log, name="quick_log"),
    path("semaine/", views.week, name="week"),
    path("en-attente/", views.offline_queue, name="offline_queue"),
    path("tableau-de-bord/", views.dashboard, name="dashboard"),
    path("soumettre/", views.bulk_submit, name="bulk_submit"),
    path("a-valider/", views.validation, name="validation"),
    path("a-valider/traiter/", views.validate_bulk, name="validate_bulk"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("preferences/", views.preferences, name="preferences"),
    path("<int:pk>/", views.contribution_detail, name="detail"),
    path("<int:pk>/modifier/", views.contribution_edit, name="edit"),
    path("<int:pk>/supprimer/", views.contribution_delete, name="delete"),
]
