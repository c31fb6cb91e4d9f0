"""What the portal says to caches between it and the reader."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import patch_cache_control

# The cookie that pins a browser to the primary database after a write (``portal.replica``).
PIN_COOKIE = "portal_primary"


def anonymous_read(request) -> bool:
    """A GET or HEAD from a browser without a session, a pin to the primary or a token: what
    a shared cache (the portal's public page cache, nginx's microcache) and the read replica
    may answer."""
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


class PrivatePagesMiddleware:
    """Mark a page private when it is a signed-in person's or holds a CSRF token, unless it
    says otherwise already: a shared cache (nginx's microcache) never keeps it, so no one is
    served another's page or token.

    Placed inside ``CsrfViewMiddleware``: it sees the response while Django's note that a
    token was handed out (``CSRF_COOKIE_NEEDS_UPDATE``) still stands.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            patch_cache_control(response, private=True, no_cache=True)
        return response
