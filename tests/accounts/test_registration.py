"""Vetted registration: sign-up with organisation and purpose; an administrator decides."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from clearinghouse.accounts.models import AuditEvent, Profile
from clearinghouse.search.indexer import apply_outbox
from tests.factories import make_record

from .people import make_account, make_organisation, signed_in

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "username": "officer.k",
    "email": "officer@example.org",
    "organisation_name": "UNMIK Police",
    "role": "trainer",
    "purpose": "Preparing the pre-deployment briefing",
    "password1": "correct horse battery staple",
    "password2": "correct horse battery staple",
}


@pytest.fixture
def catalogue(db):
    group = Group.objects.create(name="law enforcement trainers")
    records = {
        "registered": make_record("Registered manual", access_tier="registered"),
        "group": make_record("Investigators manual", access_tier="restricted", groups=[group.pk]),
    }
    apply_outbox()
    return group, records


def test_sign_up_waits_for_approval_then_approval_by_group_opens_access(catalogue):
    group, records = catalogue
    client = Client()
    page = client.get(reverse("accounts:register"))
    assert page.status_code == 200 and b'<label for="id_purpose">' in page.content
    response = client.post(reverse("accounts:register"), SIGN_UP)
    assert response.status_code == 302
    user = get_user_model().objects.get(username="officer.k")
    assert user.profile.approval == Profile.Approval.PENDING
    assert user.check_password(SIGN_UP["password1"])
    # pending: signed in, yet reads as the public
    for record in records.values():
        assert client.get(reverse("web:record", args=[record.pk])).status_code == 404

    admin = signed_in(make_account("administrator"))
    queue = admin.get(reverse("accounts:approvals")).content.decode()
    assert "officer.k" in queue and "Preparing the pre-deployment briefing" in queue
    prefix = f"p{user.profile.pk}"
    response = admin.post(
        reverse("accounts:approval_decide", args=[user.pk]),
        {"decision": "approve", f"{prefix}-role": "trainer", f"{prefix}-groups": [group.pk]},
    )
    assert response.status_code == 302
    # the very next request of the applicant sees registered and group material
    for record in records.values():
        assert client.get(reverse("web:record", args=[record.pk])).status_code == 200
    event = AuditEvent.objects.get(action="account.approve")
    assert event.changes["groups"] == ["law enforcement trainers"]
    assert AuditEvent.objects.filter(action="account.register").count() == 1


def test_refused_registration_sees_the_public_only(catalogue):
    _group, records = catalogue
    user = make_account("reader", approved=False)
    admin = signed_in(make_account("administrator"))
    admin.post(reverse("accounts:approval_decide", args=[user.pk]), {"decision": "refuse"})
    user.profile.refresh_from_db()
    assert user.profile.approval == Profile.Approval.REFUSED
    client = signed_in(user)
    assert client.get(reverse("web:record", args=[records["registered"].pk])).status_code == 404


def test_only_administrators_decide_registrations(catalogue):
    applicant = make_account("reader", approved=False)
    for role in ("analyst", "partner", "reader"):
        kwargs = {"organisation": make_organisation("Org")} if role == "partner" else {}
        client = signed_in(make_account(role, **kwargs))
        assert client.get(reverse("accounts:approvals")).status_code == 404
        response = client.post(
            reverse("accounts:approval_decide", args=[applicant.pk]), {"decision": "approve"}
        )
        assert response.status_code == 404
    applicant.profile.refresh_from_db()
    assert applicant.profile.approval == Profile.Approval.PENDING


def test_staff_roles_cannot_be_asked_for():
    response = Client().post(reverse("accounts:register"), {**SIGN_UP, "role": "administrator"})
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="officer.k").exists()


def test_partner_approval_needs_an_organisation(catalogue):
    applicant = make_account("partner", approved=False)
    admin = signed_in(make_account("administrator"))
    prefix = f"p{applicant.profile.pk}"
    response = admin.post(
        reverse("accounts:approval_decide", args=[applicant.pk]),
        {"decision": "approve", f"{prefix}-role": "partner"},
    )
    assert response.status_code == 400
    org = make_organisation("OSCE ODIHR (test)")
    admin.post(
        reverse("accounts:approval_decide", args=[applicant.pk]),
        {"decision": "approve", f"{prefix}-role": "partner", f"{prefix}-organisation": org.pk},
    )
    applicant.profile.refresh_from_db()
    assert applicant.profile.organisation_id == org.pk


def test_removing_a_user_from_a_group_denies_the_very_next_request(catalogue):
    group, records = catalogue
    member = make_account("trainer", groups=[group])
    client = signed_in(member)
    url = reverse("web:record", args=[records["group"].pk])
    assert client.get(url).status_code == 200
    from clearinghouse.accounts.services.accounts import group_member_set
    from clearinghouse.core.policy import actor_for

    administrator = make_account("administrator")
    group_member_set(
        actor=actor_for(administrator, verified=True), user=member, group=group, member=False
    )
    assert client.get(url).status_code == 404
    assert client.get(reverse("api-records") + "?q=investigators").json()["total"] == 0
    assert AuditEvent.objects.filter(action="group.remove").count() == 1
