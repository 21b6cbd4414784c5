"""My contributions: filters, export of what is filtered, bulk submit, edit and delete of
drafts; and nobody reaches another member's drafts by changing an id in the URL."""
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contribbudget.models import AuditEvent
from contributions.models import Contribution

from .. import factories
from ..exports_support import body

pytestmark = pytest.mark.django_db
MINE = reverse("contributions:mine")


def test_table_shows_only_my_contributions_with_totals(world, client_for):
    factories.contribution(world.contributor, world.envelope, description="Le mien")
    factories.contribution(world.pilot, world.envelope, description="Celui du pilote")
    body = client_for(world.contributor).get(MINE).content.decode()
    assert "Le mien" in body and "Celui du pilote" not in body


def test_filters_by_status_kind_and_period(world, client_for):
    today = datetime.date.today()
    factories.contribution(world.contributor, world.envelope, description="Brouillon récent")
    factories.contribution(world.contributor, world.envelope, description="Validée ancienne",
                           status="validated", date=datetime.date(2026, 1, 5))
    client = client_for(world.contributor)
    body = client.get(MINE, {"status": "validated"}).content.decode()
    assert "Validée ancienne" in body and "Brouillon récent" not in body
    body = client.get(MINE, {"period": "week" if today.weekday() > 0 else "month"}).content.decode()
    assert "Validée ancienne" not in body
    body = client.get(MINE, {"kind": "meeting"}).content.decode()
    assert "Aucune contribution ne correspond" in body


def test_xlsx_export_contains_what_is_filtered_with_typed_cells(world, client_for):
    factories.contribution(world.contributor, world.envelope, hours=Decimal("2.75"),
                           description="Atelier", status="validated")
    factories.contribution(world.contributor, world.envelope, description="Brouillon")
    factories.contribution(world.pilot, world.envelope, description="Pas à moi", status="submitted")
    response = client_for(world.contributor).get(MINE, {"status": "validated", "export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(body(response))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:7] == ("Date", "Projet", "Enveloppe", "Type", "Description", "Heures", "Statut")
    assert len(rows) == 2
    assert rows[1][4] == "Atelier" and rows[1][5] == 2.75 and rows[1][6] == "Validée"
    assert isinstance(rows[1][0], datetime.datetime)


def test_csv_export_is_french(world, client_for):
    factories.contribution(world.contributor, world.envelope, hours=Decimal("1.5"))
    response = client_for(world.contributor).get(MINE, {"export": "csv"})
    text = body(response).decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Date;Projet;Enveloppe")
    assert ";1,50;" in text


def test_bulk_submit_submits_ticked_drafts_and_audits(world, client_for):
    a = factories.contribution(world.contributor, world.envelope)
    b = factories.contribution(world.contributor, world.envelope)
    other = factories.contribution(world.pilot, world.envelope)
    client_for(world.contributor).post(reverse("contributions:bulk_submit"),
                                       {"ids": [a.pk, b.pk, other.pk]})
    assert set(Contribution.objects.filter(status="submitted").values_list("pk", flat=True)) == {a.pk, b.pk}
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONTRIBUTION_SUBMITTED).count() == 2


def test_editing_a_validated_contribution_sends_it_back_to_submitted(world, client_for, payload):
    c = factories.contribution(world.contributor, world.envelope, status="validated",
                               validated_by=world.pilot)
    response = client_for(world.contributor).post(reverse("contributions:edit", args=[c.pk]),
                                                  payload(hours="3", action="save"))
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "submitted" and c.hours == Decimal("3") and c.validated_by is None
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CONTRIBUTION_REOPENED,
                                     object_id=str(c.pk)).exists()


def test_edit_refuses_bad_input_and_keeps_it(world, client_for, payload):
    c = factories.contribution(world.contributor, world.envelope)
    response = client_for(world.contributor).post(reverse("contributions:edit", args=[c.pk]),
                                                  payload(hours="1h10", action="save"))
    assert "au quart d&#x27;heure" in response.content.decode()
    c.refresh_from_db()
    assert c.hours == Decimal("2.00")


def test_a_retributed_contribution_cannot_be_edited(world, client_for, payload):
    c = factories.contribution(world.contributor, world.envelope, status="retributed")
    response = client_for(world.contributor).post(reverse("contributions:edit", args=[c.pk]),
                                                  payload(hours="3"))
    assert response.status_code == 403


def test_a_draft_can_be_deleted_but_not_a_submitted_one(world, client_for):
    draft = factories.contribution(world.contributor, world.envelope)
    sent = factories.contribution(world.contributor, world.envelope, status="submitted")
    client = client_for(world.contributor)
    client.post(reverse("contributions:delete", args=[draft.pk]))
    client.post(reverse("contributions:delete", args=[sent.pk]))
    assert list(Contribution.objects.values_list("pk", flat=True)) == [sent.pk]


@pytest.mark.parametrize("name", ["detail", "edit", "delete"])
def test_another_members_draft_is_a_404_whatever_the_url(world, client_for, name):
    draft = factories.contribution(world.pilot, world.envelope)
    for who in (world.contributor, world.copilot, world.coordinator, world.outsider):
        response = client_for(who).get(reverse(f"contributions:{name}", args=[draft.pk]))
        assert response.status_code == 404, who


def test_another_members_draft_cannot_be_edited_deleted_or_submitted_by_post(world, client_for, payload):
    draft = factories.contribution(world.pilot, world.envelope)
    client = client_for(world.contributor)
    assert client.post(reverse("contributions:edit", args=[draft.pk]), payload()).status_code == 404
    assert client.post(reverse("contributions:delete", args=[draft.pk])).status_code == 404
    client.post(reverse("contributions:bulk_submit"), {"ids": [draft.pk]})
    draft.refresh_from_db()
    assert draft.status == "draft" and Contribution.objects.filter(pk=draft.pk).exists()


def test_export_never_contains_another_members_rows(world, client_for):
    factories.contribution(world.pilot, world.envelope, description="Secret du pilote")
    client = client_for(world.contributor)
    response = client.get(MINE, {"export": "csv", "member": world.pilot.pk})
    assert "Secret du pilote" not in body(response).decode("utf-8-sig")


def test_a_pilot_sees_a_submitted_contribution_of_their_project_but_cannot_edit_it(world, client_for):
    c = factories.contribution(world.contributor, world.envelope, status="submitted")
    client = client_for(world.pilot)
    assert client.get(reverse("contributions:detail", args=[c.pk])).status_code == 200
    assert client.get(reverse("contributions:edit", args=[c.pk])).status_code == 403


def test_anonymous_is_sent_to_login(client):
    response = client.get(MINE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
