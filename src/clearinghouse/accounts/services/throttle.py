"""Login throttling per account name and per address, stored in the database.

Account names are counted whether or not they exist, so a locked unknown name
and a locked real account answer exactly alike.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from ..models import LoginAttempt


def _key(username: str) -> str:
    return (username or "").strip().casefold()[:150]


def login_is_throttled(*, username: str, ip: str | None) -> bool:
    """True when the account name or the address has too many recent failures."""
    since = timezone.now() - dt.timedelta(seconds=settings.CLEARINGHOUSE_LOGIN_WINDOW_SECONDS)
    failures = LoginAttempt.objects.filter(succeeded=False, created_at__gte=since)
    per_account = settings.CLEARINGHOUSE_LOGIN_MAX_FAILURES_PER_ACCOUNT
    if failures.filter(username=_key(username)).count() >= per_account:
        return True
    per_address = settings.CLEARINGHOUSE_LOGIN_MAX_FAILURES_PER_ADDRESS
    return bool(ip) and failures.filter(ip=ip).count() >= per_address


def login_attempt_record(*, username: str, ip: str | None, succeeded: bool) -> None:
    """Remember one attempt; a success clears the account's failures, and old rows go."""
    key = _key(username)
    now = timezone.now()
    if succeeded:
        LoginAttempt.objects.filter(username=key, succeeded=False).delete()
    LoginAttempt.objects.create(username=key, ip=ip or None, succeeded=succeeded, created_at=now)
    horizon = now - dt.timedelta(seconds=settings.CLEARINGHOUSE_LOGIN_WINDOW_SECONDS * 4)
    LoginAttempt.objects.filter(created_at__lt=horizon).delete()
