"""Authentication hardening: Argon2, login throttle, 2FA for staff, cookies, CSP, deploy check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from clearinghouse.core.policy import actor_for

from .people import make_account, signed_in

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough test password"


def login(client: Client, username: str, password: str, ip: str = "10.9.8.7"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def _normalised(response) -> str:
    html = response.content.decode()
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'name="username" value="[^"]*"', "", html)


def test_argon2_hashes_passwords_outside_tests():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    from django.contrib.auth.hashers import Argon2PasswordHasher

    assert Argon2PasswordHasher().encode("x", Argon2PasswordHasher().salt()).startswith("argon2")


def test_login_works_and_wrong_passwords_answer_like_unknown_accounts(client):
    make_account("reader", username="alice")
    assert login(client, "alice", PASSWORD).status_code == 302
    wrong = login(Client(), "alice", "not the password")
    unknown = login(Client(), "nobody-at-all", "not the password")
    assert wrong.status_code == unknown.status_code == 200
    assert _normalised(wrong) == _normalised(unknown)


def test_throttle_per_account_locks_known_and_unknown_names_alike(settings):
    make_account("reader", username="bob")
    limit = settings.CLEARINGHOUSE_LOGIN_MAX_FAILURES_PER_ACCOUNT
    for name in ("bob", "ghost"):
        for attempt in range(limit):
            # a different address each time: only the per-account counter trips
            login(Client(), name, "wrong", ip=f"10.0.{attempt}.{len(name)}")
    known = login(Client(), "bob", PASSWORD, ip="10.1.1.1")  # even the right password
    unknown = login(Client(), "ghost", PASSWORD, ip="10.1.1.2")
    assert known.status_code == unknown.status_code == 200
    assert "Too many failed sign-in attempts" in known.content.decode()
    assert _normalised(known) == _normalised(unknown)
    assert "_auth_user_id" not in Client().session


def test_throttle_per_address(settings):
    make_account("reader", username="carol")
    settings.CLEARINGHOUSE_LOGIN_MAX_FAILURES_PER_ADDRESS = 4
    for number in range(4):
        login(Client(), f"someone-{number}", "wrong", ip="192.0.2.55")
    blocked = login(Client(), "carol", PASSWORD, ip="192.0.2.55")
    assert "Too many failed sign-in attempts" in blocked.content.decode()
    assert login(Client(), "carol", PASSWORD, ip="192.0.2.56").status_code == 302


@pytest.mark.parametrize("role", ["administrator", "analyst"])
def test_staff_must_pass_two_factor_before_anything(role):
    user = make_account(role)
    client = signed_in(user, verified=False)
    for url in (reverse("admin:index"), reverse("web:home"), reverse("api-records")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:two_factor_setup")), url
    # a password alone gives no staff powers, whatever the page
    assert not actor_for(user, verified=False).is_staff
    assert actor_for(user, verified=True).is_staff


def test_two_factor_enrolment_then_verification():
    user = make_account("analyst")
    client = signed_in(user, verified=False)
    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200 and b"data:image/svg+xml" in page.content
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    assert client.post(reverse("accounts:two_factor_setup"), {"token": wrong}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # django-otp throttles guessing codes
    device.throttle_reset()
    token = f"{totp(device.bin_key):06d}"
    response = client.post(
        reverse("accounts:two_factor_setup"), {"token": token, "next": "/admin/"}
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200
    # the next session must verify with the device; it may not enrol a new one
    again = Client()
    again.force_login(user)
    response = again.get(reverse("accounts:two_factor_setup"))
    assert response["Location"].startswith(reverse("accounts:two_factor_verify"))
    assert again.get(reverse("admin:index"))["Location"].startswith(
        reverse("accounts:two_factor_verify")
    )


def test_non_staff_do_not_need_two_factor():
    client = signed_in(make_account("reader"))
    assert client.get(reverse("web:home")).status_code == 200


def test_every_response_carries_a_content_security_policy(client):
    response = client.get(reverse("web:home"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "'unsafe-inline'" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def _production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        CLEARINGHOUSE_SECRET_KEY="k" * 10 + "-production-secret-for-the-deploy-check-0123456789",
        CLEARINGHOUSE_ALLOWED_HOSTS="clearinghouse.example.org",
        CLEARINGHOUSE_DATABASE_URL=f"sqlite:///{ROOT / 'var' / 'deploy-check.sqlite3'}",
        **extra,
    )
    return env


def test_check_deploy_with_the_production_settings_reports_nothing():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = _production_env()
    env.pop("CLEARINGHOUSE_SECRET_KEY")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0 and "CLEARINGHOUSE_SECRET_KEY" in result.stderr


def test_production_cookies_are_secure():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.SECURE_HSTS_SECONDS > 0, s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "True", "False"], result.stderr


def test_disabled_account_is_denied_on_the_very_next_request(db):
    from tests.factories import make_record

    record = make_record("Members only manual", access_tier="registered")
    user = make_account("reader")
    client = signed_in(user)
    url = reverse("web:record", args=[record.pk])
    assert client.get(url).status_code == 200
    get_user_model().objects.filter(pk=user.pk).update(is_active=False)
    assert client.get(url).status_code == 404
    assert settings.SESSION_COOKIE_HTTPONLY
