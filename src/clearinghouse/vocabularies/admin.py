from django.contrib import admin

from .models import Concept, Scheme


@admin.register(Scheme)
class SchemeAdmin(admin.ModelAdmin):
    list_display = ["id"]


@admin.register(Concept)
class ConceptAdmin(admin.ModelAdmin):
    list_display = ["code", "scheme", "broader"]
    list_filter = ["scheme"]
    search_fields = ["code"]
