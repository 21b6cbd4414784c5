from django.contrib import admin

from .models import Contribution, ContributionImport


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    list_display = ["date", "member", "project", "envelope", "hours", "kind", "status"]
    list_filter = ["status", "kind", "salaried", "project"]
    search_fields = ["description", "member__first_name", "member__last_name", "project__name"]
    date_hierarchy = "date"
    list_select_related = ["member", "project", "envelope"]
    autocomplete_fields = ["member", "invited_by"]
    readonly_fields = ["status", "validated_by", "validated_at", "retributed_in", "created_at"]


@admin.register(ContributionImport)
class ContributionImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "uploaded_by", "status", "total_rows", "created_rows",
                    "created_at"]
    list_filter = ["status"]
    readonly_fields = ["checksum", "errors"]
