"""Response headers that no view should have to remember.

- ``Permissions-Policy``: the app uses no camera, microphone, location, payment or USB;
  saying so means an injected frame or script cannot ask for them either.
- ``Cache-Control: private, no-store`` on every downloaded file (statements, funder reports,
  exports, imports): they hold names, amounts and bank details, so no shared proxy and no
  browser disk cache keeps a copy after the session ends. One rule here rather than one line
  in each download view, so a new export cannot forget it.
"""
from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope",
    "magnetometer", "microphone", "midi", "payment", "usb", "xr-spatial-tracking",
    "browsing-topics", "interest-cohort"))


def is_download(response: HttpResponse) -> bool:
    return isinstance(response, FileResponse) or response.has_header("Content-Disposition")


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if is_download(response):
            # Replace whatever a view set: a download is never cacheable.
            if response.has_header("Cache-Control"):
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response
