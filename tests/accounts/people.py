"""Accounts for tests: every role, approved or not, signed in through the real session stack."""

from __future__ import annotations

import itertools

from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clearinghouse.accounts.models import Profile
from clearinghouse.accounts.roles import STAFF_ROLES
from clearinghouse.accounts.services.accounts import sync_role_flags
from clearinghouse.directory.models import Agent

_counter = itertools.count(1)


def make_organisation(name: str) -> Agent:
    return Agent.objects.create(
        key=f"test-org-{next(_counter)}", kind=Agent.Kind.ORGANISATION, name=name
    )


def make_account(
    role: str = "reader",
    *,
    approved: bool = True,
    groups=(),
    organisation: Agent | None = None,
    username: str | None = None,
    password: str = "a long enough test password",  # noqa: S107
):
    user = get_user_model().objects.create_user(
        username=username or f"{role}-{next(_counter)}",
        email="someone@example.org",
        password=password,
        is_staff=role in STAFF_ROLES,
        is_superuser=role == "administrator",
    )
    Profile.objects.create(
        user=user,
        role=role,
        approval=Profile.Approval.APPROVED if approved else Profile.Approval.PENDING,
        organisation=organisation,
    )
    sync_role_flags(user, role)
    if groups:
        user.groups.add(*groups)
    return user


def signed_in(user, *, verified: bool | None = None) -> Client:
    """A client with ``user``'s session; staff sessions pass 2FA unless ``verified=False``."""
    client = Client()
    client.force_login(user)
    if verified is None:
        verified = user.is_staff
    if verified:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client
