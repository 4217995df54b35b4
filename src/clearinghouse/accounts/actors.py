"""From an account to the policy ``Actor``: read afresh on every request, never cached."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from clearinghouse.core.policy import ANONYMOUS, Actor

from .models import AccessRequest, Profile
from .roles import STAFF_ROLES, Role


def account_role(user: Any) -> tuple[str, bool, Profile | None]:
    """(role, approved, profile); a superuser without a profile is an approved administrator."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        if user.is_superuser:
            return Role.ADMINISTRATOR.value, True, None
        return Role.READER.value, False, None
    return profile.role, profile.approval == Profile.Approval.APPROVED, profile


def granted_record_ids(user: Any) -> frozenset[int]:
    """Records opened by an unexpired access grant, while they stay published."""
    rows = AccessRequest.objects.filter(
        user=user,
        status=AccessRequest.Status.GRANTED,
        expires_at__gt=timezone.now(),
        record__status="published",
    ).values_list("record_id", flat=True)
    return frozenset(rows)


def organisation_record_ids(organisation_id: int) -> frozenset[int]:
    """A partner organisation's own submissions in any state but withdrawn."""
    from clearinghouse.catalog.models import Record

    rows = (
        Record.objects.filter(owner_organisation_id=organisation_id)
        .exclude(status=Record.Status.WITHDRAWN)
        .values_list("pk", flat=True)
    )
    return frozenset(rows)


def actor_for_account(user: Any, *, verified: bool) -> Actor:
    role, approved, profile = account_role(user)
    if not approved:
        return Actor(user=user, role=role)
    if role in STAFF_ROLES and not verified:
        # Password alone never gives staff powers: the account reads like a registered one.
        return Actor(user=user, role=role, is_registered=True)
    if role in STAFF_ROLES:
        # Staff see everything: groups and grants would change nothing, so are not read.
        return Actor(user=user, role=role, is_staff=True, is_registered=True)
    organisation_id = profile.organisation_id if profile and role == Role.PARTNER else None
    record_ids = granted_record_ids(user)
    if organisation_id is not None:
        record_ids |= organisation_record_ids(organisation_id)
    return Actor(
        user=user,
        role=role,
        is_registered=True,
        group_ids=frozenset(user.groups.values_list("id", flat=True)),
        organisation_id=organisation_id,
        record_ids=record_ids,
    )


__all__ = ["ANONYMOUS", "actor_for_account", "account_role"]
