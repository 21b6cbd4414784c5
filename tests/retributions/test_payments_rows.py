"""The payments table's rows, written by ``{% payment_rows %}`` from plain values, are the
markup the page's template loop wrote from model instances — in French and in English,
unpaid, paid, to a place, ticked — and the page runs as many queries for 2 lines as for 27."""
import datetime

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from contribbudget.models import Member, Preference
from retributions import selectors_runs as sel
from retributions.services import payments
from retributions.services import runs as svc
from retributions.templatetags.payments_table import payment_rows
from tests import factories

from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db

# The loop templates/retributions/payments/list.html had before the rows moved to a tag.
TEMPLATE_LOOP = """{% load i18n cb %}{% for line in lines %}
      <tr>
        {% if status != "paid" %}<td>{% if not line.paid_on %}<input type="checkbox" name="lines" value="{{ line.pk }}" aria-label="{% blocktranslate with name=line.member.full_name %}Payer {{ name }}{% endblocktranslate %}"{% if line.pk|stringformat:"s" in checked %} checked{% endif %}>{% endif %}</td>{% endif %}
        <td data-label="{% translate 'Bénéficiaire' %}">{% if line.payee == "place" %}<strong>{{ line.payee_place.name }}</strong> <small class="muted">{% translate "lieu" %}</small>{% else %}<strong>{{ line.member.full_name }}</strong>{% endif %}</td>
        <td data-label="{% translate 'Membre' %}">{{ line.member.full_name }}</td>
        <td data-label="{% translate 'Projet' %}">{{ line.run.envelope.project.name }} · {{ line.run.envelope.name }}</td>
        <td data-label="{% translate 'Période' %}">{{ line.run.period_start|cell_date }} – {{ line.run.period_end|cell_date }}</td>
        <td data-label="{% translate 'Montant' %}" class="num">{{ line.money|money }}</td>
        <td data-label="{% translate 'Paiement' %}">{% if line.paid_on %}<span class="badge badge-approved">{{ line.paid_on|date }}</span> <small>{{ line.payment_reference }}</small>{% else %}<span class="badge badge-submitted">{% translate "à payer" %}</span>{% endif %}</td>
      </tr>
    {% endfor %}"""


@pytest.fixture
def paid_and_unpaid(world):
    world.contributor.preference = Preference.MONEY_PLACE
    world.contributor.save()
    validated(world.contributor, world.envelope, "7.00")
    validated(world.copilot, world.envelope, "3.50")
    # A name to escape, and a member without a name (shown by their email).
    validated(factories.member("O'Brien <b>", preference="money_self"), world.envelope, "1.25")
    nameless = factories.member("Sans", preference="money_self")
    Member.objects.filter(pk=nameless.pk).update(first_name="", last_name="")
    validated(nameless, world.envelope, "2.00")
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    line = run.lines.get(member=world.copilot)
    payments.payments_mark_paid(actor=world.treasurer.user, line_ids=[line.pk],
                                paid_on=datetime.date.today(), reference="VIR & <42>")
    return run


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("status", ["unpaid", "paid", "all"])
def test_payment_rows_are_the_template_loops_markup(world, paid_and_unpaid, status, language):
    lines = sel.payment_lines(status).order_by(
        "payee_place__name", "member__last_name", "member__first_name", "pk")
    checked = {str(pk) for pk in lines.values_list("pk", flat=True)[:1]}
    with translation.override(language):
        expected = Template(TEMPLATE_LOOP).render(Context(
            {"lines": list(lines), "status": status, "checked": checked}))
        written = payment_rows(sel.payment_rows(lines, 500), status, checked)
    assert written == expected
    assert lines.count() >= (1 if status == "paid" else 3)


def test_payments_page_runs_as_many_queries_for_two_lines_as_for_many(world, paid_and_unpaid,
                                                                     client_for):
    client = client_for(world.treasurer)
    url = reverse("retributions:payments") + "?status=all"
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    env = factories.envelope(world.project, amount="90000.00")
    for i in range(25):
        validated(factories.member(f"P{i}", preference="money_self"), env, "1.00")
    svc.run_approve(actor=world.pilot.user, run=computed_run(world, envelope=env))
    assert client.get(url).content.decode().count('<td data-label="Membre">') > 25
    assert count() == few


def test_payment_rows_keep_the_first_lines_in_the_pages_order(world, paid_and_unpaid):
    lines = sel.payment_lines("all").order_by(
        "payee_place__name", "member__last_name", "member__first_name", "pk")
    every = list(lines.values(*sel.PAYMENT_ROW_FIELDS))
    assert len(every) >= 4
    assert sel.payment_rows(lines, 2) == every[:2]
    assert sel.payment_rows(lines, 500) == every
