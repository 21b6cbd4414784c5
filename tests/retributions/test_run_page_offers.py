"""The run page never offers what the server refuses (issue 12, point 14): a pilot's own
line has no "Modifier la part", a run that pays the pilot has no "Approuver" but says who
can approve it; another pilot sees both."""
import re

import pytest
from django.urls import reverse

from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(world):
    validated(world.contributor, world.envelope, "7.00")
    validated(world.pilot, world.envelope, "3.50")
    return computed_run(world)


def _override_forms(body: str) -> set[str]:
    return set(re.findall(r'action="/retributions/lignes/(\d+)/modifier/"', body))


def test_the_pilots_own_line_offers_no_override_and_the_run_no_approval(world, run, client_for):
    body = client_for(world.pilot).get(reverse("retributions:run_detail", args=[run.pk])).content.decode()
    own = run.lines.get(member=world.pilot)
    other = run.lines.get(member=world.contributor)
    assert str(own.pk) not in _override_forms(body)
    assert str(other.pk) in _override_forms(body)
    assert reverse("retributions:run_approve", args=[run.pk]) not in body
    assert "un·e autre pilote du projet ou la coordination doit l&#x27;approuver" in body \
        or "un·e autre pilote du projet ou la coordination doit l'approuver" in body


def test_another_pilot_may_override_every_line_and_approve(world, run, client_for):
    body = client_for(world.copilot).get(reverse("retributions:run_detail", args=[run.pk])).content.decode()
    assert _override_forms(body) == {str(pk) for pk in run.lines.values_list("pk", flat=True)}
    assert reverse("retributions:run_approve", args=[run.pk]) in body
