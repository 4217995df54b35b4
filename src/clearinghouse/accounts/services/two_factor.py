"""Two-factor authentication with TOTP (django-otp): enrolment and verification."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from .audit import audit_write


def has_confirmed_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_start(*, user: Any) -> TOTPDevice:
    """The account's unconfirmed device to enrol (created on first use)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def totp_device_confirm(*, request: Any, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment with a first code; the session is then verified."""
    if not device.verify_token(token):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_write(
            actor=request.user,
            action="two_factor.enrol",
            target=request.user,
            ip=request.META.get("REMOTE_ADDR"),
        )
    otp_login(request, device)
    return True


def totp_verify(*, request: Any, token: str) -> bool:
    """Verify this session with a code from one of the account's confirmed devices."""
    for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
        if device.verify_token(token):
            otp_login(request, device)
            return True
    return False
