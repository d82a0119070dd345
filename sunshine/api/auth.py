"""Optional bearer tokens for the JSON API.

A request without an ``Authorization`` header is a citizen's and gets
public projects only. A request with ``Authorization: Bearer <token>`` acts as the
token's user, whose scope comes from ``scope_for``. A header that is present
but malformed, unknown, revoked or owned by an inactive user is rejected
with 401: it never falls back to the public view, so a broken integration
notices at once.
"""

import logging
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from sunshine.organisation.tokens import user_for_token

logger = logging.getLogger(__name__)


class InvalidToken(Exception):
    """Raised for an Authorization header that does not name an active token."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OptionalBearer(HttpBearer):
    openapi_description = (
        "Optional. Create a token with `sunshine create_token USERNAME`. Without it only "
        "public projects are visible; with it, every project inside the user's scope."
    )

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get(self.header, "").strip()
        if not header:
            return AnonymousUser()

        scheme, _space, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise InvalidToken(_(
                "The Authorization header must be “Bearer <token>”; "
                "create a token with “sunshine create_token USERNAME”."
            ))
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is None:
            logger.info("API request with an unknown or inactive token, prefix %s", token[:8])
            raise InvalidToken(_(
                "The API token is invalid, revoked or belongs to an inactive user; "
                "create a new one with “sunshine create_token USERNAME”."
            ))
        return user
