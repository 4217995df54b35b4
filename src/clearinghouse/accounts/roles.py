"""The roles of C10, stored on each account's profile (see docs/decisions/0002)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("administrator")
    ANALYST = "analyst", _("analyst")
    PARTNER = "partner", _("partner contributor")
    TRAINER = "trainer", _("trainer")
    LEARNER = "learner", _("learner")
    READER = "reader", _("registered reader")


#: Roles that see everything, curate the catalogue and must use two-factor authentication.
STAFF_ROLES = frozenset({Role.ADMINISTRATOR.value, Role.ANALYST.value})

#: Apps whose model permissions an analyst gets in the admin (administrators are superusers).
ANALYST_APPS = ("catalog", "directory", "vocabularies")
ANALYST_EXTRA_PERMISSIONS = ("accounts.view_accessrequest", "accounts.change_accessrequest")
