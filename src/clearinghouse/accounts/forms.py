"""Forms of the accounts pages: sign-up, throttled login, two-factor, decisions, requests."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from clearinghouse.directory.models import Agent

from .roles import Role
from .services.accounts import SELF_SERVICE_ROLES
from .services.throttle import login_attempt_record, login_is_throttled

THROTTLED = _(
    "Too many failed sign-in attempts for this account name or from this address. Try again later."
)


class RegistrationForm(forms.Form):
    username = forms.RegexField(
        label=_("Account name"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(label=_("Email address"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=300)
    role = forms.ChoiceField(
        label=_("I will use the clearinghouse as"),
        choices=[(r.value, r.label) for r in SELF_SERVICE_ROLES],
        initial=Role.READER,
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("What you need the material for; an administrator reads this."),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("That account name is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            user = get_user_model()(
                username=cleaned.get("username", ""), email=cleaned.get("email", "")
            )
            try:
                password_validation.validate_password(first, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form behind a throttle per account name and per address.

    A throttled name is refused before its password is checked, whether the
    account exists or not, with one message for both.
    """

    error_messages = {**AuthenticationForm.error_messages, "throttled": THROTTLED}

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        ip = self.request.META.get("REMOTE_ADDR") if self.request else None
        if login_is_throttled(username=username, ip=ip):
            login_attempt_record(username=username, ip=ip, succeeded=False)
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            login_attempt_record(username=username, ip=ip, succeeded=False)
            raise
        login_attempt_record(username=username, ip=ip, succeeded=True)
        return cleaned


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code from your authenticator app"),
        regex=r"^\d{6,8}$",
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"\d*"}
        ),
    )


class ApprovalForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label=_("Directory organisation (partners)"),
        queryset=Agent.objects.filter(kind=Agent.Kind.ORGANISATION),
        required=False,
    )
    groups = forms.ModelMultipleChoiceField(
        label=_("Groups"),
        queryset=Group.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == Role.PARTNER and not cleaned.get("organisation"):
            self.add_error("organisation", _("A partner contributes for an organisation."))
        return cleaned


class AccessRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need these files?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
    )


class AccessAnswerForm(forms.Form):
    expires_on = forms.DateField(
        label=_("Access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    note = forms.CharField(label=_("Answer"), required=False, max_length=2000)
