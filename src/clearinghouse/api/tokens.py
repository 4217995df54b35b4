"""Token authentication for API scripts: ``Authorization: Bearer chp_<prefix>_<secret>``.

A token acts as its account, through ``core.policy.actor_for``. Tokens are issued by an
administrator (``clearinghouse api_token``) and count as a verified second credential, so
a staff account's token has staff powers; revoking it or disabling the account ends them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from clearinghouse.core.policy import Actor, actor_for

from .models import ApiToken

PREFIX = "chp"


class InvalidToken(Exception):
    pass


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_create(*, user, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """A new token for ``user``; the secret is returned here and never stored."""
    public = secrets.token_hex(6)
    token = f"{PREFIX}_{public}_{secrets.token_urlsafe(32)}"
    row = ApiToken.objects.create(
        user=user, name=name[:100], prefix=public, digest=_digest(token), expires_at=expires_at
    )
    return row, token


def token_revoke(*, token: ApiToken) -> None:
    token.revoked = True
    token.save(update_fields=["revoked"])


def authenticate_token(raw: str) -> tuple[ApiToken, Actor]:
    parts = raw.strip().split("_")
    if len(parts) < 3 or parts[0] != PREFIX:
        raise InvalidToken("malformed token")
    row = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.digest, _digest(raw.strip())):
        raise InvalidToken("unknown token")
    now = timezone.now()
    if row.revoked or (row.expires_at and row.expires_at <= now) or not row.user.is_active:
        raise InvalidToken("token revoked, expired or its account disabled")
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row, actor_for(row.user, verified=True)
