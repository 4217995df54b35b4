from django.contrib import admin

from .models import Agent


@admin.register(Agent)
class AgentAdmin(admin.ModelAdmin):
    list_display = ["name", "acronym", "kind", "org_type", "country"]
    list_filter = ["kind", "org_type"]
    search_fields = ["name", "acronym", "key"]
