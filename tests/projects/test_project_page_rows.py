"""The project page's envelope and team rows, written by ``{% envelope_rows %}`` and
``{% team_rows %}``, are the markup the template loops wrote (kept below as they were) — in
French and in English, for a pilot (with the team actions) and for a member, with names to
escape, people outside the team, a pilot, envelopes over and under their amount; and what a
pilot sees on the page: envelopes, totals, team, grains, links."""
import datetime
from decimal import Decimal

import pytest
from django.db.models import OuterRef
from django.middleware.csrf import get_token
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from contributions.models import MemberProjectTotal
from projects import selectors
from projects.models import ProjectRole
from projects.selectors import HOURS, VALIDATED, sum_subquery
from tests import factories

pytestmark = pytest.mark.django_db

# projects/detail.html's envelope loop and team loops, and
# projects/setup/_team_actions.html, before the row writers.
ENVELOPE_LOOP = """{% load i18n cb %}<tbody>
    {% for e in envelopes %}
      <tr data-envelope="{{ e.name }}">
        <td data-label="{% translate 'Enveloppe' %}"><a href="{% url 'projects:envelope_detail' e.pk %}"><strong>{{ e.name }}</strong></a><br><small class="muted">{{ e.get_kind_display }}</small></td>
        <td data-label="{% translate 'Règle' %}">{{ e.get_rule_display }}<br><small class="muted">{% blocktranslate with rate=e.daily_rate|money %}{{ rate }} / jour{% endblocktranslate %}</small></td>
        <td data-label="{% translate 'Montant' %}" class="num" data-testid="amount">{{ e.amount|money }}</td>
        <td data-label="{% translate 'Heures validées' %}" class="num">{{ e.validated_hours|hours }}</td>
        <td data-label="{% translate 'Valeur des heures' %}" class="num">{{ e.valued|money }}</td>
        <td data-label="{% translate 'Distribué' %}" class="num">{{ e.distributed|money }}</td>
        <td data-label="{% translate 'Disponible' %}" class="num">{{ e.available|money }}</td>
        <td data-label="{% translate 'Consommation' %}" class="bar-cell">
          <div class="bar {{ e.bar_class }}" role="img" aria-label="{% blocktranslate with pct=e.consumed_percent %}{{ pct }} % consommé{% endblocktranslate %}"><span class="{{ e.consumed_percent|bar_width }}"></span></div>
          <small class="muted">{{ e.consumed_percent }} %</small>
        </td>
      </tr>
    {% endfor %}
    </tbody>"""
TEAM_LOOPS = """{% load i18n cb %}<tbody>{% for r in team %}
      <tr data-member="{{ r.member.full_name }}"><td data-label="{% translate 'Personne' %}">{{ r.member.full_name }}</td><td data-label="{% translate 'Rôle' %}">{{ r.get_role_display }}</td><td data-label="{% translate 'Heures validées' %}" class="num">{{ r.hours|hours }}</td>{% if team_form %}<td data-label="{% translate 'Équipe' %}">{% include actions %}</td>{% endif %}</tr>
    {% endfor %}
    {% for o in others %}
      <tr><td data-label="{% translate 'Personne' %}">{{ o.member__first_name }} {{ o.member__last_name }}</td><td data-label="{% translate 'Rôle' %}"><span class="muted">{% translate "hors équipe (période ouverte)" %}</span></td><td data-label="{% translate 'Heures validées' %}" class="num">{{ o.hours|hours }}</td>{% if team_form %}<td></td>{% endif %}</tr>
    {% endfor %}</tbody>"""
TEAM_ACTIONS = """{% load i18n %}<details class="team-manage">
  <summary>{% translate "Gérer" %}</summary>
  <div class="team-actions">
  {% if r.role == "contributor" and r.member_id != me.pk %}<form method="post" action="{% url 'projects:team_set' project.slug %}">{% csrf_token %}<input type="hidden" name="member" value="{{ r.member_id }}"><input type="hidden" name="role" value="pilot"><button type="submit" class="outline">{% translate "Nommer pilote" %}</button></form>{% endif %}
  {% if r.role == "pilot" %}<form method="post" action="{% url 'projects:team_set' project.slug %}">{% csrf_token %}<input type="hidden" name="member" value="{{ r.member_id }}"><input type="hidden" name="role" value="contributor"><button type="submit" class="outline secondary">{% translate "Retirer le pilotage" %}</button></form>{% endif %}
  <form method="post" action="{% url 'projects:team_remove' project.slug r.member_id %}">{% csrf_token %}<button type="submit" class="outline secondary">{% translate "Retirer de l'équipe" %}</button></form>
  </div>
</details>
"""


