"""Vetted registration and account administration; every change audited in its transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from clearinghouse.core.policy import Actor

from ..models import Profile
from ..policies import can_decide_accounts
from ..roles import ANALYST_APPS, ANALYST_EXTRA_PERMISSIONS, STAFF_ROLES, Role
from .audit import audit_denied, audit_write

#: Roles one may ask for when signing up; staff roles are only given by an administrator.
SELF_SERVICE_ROLES = (Role.READER, Role.LEARNER, Role.TRAINER, Role.PARTNER)


def _require_administrator(actor: Actor, action: str, target: Any, ip: str | None) -> None:
    if not can_decide_accounts(actor):
        raise audit_denied(actor=actor, action=action, target=target, ip=ip)


@transaction.atomic
def account_register(
    *,
    username: str,
    email: str,
    password: str,
    organisation_name: str,
    purpose: str,
    role: str = Role.READER,
    ip: str | None = None,
) -> Any:
    """A new account awaiting an administrator's approval: until then it reads as the public."""
    if role not in SELF_SERVICE_ROLES:
        raise ValueError(f"role {role!r} cannot be requested")
    user = get_user_model().objects.create_user(username=username, email=email, password=password)
    Profile.objects.create(
        user=user,
        role=role,
        approval=Profile.Approval.PENDING,
        organisation_name=organisation_name,
        purpose=purpose,
    )
    audit_write(
        actor=user,
        action="account.register",
        target=user,
        summary=f"asks for {role} ({organisation_name})"[:500],
        ip=ip,
    )
    return user


def _profile(user: Any) -> Profile:
    defaults = {}
    if user.is_superuser:  # made by createsuperuser: an administrator from the start
        defaults = {"role": Role.ADMINISTRATOR, "approval": Profile.Approval.APPROVED}
    profile, _created = Profile.objects.get_or_create(user=user, defaults=defaults)
    return profile


def sync_role_flags(user: Any, role: str) -> None:
    """Keep Django's admin flags and an analyst's model permissions in step with the role.

    Called by the audited services below (and by test fixtures); not audited itself.
    """
    user.is_staff = role in STAFF_ROLES
    user.is_superuser = role == Role.ADMINISTRATOR
    user.save(update_fields=["is_staff", "is_superuser"])
    if role == Role.ANALYST:
        extra = Q()
        for name in ANALYST_EXTRA_PERMISSIONS:
            app_label, codename = name.split(".")
            extra |= Q(content_type__app_label=app_label, codename=codename)
        user.user_permissions.set(
            Permission.objects.filter(Q(content_type__app_label__in=ANALYST_APPS) | extra)
        )
    else:
        user.user_permissions.clear()


def account_approve(
    *,
    actor: Actor,
    user: Any,
    role: str | None = None,
    organisation_id: int | None = None,
    groups: Iterable[Group] = (),
    note: str = "",
    ip: str | None = None,
) -> Profile:
    """Approve a registration, optionally fixing its role, organisation and groups."""
    _require_administrator(actor, "account.approve", user, ip)
    with transaction.atomic():
        profile = _profile(user)
        before = profile.approval
        profile.approval = Profile.Approval.APPROVED
        profile.role = role or profile.role
        if organisation_id is not None:
            profile.organisation_id = organisation_id
        profile.decided_by = actor.user
        profile.decided_at = timezone.now()
        profile.decision_note = note
        profile.save()
        sync_role_flags(user, profile.role)
        group_list = list(groups)
        if group_list:
            user.groups.add(*group_list)
        audit_write(
            actor=actor,
            action="account.approve",
            target=user,
            summary=note,
            changes={
                "approval": [before, profile.approval],
                "role": profile.role,
                "organisation": profile.organisation_id,
                "groups": sorted(g.name for g in group_list),
            },
            ip=ip,
        )
    return profile


def account_refuse(*, actor: Actor, user: Any, note: str = "", ip: str | None = None) -> Profile:
    _require_administrator(actor, "account.refuse", user, ip)
    with transaction.atomic():
        profile = _profile(user)
        before = profile.approval
        profile.approval = Profile.Approval.REFUSED
        profile.decided_by = actor.user
        profile.decided_at = timezone.now()
        profile.decision_note = note
        profile.save()
        sync_role_flags(user, Role.READER)
        audit_write(
            actor=actor,
            action="account.refuse",
            target=user,
            summary=note,
            changes={"approval": [before, profile.approval]},
            ip=ip,
        )
    return profile


def account_set_role(
    *,
    actor: Actor,
    user: Any,
    role: str,
    organisation_id: int | None = None,
    ip: str | None = None,
) -> Profile:
    _require_administrator(actor, "account.role", user, ip)
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    with transaction.atomic():
        profile = _profile(user)
        before = (profile.role, profile.organisation_id)
        profile.role = role
        profile.organisation_id = organisation_id
        profile.save()
        sync_role_flags(user, role)
        audit_write(
            actor=actor,
            action="account.role",
            target=user,
            changes={"role": [before[0], role], "organisation": [before[1], organisation_id]},
            ip=ip,
        )
    return profile


def account_set_active(*, actor: Actor, user: Any, active: bool, ip: str | None = None) -> None:
    """Disable (or re-enable) an account; its sessions stop working on their next request."""
    _require_administrator(actor, "account.disable" if not active else "account.enable", user, ip)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_write(
            actor=actor,
            action="account.enable" if active else "account.disable",
            target=user,
            ip=ip,
        )


def group_member_set(
    *, actor: Actor, user: Any, group: Group, member: bool, ip: str | None = None
) -> None:
    """Add ``user`` to ``group`` or remove it; removal denies the very next request."""
    action = "group.add" if member else "group.remove"
    _require_administrator(actor, action, user, ip)
    with transaction.atomic():
        if member:
            user.groups.add(group)
        else:
            user.groups.remove(group)
        audit_write(actor=actor, action=action, target=user, summary=group.name, ip=ip)


def account_groups_changed(
    *, actor: Actor, user: Any, before: set[str], after: set[str], ip: str | None = None
) -> None:
    """Audit a group change made elsewhere (the admin's user form), in its transaction."""
    if before != after:
        audit_write(
            actor=actor,
            action="group.change",
            target=user,
            changes={"added": sorted(after - before), "removed": sorted(before - after)},
            ip=ip,
        )
