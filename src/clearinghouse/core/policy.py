"""Who is asking: the actor every policy decision starts from.

Deny by default: an actor is anonymous (public tier, published records only)
unless the request proves more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    is_staff: bool = False
    is_registered: bool = False
    group_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_anonymous(self) -> bool:
        return not self.is_registered


ANONYMOUS = Actor()


def actor_for(user: Any) -> Actor:
    """The actor for a Django user (``None`` or an anonymous user give ``ANONYMOUS``)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    group_ids = frozenset(user.groups.values_list("id", flat=True))
    return Actor(
        user=user,
        is_staff=bool(user.is_staff),
        is_registered=True,
        group_ids=group_ids,
    )


def actor_from_request(request: Any) -> Actor:
    """Cached per request: views and APIs ask for it several times."""
    actor = getattr(request, "_clearinghouse_actor", None)
    if actor is None:
        actor = actor_for(getattr(request, "user", None))
        request._clearinghouse_actor = actor
    return actor
