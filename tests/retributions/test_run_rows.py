"""A run's table of shares, written by ``{% run_line_rows %}``, is the markup the page's
template loop wrote — a draft with override forms (one open after a refused change), a kept
override, a place payee, a volunteer; an approved run with paid, unpaid and empty lines —
in French and English; and the run page runs as many queries for 3 lines as for 33."""
import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contribbudget.models import Preference
from retributions.services import payments
from retributions.services import runs as svc

from .. import factories
from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db

# The loop templates/retributions/runs/detail.html had before the rows moved to a tag.
TEMPLATE_LOOP = "{% load i18n cb runs_extras %}" + (
    '{% for line in lines %}\n'
    '    <tr id="line-{{ line.pk }}" data-testid="line-{{ line.member.last_name }}">\n'
    '      <td data-label="{% translate \'Membre\' %}"><strong>{{ line.member.full_name }}</strong>\n'
    '        <small class="run-kinds muted">{% for kind, h in line.hours_by_kind.items %}{% if not forloop.first %} · {% endif %}{% if kind == "production" %}{% translate "production" %}{% elif kind == "support" %}{% translate "support" %}{% elif kind == "creative" %}{% translate "créatif" %}{% elif kind == "coordination" %}{% translate "coordination" %}{% else %}{% translate "réunion" %}{% endif %} {{ h|hours }}{% endfor %}</small></td>\n'
    '      <td data-label="{% translate \'Heures\' %}" class="num">{{ line.hours|hours }}</td>\n'
    '      <td data-label="{% translate \'Pondérées\' %}" class="num">{{ line.weighted_hours|hours }}</td>\n'
    '      <td data-label="{% translate \'Valorisation\' %}" class="num">{{ line.valued|money }}</td>\n'
    '      <td data-label="{% translate \'Part\' %}" class="num"><strong data-testid="money">{{ line.money|money }}</strong>\n'
    '        {% if line.money != line.computed_money %}<br><small class="muted run-computed">{% blocktranslate with c=line.computed_money|money %}calculé : {{ c }}{% endblocktranslate %}</small>{% endif %}</td>\n'
    '      <td data-label="{% translate \'Bénéficiaire\' %}">{% if line.payee == "place" %}{{ line.payee_place.name }}{% elif line.payee == "self" %}{% translate "la personne" %}{% else %}<span class="badge">{% if line.preference == "volunteer" %}{% translate "Bénévole" %}{% else %}{{ line.non_financial|default:_("aucun versement") }}{% endif %}</span>{% endif %}</td>\n'
    '      <td data-label="{% translate \'Pourquoi\' %}" class="run-why-cell"><small>{{ line|why }}</small>\n'
    '        {% if line.override_reason %}<br><small class="warn-text">{% translate "Modifiée" %} : {{ line.override_reason }}</small>{% if line.member_id in kept_overrides %} <small class="badge" data-testid="override-kept">{% translate "modification conservée au recalcul" %}</small>{% endif %}{% endif %}\n'
    '        {% if line.override_form %}\n'
    '        <details class="run-override"{% if open_line == line.pk %} open{% endif %}>\n'
    '          <summary>{% translate "Modifier la part" %}</summary>\n'
    '          <form method="post" action="{% url \'retributions:run_line_override\' line.pk %}" novalidate>\n'
    '            {% csrf_token %}\n'
    '            {% with form=line.override_form %}{% include "includes/form_fields.html" %}{% endwith %}\n'
    '            <button type="submit" class="secondary">{% translate "Enregistrer la part" %}</button>\n'
    '          </form>\n'
    '        </details>\n'
    '        {% endif %}\n'
    '      </td>\n'
    '      {% if run.status == "approved" %}<td data-label="{% translate \'Paiement\' %}">{% if line.paid_on %}<span class="badge badge-approved">{% blocktranslate with d=line.paid_on|date %}payée le {{ d }}{% endblocktranslate %}</span>{% elif line.money %}<span class="badge badge-submitted">{% translate "à payer" %}</span>{% else %}—{% endif %}</td>{% endif %}\n'
    '    </tr>\n'
    '  {% endfor %}'
)
TAG = "{% load run_lines_table %}{% run_line_rows lines %}"


@pytest.fixture
def run(world):
    world.contributor.preference = Preference.MONEY_PLACE
    world.contributor.save()
    validated(world.contributor, world.envelope, "7.00")
    validated(world.copilot, world.envelope, "3.50", kind="support")
    validated(world.copilot, world.envelope, "1.25", kind="meeting")
    vera = factories.member("Vera <i>", "O'Neil")
    factories.role(world.project, vera)
    validated(vera, world.envelope, "7.00")
    run = computed_run(world)
    svc.run_line_override(actor=world.pilot.user, line=run.lines.get(member=world.contributor),
                          amount=Decimal("250.00"), reason="Atelier <écourté> & rendu")
    svc.run_preference_set(member=world.copilot, run=run, preference=Preference.VOLUNTEER)
    svc.run_compute(run_id=run.pk)
    run.refresh_from_db()
    return run


def assert_rows_are_the_loops(response, count):
    context = Context(response.context[0].flatten())  # the page template's context
    written = Template(TAG).render(context)
    assert written == Template(TEMPLATE_LOOP).render(context)
    assert written in response.content.decode()
    assert written.count('<tr id="line-') == count


@pytest.mark.parametrize("language", ["fr", "en"])
def test_draft_run_rows_are_the_template_loops_markup(world, run, client_for, language):
    client = client_for(world.pilot)
    client.cookies["django_language"] = language
    url = reverse("retributions:run_detail", args=[run.pk])
    response = client.get(url)
    assert response.content.decode().count('class="run-override"') == 2  # not the pilot's own
    assert_rows_are_the_loops(response, 3)
    vera = run.lines.get(member__first_name="Vera <i>")
    refused = client.post(reverse("retributions:run_line_override", args=[vera.pk]),
                          {"amount": "-5", "reason": ""})
    assert refused.status_code == 400 and refused.context["open_line"] == vera.pk
    assert_rows_are_the_loops(refused, 3)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_approved_run_rows_are_the_template_loops_markup(world, run, client_for, language):
    svc.run_approve(actor=world.pilot.user, run=run)
    paid = run.lines.get(member=world.contributor)
    payments.payments_mark_paid(actor=world.treasurer.user, line_ids=[paid.pk],
                                paid_on=datetime.date.today(), reference="VIR-1")
    for who in (world.pilot, world.treasurer):
        client = client_for(who)
        client.cookies["django_language"] = language
        response = client.get(reverse("retributions:run_detail", args=[run.pk]))
        assert 'class="run-override"' not in response.content.decode()
        assert_rows_are_the_loops(response, 3)


@pytest.mark.parametrize("approve", [False, True])
def test_run_page_runs_as_many_queries_for_3_lines_as_for_33(world, run, client_for, approve):
    client = client_for(world.pilot)
    env = factories.envelope(world.project, amount="50000.00")
    for i in range(30):
        validated(factories.member(f"M{i}"), env, "1.00")
    large = computed_run(world, envelope=env)
    if approve:
        svc.run_approve(actor=world.pilot.user, run=run)
        svc.run_approve(actor=world.pilot.user, run=large)

    def count(pk):
        url = reverse("retributions:run_detail", args=[pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            body = client.get(url).content.decode()
        return len(ctx.captured_queries), body.count('<tr id="line-')

    assert count(large.pk) == (count(run.pk)[0], 30)
