"""API bearer tokens: random, shown once, stored as an SM3 digest."""

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from sunshine.audit import chain
from sunshine.lib.crypto import sm3_hex
from sunshine.organisation.models import ApiToken

TOKEN_PREFIX = "sun_"  # noqa: S105 - a public marker, not a secret


def issue_token(actor: Any, user: Any) -> str:
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, prefix=raw[:8], digest=sm3_hex(raw.encode()))
        chain.append(actor, "issue_token", object_type="organisation.apitoken",
                     object_id=str(token.pk), changes={"user": user.pk})
    return raw


def user_for_token(raw: str) -> Any | None:
    """Return the active user owning ``raw``, or None."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(digest=sm3_hex(raw.encode())).first())
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
