"""Admin for projects, fundings, envelopes, adjustments and grains.

Adjustments are append-only: the admin shows them read-only. Envelopes, adjustments,
requests and grains are created and changed on the project pages (services with locks,
validation and audit — ``projects/services.py``), so the admin shows them read-only and links
there rather than writing rows that would skip the budget rules."""
from django.contrib import admin

from contribbudget.admin_audit import AuditedAdmin

from .models import (
    Adjustment,
    AdjustmentRequest,
    CoordinationGrain,
    Envelope,
    Funding,
    Project,
    ProjectRole,
)


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0


class RoleInline(admin.TabularInline):
    model = ProjectRole
    extra = 0
    autocomplete_fields = ["member"]


class EnvelopeInline(admin.TabularInline):
    model = Envelope
    extra = 0
    fields = readonly_fields = ("name", "kind", "rule", "daily_rate", "cap")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ServiceOnlyAdmin(admin.ModelAdmin):
    """Read-only in the admin: writes go through the services behind the project pages."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Project)
class ProjectAdmin(AuditedAdmin):
    list_display = ["name", "field", "phase", "is_open", "start", "end", "public_page"]
    list_filter = ["field", "phase", "is_open", "public_page"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["field"]
    inlines = [FundingInline, RoleInline, EnvelopeInline]


@admin.register(ProjectRole)
class ProjectRoleAdmin(AuditedAdmin):
    list_display = ["member", "project", "role"]
    list_filter = ["role", "project"]
    search_fields = ["member__first_name", "member__last_name", "project__name"]
    autocomplete_fields = ["member", "project"]
    list_select_related = ["member", "project"]


@admin.register(Funding)
class FundingAdmin(AuditedAdmin):
    list_display = ["funder", "reference", "project", "amount", "start", "end"]
    list_filter = ["funder"]
    search_fields = ["funder", "reference", "project__name"]
    list_select_related = ["project"]


class AdjustmentInline(admin.TabularInline):
    model = Adjustment
    extra = 0
    fields = readonly_fields = ("created_at", "delta", "reason", "author", "transfer_id")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Envelope)
class EnvelopeAdmin(ServiceOnlyAdmin):
    list_display = ["name", "project", "kind", "rule", "daily_rate", "cap", "surplus_policy"]
    list_filter = ["kind", "rule", "surplus_policy", "project"]
    search_fields = ["name", "project__name"]
    list_select_related = ["project"]
    inlines = [AdjustmentInline]


@admin.register(Adjustment)
class AdjustmentAdmin(admin.ModelAdmin):
    list_display = ["created_at", "envelope", "delta", "reason", "author"]
    list_filter = ["envelope__project"]
    search_fields = ["reason", "envelope__name"]
    list_select_related = ["envelope__project", "author"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(AdjustmentRequest)
class AdjustmentRequestAdmin(ServiceOnlyAdmin):
    list_display = ["envelope", "requested_by", "delta", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["reason", "envelope__name"]
    list_select_related = ["envelope__project", "requested_by"]


@admin.register(CoordinationGrain)
class CoordinationGrainAdmin(ServiceOnlyAdmin):
    list_display = ["member", "field", "project", "envelope", "start", "end", "mode"]
    list_filter = ["field", "mode"]
    search_fields = ["member__first_name", "member__last_name", "project__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member", "field", "project", "envelope"]
