from django.urls import path

from . import views, views_webhooks
from .views import setup as views_setup
from .views import team as views_team

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("reseau/", views.OverviewView.as_view(), name="overview"),
    path("grains/", views.grains, name="grains"),
    path("grains/nouveau/", views.grain_create, name="grain_create"),
    path("grains/<int:pk>/", views.grain_detail, name="grain_detail"),
    path("enveloppes/<int:pk>/", views.envelope_detail, name="envelope_detail"),
    path("enveloppes/<int:pk>/regle/", views.envelope_edit, name="envelope_edit"),
    path("enveloppes/<int:pk>/ajuster/", views.adjust, name="adjust"),
    path("enveloppes/<int:pk>/demander/", views.request_create, name="request_create"),
    path("demandes/<int:pk>/decision/", views.request_decide, name="request_decide"),
    path("public/<slug:slug>/", views.public, name="public"),
    path("nouveau/", views_setup.project_setup, name="setup"),
    path("financements/<int:pk>/modifier/", views_setup.funding_edit, name="funding_edit"),
    path("financements/<int:pk>/supprimer/", views_setup.funding_delete, name="funding_delete"),
    path("periodes/<int:pk>/retirer/", views_team.open_period_remove, name="open_period_remove"),
    path("<slug:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<slug:slug>/enveloppes/nouvelle/", views.envelope_create, name="envelope_create"),
    path("<slug:slug>/virement/", views.transfer, name="transfer"),
    path("<slug:slug>/copier/", views_setup.project_setup, name="copy"),
    path("<slug:slug>/financements/nouveau/", views_setup.funding_create, name="funding_create"),
    path("<slug:slug>/equipe/", views_team.team_set, name="team_set"),
    path("<slug:slug>/equipe/<int:member_id>/retirer/", views_team.team_remove,
         name="team_remove"),
    path("<slug:slug>/periodes/", views_team.open_period_add, name="open_period_add"),
    path("<slug:slug>/ouverture/", views_team.set_open, name="set_open"),
    path("<slug:slug>/clore/", views_team.project_close, name="close"),
    path("<slug:slug>/messagerie/", views_webhooks.project_webhook, name="webhook"),
    path("<slug:slug>/messagerie/essai/", views_webhooks.project_webhook_test,
         name="webhook_test"),
]
