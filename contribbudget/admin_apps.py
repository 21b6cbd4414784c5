"""The admin app, with the locked site (superusers only, rate-limited login) as default site,
so every ``@admin.register`` of every app lands on it."""
from django.contrib.admin.apps import AdminConfig


class LockedAdminConfig(AdminConfig):
    default_site = "contribbudget.admin_site.LockedAdminSite"
