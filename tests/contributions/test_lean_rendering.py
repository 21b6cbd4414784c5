"""The quick log, the week grid and home run the same number of queries with one project
and with many (open projects, envelopes, team mates, contributions); the selects written in
Python (contribbudget.widgets, {% select_options %}, {% envelope_optgroups %}) show exactly
what Django's templates showed."""
import datetime
import uuid

import pytest
from django import forms
from django.db import connection
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contribbudget.widgets import LazyChoices, LeanSelect
from contributions.models import Contribution

from .. import factories

pytestmark = pytest.mark.django_db


def grow(world, n):
    """n open projects with three envelopes each, a team mate, and contributions."""
    for _i in range(n):
        project = factories.project(is_open=True)
        envelopes = [factories.envelope(project, amount=None) for _j in range(3)]
        factories.role(world.project, factories.member("Équipière"))
        factories.contribution(world.contributor, envelopes[0],
                               date=datetime.date.today() - datetime.timedelta(days=2))


def queries(call):
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def quick_log_post(client, payload, day):
    data = payload(date=day.isoformat(), client_token=str(uuid.uuid4()))
    return lambda: client.post(reverse("contributions:quick_log"), data, HTTP_HX_REQUEST="true")


def test_quick_log_post_queries_do_not_grow_with_projects(world, client_for, payload):
    client = client_for(world.contributor)
    today = datetime.date.today()
    client.post(reverse("contributions:quick_log"), payload(), HTTP_HX_REQUEST="true")  # warm-up
    small, response = queries(quick_log_post(client, payload, today - datetime.timedelta(days=3)))
    assert "Brouillon enregistré" in response.content.decode()
    grow(world, 12)
    # The new projects change the cached lists (contributions/option_cache.py): the first
    # answer reads them again (projects, envelopes, team mates), then from the cache.
    cold, _response = queries(quick_log_post(client, payload, today - datetime.timedelta(days=5)))
    large, response = queries(quick_log_post(client, payload, today - datetime.timedelta(days=4)))
    assert "Brouillon enregistré" in response.content.decode()
    assert small == large
    assert cold <= small + 3


@pytest.mark.parametrize("name", ["home", "contributions:quick_log", "contributions:week"])
def test_page_queries_do_not_grow_with_projects(world, client_for, name):
    client = client_for(world.contributor)
    url = reverse(name)
    client.get(url)  # warm-up
    small, _response = queries(lambda: client.get(url))
    grow(world, 12)
    cold, _response = queries(lambda: client.get(url))  # the lists cached again: ≤ 3 queries
    large, response = queries(lambda: client.get(url))
    assert small == large
    assert cold <= small + 3
    if name != "home":  # every new open project's envelopes are offered
        assert response.content.decode().count("(ouvert)") >= 12


DJANGO_OWN = DjangoTemplates()  # Django's own widget templates, without the project's


def test_selects_write_what_django_templates_write():
    choices = [("1", "Café <&> \"thé\""), ("2", "Jardin"), ("3", "Jardin")]
    reference = forms.Select(choices=choices).render("f", "2", attrs={"id": "id_f"},
                                                     renderer=DJANGO_OWN)
    assert forms.Select(choices=choices).render("f", "2", attrs={"id": "id_f"}) == reference
    lean = LeanSelect(choices=LazyChoices(lambda: choices)).render("f", "2", attrs={"id": "id_f"})
    assert lean == reference
    assert "Café &lt;&amp;&gt; &quot;thé&quot;" in lean and lean.count(" selected") == 1
    grouped = [("Groupe <1>", [("a", "A"), ("b", "B")]), ("c", "C")]
    assert (forms.SelectMultiple(choices=grouped).render("g", ["a", "c"])
            == forms.SelectMultiple(choices=grouped).render("g", ["a", "c"], renderer=DJANGO_OWN))


def test_the_placeholder_reads_choisir():
    for widget in (forms.Select(choices=[("", "---------"), ("1", "Un")]),
                   LeanSelect(choices=[("", "---------"), ("1", "Un")])):
        html = widget.render("f", "")
        assert "Choisir…" in html and "---------" not in html


