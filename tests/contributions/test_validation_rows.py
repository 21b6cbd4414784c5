"""The validation queue's rows, written by ``{% validation_rows %}``, are the markup the
page's template loop wrote — group rows per person and week, invitations, salaried time,
work logged or imported by someone else, deliverables, long descriptions, in French and
English — and the page runs as many queries for 5 rows as for 120."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from contributions.models import Contribution
from contributions.templatetags.review_rows import validation_rows

from .. import factories

pytestmark = pytest.mark.django_db
QUEUE = reverse("contributions:validation")

# The loop templates/contributions/validation.html had before the rows moved to a tag.
TEMPLATE_LOOP = "{% load i18n cb %}" + (
    '{% for c in rows %}\n'
    '      {% ifchanged c.group_key %}\n'
    '      <tr class="group-row"><th colspan="6" scope="rowgroup">\n'
    '        <label><input type="checkbox" data-select-group="{{ c.group_key }}" aria-label="{% blocktranslate with who=c.member.full_name %}Tout sélectionner pour {{ who }}{% endblocktranslate %}">\n'
    '        <strong>{{ c.member.full_name }}</strong></label> · {% blocktranslate with d=c.week_start|date %}semaine du {{ d }}{% endblocktranslate %}\n'
    '        <span class="muted">· {% blocktranslate count n=c.group_count with h=c.group_hours|hours %}{{ n }} contribution, {{ h }}{% plural %}{{ n }} contributions, {{ h }}{% endblocktranslate %}</span>\n'
    '      </th></tr>\n'
    '      {% endifchanged %}\n'
    '      <tr data-group="{{ c.group_key }}">\n'
    '        <td data-label="{% translate \'Sélection\' %}"><input type="checkbox" name="ids" value="{{ c.pk }}" data-group="{{ c.group_key }}" aria-label="{% blocktranslate with who=c.member.full_name d=c.date|date:\'j N\' %}{{ who }}, {{ d }}{% endblocktranslate %}"></td>\n'
    '        <td data-label="{% translate \'Date\' %}">{{ c.date|date:"D j N" }}</td>\n'
    '        <td data-label="{% translate \'Projet\' %}">{{ c.project.name }} <small class="muted">· {{ c.envelope.name }}</small></td>\n'
    '        <td data-label="{% translate \'Type\' %}">{{ c.get_kind_display }}{% if c.invited_by %} <small class="muted">({% blocktranslate with who=c.invited_by.full_name %}invité·e par {{ who }}{% endblocktranslate %})</small>{% endif %}{% if c.salaried %} <span class="badge">{% translate "salarié" %}</span>{% endif %}</td>\n'
    '        <td data-label="{% translate \'Description\' %}"><a href="{% url \'contributions:detail\' c.pk %}">{{ c.description|truncatechars:80 }}</a>{% if c.logged_on_behalf %} <small class="muted" data-testid="created-by">{% if c.is_imported %}{% blocktranslate with who=c.created_by.full_name %}importée par {{ who }}{% endblocktranslate %}{% else %}{% blocktranslate with who=c.created_by.full_name %}saisie par {{ who }}{% endblocktranslate %}{% endif %}</small>{% endif %}{% if c.deliverable_url %} · <a href="{{ c.deliverable_url }}" target="_blank" rel="noopener noreferrer">{% translate "livrable" %}</a>{% endif %}</td>\n'
    '        <td class="num" data-label="{% translate \'Heures\' %}">{{ c.hours|hours }}</td>\n'
    '      </tr>\n'
    '    {% endfor %}'
)


def submitted(member, envelope, day, **kw):
    return factories.contribution(member, envelope, status="submitted", date=day, **kw)


@pytest.fixture
def queue(world):
    today = datetime.date.today()
    monday = today - datetime.timedelta(days=today.weekday() + 14)
    odd = factories.member("Zoé <b>", "O'Hara & Co")
    submitted(world.contributor, world.envelope, monday,
              description="Atelier " + "très long " * 12,
              deliverable_url="https://example.org/a?x=1&y=<2>")
    submitted(world.contributor, world.envelope, monday + datetime.timedelta(days=1),
              kind="creative", invited_by=world.copilot, hours=Decimal("1.25"), salaried=True)
    submitted(world.contributor, world.envelope, monday + datetime.timedelta(days=8),
              created_by=world.copilot, description="Saisie pour Camille")
    submitted(odd, world.envelope, monday, created_by=world.copilot, import_key="imp-1",
              description="Import <script>", hours=Decimal("3.50"))
    nameless = factories.member("Sans")
    type(nameless).objects.filter(pk=nameless.pk).update(first_name="", last_name="")
    submitted(nameless, world.envelope, monday, kind="meeting",
              description="Re\u0301union au cafe\u0301")  # not NFC: |truncatechars normalises
    return world


def full_rows(rows):
    """The page's rows (dicts of values) as complete model instances, as the template loop
    read them, with the group attributes the view sets."""
    fresh = Contribution.objects.select_related(
        "member__user", "project", "envelope", "invited_by__user", "created_by__user",
    ).in_bulk([row["pk"] for row in rows])
    out = []
    for row in rows:
        full = fresh[row["pk"]]
        for name in ("week_start", "group_key", "group_count", "group_hours"):
            setattr(full, name, row[name])
        out.append(full)
    return out


@pytest.mark.parametrize("language", ["fr", "en"])
def test_validation_rows_are_the_template_loops_markup(queue, client_for, language):
    client = client_for(queue.pilot)
    client.cookies["django_language"] = language
    response = client.get(QUEUE)
    rows = response.context["rows"]
    assert len(rows) == 5
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context({"rows": full_rows(rows)}))
        written = validation_rows(rows)
    assert written == expected
    assert written in response.content.decode()
    assert expected.count('class="group-row"') == 4  # Camille's two weeks, Zoé, the nameless


def test_validation_page_runs_as_many_queries_for_5_rows_as_for_120(queue, client_for):
    client = client_for(queue.pilot)
    client.get(QUEUE)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(QUEUE).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    start = datetime.date.today() - datetime.timedelta(days=400)
    people = [factories.member(f"V{i}") for i in range(6)]
    Contribution.objects.bulk_create([
        Contribution(member=people[i % 6], project=queue.project, envelope=queue.envelope,
                     date=start + datetime.timedelta(days=i * 3), hours=Decimal("1.00"),
                     kind="creative" if i % 2 else "production", description=f"Ligne {i}",
                     status="submitted", invited_by=queue.copilot if i % 2 else None,
                     created_by=queue.copilot if i % 3 else None)
        for i in range(115)])
    body = client.get(QUEUE).content.decode()
    assert body.count('name="ids"') == 100 and "Page 1 sur 2" in body
    assert count() == few
