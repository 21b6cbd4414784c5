"""Routes of the treasury's last mile (issue 14), mounted under /retributions/."""
from django.urls import path

from .views import treasury as views

urlpatterns = [
    path("tresorerie/virements/", views.batch_list, name="batch_list"),
    path("tresorerie/virements/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("tresorerie/virements/<int:pk>/fichier/", views.batch_download, name="batch_download"),
    path("tresorerie/virements/<int:pk>/confirmer/", views.batch_confirm, name="batch_confirm"),
    path("tresorerie/virements/ligne/<int:pk>/echec/", views.batch_line_fail,
         name="batch_line_fail"),
    path("tresorerie/parametres/", views.treasury_settings, name="treasury_settings"),
    path("tresorerie/lieux/", views.place_bank, name="place_bank_list"),
    path("tresorerie/lieux/<int:pk>/", views.place_bank, name="place_bank"),
    path("tresorerie/comptabilite/", views.books_export, name="books_export"),
    path("mes-coordonnees/", views.my_payee, name="my_payee"),
    path("autofactures/<int:pk>/", views.invoice_download, name="invoice_download"),
    path("autofactures/<int:pk>/contester/", views.invoice_contest, name="invoice_contest"),
]
