"""Routes of runs, smoothing rounds, a contributor's retributions and payments (mounted at
/retributions/ under the ``retributions`` namespace by ``retributions.urls``)."""
from django.urls import path

from .views import runs as views

urlpatterns = [
    path("calculs/", views.run_list, name="run_list"),
    path("calculs/nouveau/", views.run_create, name="run_create"),
    path("calculs/<int:pk>/", views.run_detail, name="run_detail"),
    path("calculs/<int:pk>/progression/", views.run_progress, name="run_progress"),
    path("calculs/<int:pk>/approuver/", views.run_approve, name="run_approve"),
    path("calculs/<int:pk>/recalculer/", views.run_recompute, name="run_recompute"),
    path("calculs/<int:pk>/abandonner/", views.run_cancel, name="run_cancel"),
    path("lignes/<int:pk>/modifier/", views.run_line_override, name="run_line_override"),
    path("lissage/demande/", views.smoothing_request_create, name="smoothing_request_create"),
    path("lissage/nouveau/", views.smoothing_run_create, name="smoothing_run_create"),
    path("paiements/", views.payments, name="payments"),
    path("mes-retributions/", views.my_retributions, name="my_retributions"),
]