def test_quick_log_envelopes_carry_their_project(world, client_for):
    html = client_for(world.contributor).get(reverse("contributions:quick_log")).content.decode()
    assert (f'<option value="{world.envelope.pk}" data-project="{world.project.pk}">'
            in html or f'<option value="{world.envelope.pk}" selected data-project='
            f'"{world.project.pk}">' in html)


def test_copied_week_rows_keep_their_envelope_selected(world, client_for):
    monday = datetime.date.today() - datetime.timedelta(days=datetime.date.today().weekday())
    other = factories.envelope(world.project, amount=None, name="Autre <enveloppe>")
    factories.contribution(world.contributor, other, date=monday - datetime.timedelta(days=7),
                           status=Contribution.Status.DRAFT)
    client = client_for(world.contributor)
    html = client.get(reverse("contributions:week"), {"copier": "1"}).content.decode()
    assert html.count(f'<option value="{other.pk}" selected>Autre &lt;enveloppe&gt;</option>') == 1
    assert html.count(f'<option value="{other.pk}">') >= 1  # the blank row offers it unselected


def test_table_rows_written_in_python_match_the_template(world, rf):
    from contributions.tables import ContributionTable

    factories.contribution(world.contributor, world.envelope, description="Ligne <b>")
    factories.contribution(world.contributor, world.envelope, status=Contribution.Status.REJECTED,
                           rejection_comment="Trop <long>")
    request = rf.get("/")
    request.user = world.contributor.user

    def tbody(template_name):
        table = ContributionTable(Contribution.objects.all(), template_name=template_name)
        html = render_to_string(table.template_name, {"table": table, "request": request})
        return html[html.index("<tbody"):html.index("</tbody>")]

    ours = tbody("tables/table.html")
    assert ours == tbody("django_tables2/table.html")
    assert "Ligne &lt;b&gt;" in ours and "Trop &lt;long&gt;" in ours


def test_sessions_survive_the_cache_and_logout_ends_them(world, client_for, settings):
    """With a shared cache the session engine reads it first (cached_db): the session is
    still in the database when the cache is emptied, and a logout ends it at once."""
    from django.contrib.sessions.models import Session
    from django.core.cache import cache

    client = client_for(world.contributor)
    assert client.get(reverse("contributions:mine")).status_code == 200
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=key).exists()
    cache.clear()
    assert client.get(reverse("contributions:mine")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("contributions:mine")).status_code == 302
    reused = client_for(world.contributor)
    reused.cookies[settings.SESSION_COOKIE_NAME] = key
    assert reused.get(reverse("contributions:mine")).status_code == 302


def test_week_options_put_in_after_rendering_are_the_options_the_tag_wrote():
    """The week view splices the options into the rendered page (option_cache.splice): each
    select reads as the tag wrote it inline, its own envelope selected — envelope 5 chosen
    does not select envelope 50."""
    from django.template import Context, Template

    from contributions import option_cache

    options = option_cache.optgroups([(5, "Cinq", 1, "Projet <A>", True),
                                      (50, "Cinquante", 1, "Projet <A>", True),
                                      (7, "Sept", 2, "Ouvert", False)])
    envelope = type("Envelope", (), {})

    def chosen(pk):
        e = envelope()
        e.pk = pk
        return e

    rows = [None, chosen(50), chosen(5), chosen(None), chosen(7)]
    template = Template("{% load week_options %}{% for e in rows %}<select>"
                        "{% envelope_optgroups envelopes e %}</select>{% endfor %}")
    inline = template.render(Context({"rows": rows, "envelopes": options}))
    marked = template.render(Context({"rows": rows, "envelopes": options,
                                      "splice_options": True}))
    assert "<option" not in marked
    assert option_cache.splice(marked, options) == inline
    assert inline.count(" selected") == 3
    assert '<option value="5" selected>' in inline and '<option value="50" selected>' in inline
