from django.urls import path

from . import views, views_webhooks

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
    path("<slug:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<slug:slug>/enveloppes/nouvelle/", views.envelope_create, name="envelope_create"),
    path("<slug:slug>/virement/", views.transfer, name="transfer"),
    path("<slug:slug>/messagerie/", views_webhooks.project_webhook, name="webhook"),
    path("<slug:slug>/messagerie/essai/", views_webhooks.project_webhook_test,
         name="webhook_test"),
]
