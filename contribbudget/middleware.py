"""A last safety net: a database constraint violation never reaches the user as a 500.

Services validate before writing and explain errors in forms; this catches the rare race
where the database is the one to refuse (two requests at once), rolls back (Django's
atomic requests / service transactions already did) and shows a clear French page.
"""
import logging

from django.conf import settings
from django.db import IntegrityError
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


class IntegrityErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, IntegrityError):
            return None
        logger.warning("Integrity error on %s: %s", request.path, exception)
        return render(
            request,
            "errors/conflict.html",
            {"message": _("Cette modification enfreint une règle du budget (doublon, montant "
                          "ou statut incompatible) et n'a pas été enregistrée. Rien n'a été "
                          "modifié : rechargez la page et réessayez.")},
            status=409,
        )


class FrenchFirstLocaleMiddleware:
    """French unless the person chose another language (the footer menu sets Django's
    language cookie). Unlike Django's LocaleMiddleware, the browser's Accept-Language is
    ignored: a French association's tool speaks French by default, even on an English phone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers["Vary"] = ", ".join(filter(None, [response.headers.get("Vary"), "Cookie"]))
        return response
