"""Read-only admin of the treasury's rows (issue 14): every change goes through the pages'
services (locks, checks, audit)."""
from django.contrib import admin

from .models import PaymentBatch, SelfBilledInvoice, SelfBillingMandate


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PaymentBatch)
class PaymentBatchAdmin(ReadOnlyAdmin):
    list_display = ["reference", "status", "schema", "line_count", "total", "execution_date",
                    "confirmed_on"]
    list_filter = ["status", "schema"]


@admin.register(SelfBillingMandate)
class SelfBillingMandateAdmin(ReadOnlyAdmin):
    list_display = ["member", "starts_on", "duration_months", "contest_days", "revoked_at"]
    list_select_related = ["member"]


@admin.register(SelfBilledInvoice)
class SelfBilledInvoiceAdmin(ReadOnlyAdmin):
    list_display = ["number", "kind", "member", "amount", "issued_on", "status"]
    list_filter = ["kind", "status"]
    list_select_related = ["member"]
