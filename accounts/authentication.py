"""The REST API's personal-token authentication: ``Authorization: Bearer <token>``."""

from __future__ import annotations

from rest_framework import authentication, exceptions

from .models import ApiToken
from .tokens import token_used

KEYWORDS = (b"bearer", b"token")


class TokenAuthentication(authentication.BaseAuthentication):
    """Authenticate by a personal token, sent as ``Bearer <token>`` (or ``Token <token>``).

    Requests without such a header are left to the other authentication classes. A token
    that is unknown, revoked, expired or whose user is inactive is refused; the token is
    found by its digest, so no comparison of secrets is timed.
    """

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() not in KEYWORDS:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed()
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed() from None
        token = (
            ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(raw)).first()
        )
        if token is None or not token.is_active or not token.user.is_active:
            raise exceptions.AuthenticationFailed()
        token_used(token=token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
