"""Helpers for the contributions tests: a valid quick-log payload."""
import datetime

import pytest
from django.utils import timezone


@pytest.fixture
def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)


@pytest.fixture
def payload(world, yesterday):
    """``payload(**overrides)`` → POST data of a valid quick-log entry for world.contributor."""

    def make(**overrides):
        data = {"date": yesterday.isoformat(), "project": world.project.pk,
                "envelope": world.envelope.pk, "hours": "1h30", "kind": "production",
                "description": "Atelier compost", "deliverable_url": "", "grain": "",
                "invited_by": "", "action": "draft"}
        data.update(overrides)
        return {k: v for k, v in data.items() if v is not None}

    return make
