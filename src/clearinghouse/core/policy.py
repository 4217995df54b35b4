"""Who is asking: the actor every policy decision starts from.

Deny by default: an actor is anonymous (public tier, published records only)
unless the request proves more. What an account is (role, approval, groups,
organisation, access grants) is read from the database on every request by
``clearinghouse.accounts.actors``, so a change of group, an account disabled
or an access revoked holds from the very next request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Actor:
    user: Any = None
    role: str = "anonymous"
    #: Administrators and analysts with a verified second factor: they see everything.
    is_staff: bool = False
    #: An approved account (vetted registration); pending or refused accounts are not.
    is_registered: bool = False
    group_ids: frozenset[int] = field(default_factory=frozenset)
    #: The directory organisation a partner contributes for.
    organisation_id: int | None = None
    #: Records opened to this actor one by one, whatever their tier: the partner's own
    #: organisation's submissions and unexpired access grants.
    record_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_anonymous(self) -> bool:
        return not self.is_registered

    @property
    def is_administrator(self) -> bool:
        return self.is_staff and self.role == "administrator"

    @property
    def is_partner(self) -> bool:
        return self.is_registered and self.role == "partner" and self.organisation_id is not None

    @property
    def user_id(self) -> int | None:
        return getattr(self.user, "pk", None)


ANONYMOUS = Actor()


def actor_for(user: Any, *, verified: bool = False) -> Actor:
    """The actor for a Django user (``None`` or an anonymous user give ``ANONYMOUS``).

    ``verified`` says the session passed two-factor authentication; without it
    an administrator or analyst gets no staff powers.
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    from clearinghouse.accounts.actors import actor_for_account

    return actor_for_account(user, verified=verified)


def actor_from_request(request: Any) -> Actor:
    """Cached per request: views and APIs ask for it several times."""
    actor = getattr(request, "_clearinghouse_actor", None)
    if actor is None:
        user = getattr(request, "user", None)
        is_verified = getattr(user, "is_verified", None)
        actor = actor_for(user, verified=bool(is_verified and is_verified()))
        request._clearinghouse_actor = actor
    return actor
