from django.contrib import admin

from .models import Affiliation, Agent, PrivateContact


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    fk_name = "person"
    autocomplete_fields = ["organisation"]
    extra = 0


class PrivateContactInline(admin.StackedInline):
    """Only staff reach the admin: they may see private details (directory.policies)."""

    model = PrivateContact
    extra = 0


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "org_type", "country", "available_as_trainer"]
    list_filter = ["kind", "org_type", "available_as_trainer", "profile_is_sample"]
    search_fields = ["name", "acronym", "key"]
    autocomplete_fields = ["affiliation", "parent"]
    readonly_fields = ["erased_at"]
    inlines = [AffiliationInline, PrivateContactInline]
