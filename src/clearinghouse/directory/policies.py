"""Who may see what of the roster (C8): one rule for one object and for querysets.

Public: every organisation, and every person's public profile (name, title, affiliations,
city, disciplines, expertise, languages, regions, availability, materials) unless the person
was erased without consent to keep their authorship (then the row is gone).
Private (``PrivateContact``: email, phone, address, notes): administrators and analysts
(staff) and approved trainers only. Deny by default.
"""

from __future__ import annotations

from django.db.models import QuerySet

from clearinghouse.accounts.roles import Role
from clearinghouse.core.policy import Actor

from .models import Agent, PrivateContact

#: Non-staff roles that see private contact details (they organise and run seminars).
PRIVATE_READER_ROLES = frozenset({Role.TRAINER.value})


def may_see_private(actor: Actor) -> bool:
    return actor.is_staff or (actor.is_registered and actor.role in PRIVATE_READER_ROLES)


def filter_private(actor: Actor, queryset: QuerySet[PrivateContact] | None = None):
    """``queryset`` narrowed to the private details ``actor`` may read (none for most)."""
    queryset = PrivateContact.objects.all() if queryset is None else queryset
    return queryset if may_see_private(actor) else queryset.none()


def private_of(actor: Actor, person: Agent) -> PrivateContact | None:
    """One person's private details for ``actor``, or None (not allowed, or none held)."""
    return filter_private(actor, PrivateContact.objects.filter(person=person)).first()


def filter_agents(actor: Actor, queryset: QuerySet[Agent] | None = None) -> QuerySet[Agent]:
    """The roster rows ``actor`` may list: erased people are listed to staff only."""
    queryset = Agent.objects.all() if queryset is None else queryset
    return queryset if actor.is_staff else queryset.filter(erased_at__isnull=True)


def can_view_agent(actor: Actor, agent: Agent) -> bool:
    return actor.is_staff or agent.erased_at is None


def can_curate(actor: Actor) -> bool:
    """Merging duplicates, erasing and exporting people: staff only."""
    return actor.is_staff
