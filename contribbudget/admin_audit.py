"""The admin writes the same audit trail as the pages: every save or delete of an audited
model (and of its inline rows: a project's roles and fundings, a member's roles) records
what changed, inside the admin's own transaction (``changeform_view`` and ``delete_view``
are atomic), so the change and its trace are committed together."""
from __future__ import annotations

from django.contrib import admin

from .audit_changes import ACTIONS, audit_change, audit_deletion, snapshot


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        before = snapshot(type(obj).objects.filter(pk=obj.pk).first()) if change else {}
        super().save_model(request, obj, form, change)
        audit_change(actor=request.user, action=ACTIONS[obj._meta.label_lower], obj=obj,
                     before=before)

    def delete_model(self, request, obj):
        audit_deletion(actor=request.user, action=ACTIONS[obj._meta.label_lower], obj=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            audit_deletion(actor=request.user, action=ACTIONS[obj._meta.label_lower], obj=obj)
        super().delete_queryset(request, queryset)

    def save_formset(self, request, form, formset, change):
        model = formset.model
        if model._meta.label_lower not in ACTIONS:
            return super().save_formset(request, form, formset, change)
        action = ACTIONS[model._meta.label_lower]
        befores = {f.instance.pk: snapshot(model.objects.filter(pk=f.instance.pk).first())
                   for f in formset.initial_forms if f.instance.pk}
        # Deleted rows are recorded while they still exist.
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                audit_deletion(actor=request.user, action=action, obj=deleted.instance)
        result = super().save_formset(request, form, formset, change)
        for obj in list(formset.new_objects) + [o for o, _fields in formset.changed_objects]:
            audit_change(actor=request.user, action=action, obj=obj,
                         before=befores.get(obj.pk, {}))
        return result
