import os

from django.contrib import admin
from django.urls import include, path

from network import invitation_views

from . import pwa, views, views_exports

urlpatterns = [
    path("", views.home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("invitations/", invitation_views.invitations, name="invitation_create"),
    path("invitations/<int:pk>/renvoyer/", invitation_views.invitation_action,
         {"action": "resend"}, name="invitation_resend"),
    path("invitations/<int:pk>/revoquer/", invitation_views.invitation_action,
         {"action": "revoke"}, name="invitation_revoke"),
    path("invitations/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
    path("reseau/", include("network.urls")),
    path("manifest.webmanifest", pwa.manifest, name="pwa_manifest"),
    path("sw.js", pwa.service_worker, name="pwa_service_worker"),
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
