from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "clearinghouse.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Accounts and access"


class ClearinghouseAdminConfig(admin_apps.AdminConfig):
    """The Django admin with our site: one login (throttled), 2FA required, denials audited."""

    default = False
    default_site = "clearinghouse.accounts.admin_site.ClearinghouseAdminSite"
