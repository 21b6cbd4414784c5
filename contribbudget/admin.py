"""Admin for the network: what a coordinator manages by hand (places, members, roles, fields
of action, invitations) and the read-only audit trail."""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .admin_audit import AuditedAdmin
from .models import (
    AuditEvent,
    FieldOfAction,
    Invitation,
    Member,
    NetworkSettings,
    Place,
    WorkingGroup,
)
from .models import AuditEvent as Event
from .services import audit_record

admin.site.site_header = _("Budget contributif — administration")
admin.site.site_title = _("Budget contributif")
admin.site.index_title = _("Gestion du réseau")


@admin.register(NetworkSettings)
class NetworkSettingsAdmin(admin.ModelAdmin):
    list_display = ["name", "hours_per_fte_year", "hours_per_day", "daily_rate_outlier_factor"]

    def has_add_permission(self, request):
        return not NetworkSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Place)
class PlaceAdmin(AuditedAdmin):
    list_display = ["name", "city", "department", "siret", "email"]
    search_fields = ["name", "city", "siret"]
    prepopulated_fields = {"slug": ["name"]}


class ProjectRoleInline(admin.TabularInline):
    from projects.models import ProjectRole

    model = ProjectRole
    extra = 0
    autocomplete_fields = ["project"]


@admin.register(Member)
class MemberAdmin(AuditedAdmin):
    list_display = ["full_name", "email", "home_place", "preference", "is_treasurer",
                    "is_coordinator"]
    list_filter = ["home_place", "preference", "is_treasurer", "is_coordinator"]
    search_fields = ["first_name", "last_name", "user__email"]
    list_select_related = ["user", "home_place"]
    autocomplete_fields = ["user", "home_place"]
    inlines = [ProjectRoleInline]

    @admin.display(description=_("courriel"), ordering="user__email")
    def email(self, obj):
        return obj.user.email

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # AuditedAdmin: member.changed
        if change and {"is_treasurer", "is_coordinator"} & set(form.changed_data):
            audit_record(actor=request.user, action=Event.Action.ROLE_CHANGED, obj=obj,
                         data={"is_treasurer": obj.is_treasurer,
                               "is_coordinator": obj.is_coordinator})


class WorkingGroupInline(admin.TabularInline):
    model = WorkingGroup
    extra = 0
    filter_horizontal = ["members"]


@admin.register(FieldOfAction)
class FieldOfActionAdmin(AuditedAdmin):
    list_display = ["name", "start", "end"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [WorkingGroupInline]


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "field"]
    list_filter = ["field"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "first_name", "last_name", "invited_by", "created_at", "accepted_at"]
    list_filter = ["accepted_at"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["token", "accepted_at", "invited_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.invited_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (a database trigger refuses changes too)."""
    list_display = ["created_at", "action", "actor", "object_type", "object_id", "project", "reason"]
    list_filter = ["action", "project"]
    search_fields = ["reason", "object_id", "actor__email"]
    list_select_related = ["actor", "project"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