def old_team(project) -> list:
    """The team as the template loop read it: role instances with member and user."""
    hours = sum_subquery(MemberProjectTotal.objects.filter(
        project=OuterRef("project"), member=OuterRef("member"), status__in=VALIDATED),
        "hours", HOURS)
    return list(ProjectRole.objects.filter(project=project).select_related("member__user")
                .annotate(hours=hours).order_by("role", "member__last_name", "member__first_name"))


@pytest.fixture
def varied(world):
    """Names to escape, a member without a name (the email shows), someone outside the team
    with validated time, envelopes over, near and under their amount."""
    odd = factories.member("O'Brien <b>&", last_name="Zoé")
    factories.role(world.project, odd)
    unnamed = factories.member("", last_name="")
    factories.role(world.project, unnamed)
    stranger = factories.member("Sam & <i>", last_name="L'Hôte")
    over = factories.envelope(world.project, name="Coordination <& 'x'>", amount="100.00")
    factories.envelope(world.project, name="Vide", amount=None)
    factories.contribution(world.contributor, world.envelope, hours=Decimal("7.25"),
                           status="validated")
    factories.contribution(odd, over, hours=Decimal("8"), status="validated")
    factories.contribution(stranger, world.envelope, hours=Decimal("3.5"), status="validated")


def render_both(world, member, steer: bool, language: str):
    request = RequestFactory().get("/")
    request.META["CSRF_COOKIE"] = "a" * 32
    token = get_token(request)
    base = {"project": world.project, "csrf_token": token, "me": member,
            "team_form": object() if steer else None,
            "envelopes": selectors.project_envelopes(world.project),
            "others": selectors.project_other_contributors(world.project)}
    with translation.override(language):
        stock = (Template(ENVELOPE_LOOP).render(Context(base))
                 + Template(TEAM_LOOPS).render(Context({
                     **base, "team": old_team(world.project),
                     "actions": Template(TEAM_ACTIONS)})))
        lean = (Template("{% load project_page %}<tbody>\n    {% envelope_rows envelopes %}"
                         "\n    </tbody>").render(Context(base))
                + Template("{% load project_page %}<tbody>{% team_rows team others %}</tbody>")
                .render(Context({**base, "team": selectors.project_team(world.project)})))
    return stock, lean


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("steer", [True, False])
def test_project_page_rows_are_the_template_loops_markup(world, varied, language, steer):
    stock, lean = render_both(world, world.pilot, steer, language)
    assert "O&#x27;Brien &lt;b&gt;&amp;" in lean and "L&#x27;Hôte" in lean
    assert ("Retirer de l'équipe" in lean or "Remove from" in lean) == steer
    assert lean == stock


def test_a_pilot_sees_envelopes_totals_team_grains_and_links(world, client_for, approved_run):
    factories.contribution(world.contributor, world.envelope, hours=Decimal("14"),
                           status="validated")
    approved_run(world.envelope, "1000.00")
    stranger = factories.member("Sam", last_name="Dehors")
    factories.contribution(stranger, world.envelope, hours=Decimal("3.5"), status="validated")
    grain = factories.grain(world.contributor, world.envelope,
                            start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    html = client_for(world.pilot).get(reverse("projects:detail", args=["legumerie"])).content.decode()
    # Totals: budget, in envelopes, left to split, distributed, validated hours.
    assert 'data-testid="budget">20\u00a0000,00\u00a0€' in html
    assert "10\u00a0000,00\u00a0€" in html and "1\u00a0000,00\u00a0€" in html
    assert "17,5\u00a0h" in html
    # The envelope row, with its link, its worth of hours (17,5 h = 2,5 days at 280 €) and
    # what is still available.
    row = html.split('data-envelope="Production"')[1].split("</tr>")[0]
    assert reverse("projects:envelope_detail", args=[world.envelope.pk]) in row
    assert "700,00\u00a0€" in row and "9\u00a0000,00\u00a0€" in row and "w-" in row
    # The team: each person, their role and hours; the pilot's actions on the others.
    camille = html.split('data-member="Camille')[1].split("</tr>")[0]
    assert "Contributeur·rice" in camille and "14\u00a0h" in camille
    assert reverse("projects:team_remove", args=["legumerie", world.contributor.pk]) in camille
    assert 'name="role" value="pilot"' in camille
    malik = html.split('data-member="Malik')[1].split("</tr>")[0]
    assert "Pilote" in malik and 'value="contributor"' in malik and 'value="pilot"' not in malik
    assert "Sam Dehors" in html and "hors équipe (période ouverte)" in html
    # The grain paid by the project, linked.
    assert reverse("projects:grain_detail", args=[grain.pk]) in html
    assert 'data-testid="grain-card"' in html


def test_a_member_sees_the_team_without_its_actions(world, client_for):
    html = client_for(world.contributor).get(
        reverse("projects:detail", args=["legumerie"])).content.decode()
    assert 'data-member="Malik' in html and 'data-member="Camille' in html
    assert "Retirer de l'équipe" not in html and 'data-testid="team-form"' not in html
