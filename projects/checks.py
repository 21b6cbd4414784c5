"""System check: the webhook test exemption never reaches production."""
from django.conf import settings
from django.core.checks import Error, register


@register()
def webhook_test_hosts_only_in_debug(app_configs, **kwargs):
    if settings.WEBHOOK_ALLOW_HOSTS_FOR_TESTS and not settings.DEBUG:
        return [Error("WEBHOOK_ALLOW_HOSTS_FOR_TESTS lets webhooks reach private addresses; "
                      "it is for the test suite only and must be empty when DEBUG is off.",
                      id="projects.E001")]
    return []
