"""Security middleware of the accounts app: CSP on every response, 2FA before staff powers."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.http import urlencode

from .roles import STAFF_ROLES


class ContentSecurityPolicyMiddleware:
    """Sets ``Content-Security-Policy`` from ``CLEARINGHOUSE_CSP`` unless a view set its own."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CLEARINGHOUSE_CSP", "")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response


class StaffTwoFactorMiddleware:
    """An administrator or analyst signed in with a password alone may only complete 2FA.

    Every other request is sent to the verification page (or to enrolment when
    the account has no device yet), so no staff page is reachable without it.
    """

    ALLOWED_NAMES = (
        "accounts:two_factor_verify",
        "accounts:two_factor_setup",
        "accounts:logout",
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._needs_second_factor(request):
            from .services.two_factor import has_confirmed_device

            name = (
                "accounts:two_factor_verify"
                if has_confirmed_device(request.user)
                else "accounts:two_factor_setup"
            )
            return redirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _needs_second_factor(self, request) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return False
        return self._is_staff_role(user) and not self._allowed(request.path_info)

    @staticmethod
    def _is_staff_role(user) -> bool:
        from .actors import account_role

        role, approved, _profile = account_role(user)
        return approved and role in STAFF_ROLES

    def _allowed(self, path: str) -> bool:
        static = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(static) or path.startswith("/i18n/"):
            return True
        try:
            return resolve(path).view_name in self.ALLOWED_NAMES
        except Resolver404:
            return False
