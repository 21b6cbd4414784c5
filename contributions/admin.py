from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import Contribution, ContributionImport
from .services import contribution_check


class ContributionAdminForm(forms.ModelForm):
    """The admin obeys the same rules as the forms, the timesheet and the import: its
    clean() calls the service's rule check."""

    deliverable_url = forms.URLField(label=_("lien vers le livrable"), required=False,
                                     max_length=500, assume_scheme="https")

    class Meta:
        model = Contribution
        fields = ["member", "project", "envelope", "date", "hours", "kind", "description",
                  "deliverable_url", "invited_by", "grain", "salaried", "rejection_comment",
                  "coefficient_override", "coefficient_reason"]

    def clean(self):
        data = super().clean()
        member = data.get("member")
        if member is None:
            return data
        try:
            contribution_check(
                member=member, project=data.get("project"), envelope=data.get("envelope"),
                date=data.get("date"), hours=data.get("hours"),
                kind=data.get("kind") or Contribution.Kind.PRODUCTION,
                description=data.get("description") or "", grain=data.get("grain"),
                invited_by=data.get("invited_by"),
                exclude_pk=self.instance.pk if self.instance and self.instance.pk else None)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                target = field if field in self.fields else None
                if target and target in self.errors:
                    continue
                for message in messages:
                    self.add_error(target, message)
        return data


@admin.register(Contribution)
class ContributionAdmin(admin.ModelAdmin):
    form = ContributionAdminForm
    list_display = ["date", "member", "project", "envelope", "hours", "kind", "status"]
    list_filter = ["status", "kind", "salaried", "project"]
    search_fields = ["description", "member__first_name", "member__last_name", "project__name"]
    date_hierarchy = "date"
    list_select_related = ["member", "project", "envelope"]
    autocomplete_fields = ["member", "invited_by"]
    readonly_fields = ["status", "validated_by", "validated_at", "retributed_in", "created_at"]

    def has_change_permission(self, request, obj=None):
        # Retributed rows are locked once an approved run includes them.
        if obj is not None and obj.status == Contribution.Status.RETRIBUTED:
            return False
        return super().has_change_permission(request, obj)


@admin.register(ContributionImport)
class ContributionImportAdmin(admin.ModelAdmin):
    list_display = ["original_name", "uploaded_by", "status", "total_rows", "created_rows",
                    "created_at"]
    list_filter = ["status"]
    readonly_fields = ["checksum", "errors"]
