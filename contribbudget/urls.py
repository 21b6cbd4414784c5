import os

from django.contrib import admin
from django.urls import include, path

from . import views, views_exports

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("invitations/", views.InvitationCreateView.as_view(), name="invitation_create"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
    path("exports/<int:pk>/", views_exports.export_job, name="export_job"),
    path("exports/<int:pk>/telecharger/", views_exports.export_job_download,
         name="export_job_download"),
    path("projets/", include("projects.urls")),
    path("contributions/", include("contributions.urls")),
    path("retributions/", include("retributions.urls")),
    path("admin/", admin.site.urls),
]

if os.environ.get("BENCH_BASELINE") == "1":
    # The benchmark's baseline view (bench/views.py), never mounted otherwise.
    from bench.views import authenticated, bare

    urlpatterns += [path("_bench/bare", bare, name="bench_bare"),
                    path("_bench/authenticated", authenticated, name="bench_authenticated")]

# No /media/ route, even with DEBUG: uploaded imports and generated documents are served only
# by their permission-checked views (contribbudget/files.py).
