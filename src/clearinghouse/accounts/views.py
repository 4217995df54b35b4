"""Accounts pages: sign-up, login, two-factor, approvals, access requests. Thin: parse, call a
service or selector, render."""

from __future__ import annotations

import base64
import datetime as dt

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clearinghouse.catalog.models import Record
from clearinghouse.catalog.policies import filter_records
from clearinghouse.core.policy import actor_from_request

from .forms import (
    AccessAnswerForm,
    AccessRequestForm,
    ApprovalForm,
    RegistrationForm,
    ThrottledAuthenticationForm,
    TokenForm,
)
from .models import AccessRequest, Profile
from .policies import can_answer_access_request, can_decide_accounts, filter_access_requests
from .services.access_requests import (
    access_grant_revoke,
    access_request_create,
    access_request_grant,
    access_request_refuse,
    can_request_access,
)
from .services.accounts import account_approve, account_refuse, account_register
from .services.two_factor import (
    has_confirmed_device,
    totp_device_confirm,
    totp_device_start,
    totp_verify,
)


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR")


def _next(request: HttpRequest, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user = account_register(
            username=data["username"],
            email=data["email"],
            password=data["password1"],
            organisation_name=data["organisation_name"],
            purpose=data["purpose"],
            role=data["role"],
            ip=_ip(request),
        )
        auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("accounts:register_done")
    return render(request, "accounts/register.html", {"form": form})


@login_required
def register_done(request: HttpRequest) -> HttpResponse:
    profile = Profile.objects.filter(user=request.user).first()
    return render(request, "accounts/register_done.html", {"profile": profile})


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    # A password alone must not add a device to an account that already has one.
    if has_confirmed_device(request.user) and not request.user.is_verified():
        return redirect("accounts:two_factor_verify")
    device = totp_device_start(user=request.user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_device_confirm(request=request, device=device, token=form.cleaned_data["token"]):
            messages.success(request, _("Two-factor authentication is on."))
            return redirect(_next(request))
        form.add_error("token", _("That code is not valid. Try the next one."))
    uri = device.config_url
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": segno.make(uri, error="m").svg_data_uri(scale=4),
            "secret": _base32(device.bin_key),
            "next": _next(request, ""),
        },
    )


def _base32(key: bytes) -> str:
    return base64.b32encode(key).decode().rstrip("=")


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if totp_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_next(request))
        form.add_error("token", _("That code is not valid."))
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next(request, "")}
    )


# --- administrators: registrations -------------------------------------------------------


def approvals(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not can_decide_accounts(actor):
        raise Http404
    pending = Profile.objects.filter(approval=Profile.Approval.PENDING).select_related("user")
    rows = [(p, ApprovalForm(prefix=f"p{p.pk}", initial={"role": p.role})) for p in pending]
    return render(request, "accounts/approvals.html", {"rows": rows})


@require_POST
def approval_decide(request: HttpRequest, user_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    if not can_decide_accounts(actor):
        raise Http404
    user = get_object_or_404(get_user_model(), pk=user_id)
    profile = get_object_or_404(Profile, user=user)
    form = ApprovalForm(request.POST, prefix=f"p{profile.pk}")
    if request.POST.get("decision") == "refuse":
        note = request.POST.get(f"p{profile.pk}-note", "")
        account_refuse(actor=actor, user=user, note=note, ip=_ip(request))
        messages.success(request, _("Registration refused."))
    elif form.is_valid():
        data = form.cleaned_data
        account_approve(
            actor=actor,
            user=user,
            role=data["role"],
            organisation_id=data["organisation"].pk if data["organisation"] else None,
            groups=data["groups"],
            note=data["note"],
            ip=_ip(request),
        )
        messages.success(request, _("Registration approved."))
    else:
        return render(request, "accounts/approvals.html", {"rows": [(profile, form)]}, status=400)
    return redirect("accounts:approvals")


# --- request access ----------------------------------------------------------------------


def request_access(request: HttpRequest, record_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    record = filter_records(actor, Record.objects.filter(pk=record_id)).first()
    if record is None or not can_request_access(actor, record):
        raise Http404(_("No such record, or you may not see it."))
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access_request_create(
            actor=actor, record=record, reason=form.cleaned_data["reason"], ip=_ip(request)
        )
        messages.success(request, _("Your request was sent. Staff will answer it."))
        return redirect("accounts:my_access")
    return render(request, "accounts/request_access.html", {"form": form, "record": record})


@login_required
def my_access(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    requests = (
        filter_access_requests(actor)
        .filter(user=request.user)
        .select_related("record")
        .prefetch_related("record__texts")
    )
    return render(request, "accounts/my_access.html", {"requests": requests})


def access_requests(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    if not can_answer_access_request(actor):
        raise Http404
    queryset = filter_access_requests(actor).select_related("user", "record")
    return render(
        request,
        "accounts/access_requests.html",
        {
            "pending": queryset.filter(status=AccessRequest.Status.PENDING),
            "granted": queryset.filter(
                status=AccessRequest.Status.GRANTED, expires_at__gt=timezone.now()
            ),
            "form": AccessAnswerForm(),
        },
    )


@require_POST
def access_request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    if not can_answer_access_request(actor):
        raise Http404
    access_request = get_object_or_404(filter_access_requests(actor), pk=pk)
    form = AccessAnswerForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    note, decision = form.cleaned_data["note"], request.POST.get("decision")
    if decision == "grant":
        expires_on = form.cleaned_data["expires_on"]
        expires_at = (
            dt.datetime.combine(expires_on, dt.time.max, tzinfo=dt.UTC) if expires_on else None
        )
        access_request_grant(
            actor=actor,
            access_request=access_request,
            expires_at=expires_at,
            note=note,
            ip=_ip(request),
        )
    elif decision == "refuse":
        access_request_refuse(
            actor=actor, access_request=access_request, note=note, ip=_ip(request)
        )
    elif decision == "revoke":
        access_grant_revoke(actor=actor, access_request=access_request, note=note, ip=_ip(request))
    return redirect("accounts:access_requests")
