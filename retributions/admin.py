from django.contrib import admin

from .models import (
    Document,
    LedgerEntry,
    RetributionLine,
    RetributionRun,
    ShareLink,
    SmoothingRequest,
)


class LineInline(admin.TabularInline):
    model = RetributionLine
    extra = 0
    fields = readonly_fields = (
        "member", "hours", "weighted_hours", "valued", "money", "payee", "paid_on")
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RetributionRun)
class RetributionRunAdmin(admin.ModelAdmin):
    list_display = ["envelope", "kind", "period_start", "period_end", "status", "distributed",
                    "surplus", "approved_at"]
    list_filter = ["status", "kind", "rule"]
    search_fields = ["envelope__name", "envelope__project__name"]
    list_select_related = ["envelope__project"]
    readonly_fields = ["status", "available", "distributed", "surplus", "inputs_fingerprint",
                       "approved_by", "approved_at"]
    inlines = [LineInline]


@admin.register(RetributionLine)
class RetributionLineAdmin(admin.ModelAdmin):
    list_display = ["member", "run", "hours", "money", "payee", "paid_on", "payment_reference"]
    list_filter = ["payee", "run__status"]
    search_fields = ["member__first_name", "member__last_name", "payment_reference"]
    list_select_related = ["member", "run__envelope__project"]


@admin.register(LedgerEntry)
class LedgerEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "project", "kind", "amount", "run"]
    list_filter = ["kind", "project"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SmoothingRequest)
class SmoothingRequestAdmin(admin.ModelAdmin):
    list_display = ["member", "project", "period_start", "period_end", "created_at"]
    list_filter = ["project"]


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["kind", "project", "member", "version", "status", "author", "created_at"]
    list_filter = ["kind", "status"]
    readonly_fields = ["checksum", "file", "invoice_number", "status", "progress"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ["document", "created_by", "created_at", "revoked_at"]

from . import admin_treasury  # noqa: E402,F401 - the treasury's read-only admin
