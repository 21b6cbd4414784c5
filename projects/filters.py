"""Filters of the network overview: field of action and period."""
from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contribbudget.models import FieldOfAction

from .models import Project


class OverviewFilter(django_filters.FilterSet):
    """A period keeps the projects active during it (they start before its end and do not
    end before its start)."""

    field = django_filters.ModelChoiceFilter(label=_("Champ d'action"),
                                             queryset=FieldOfAction.objects.all(),
                                             empty_label=_("Tous les champs"))
    phase = django_filters.ChoiceFilter(label=_("Phase"), choices=Project.Phase.choices,
                                        empty_label=_("Toutes les phases"))
    start = django_filters.DateFilter(label=_("Période : du"), method="filter_start",
                                      widget=forms.DateInput({"type": "date"}))
    end = django_filters.DateFilter(label=_("au"), method="filter_end",
                                    widget=forms.DateInput({"type": "date"}))

    class Meta:
        model = Project
        fields = ["field", "phase"]

    def filter_start(self, queryset, name, value):
        return queryset.filter(Q(end__isnull=True) | Q(end__gte=value))

    def filter_end(self, queryset, name, value):
        return queryset.filter(start__lte=value)
