"""Payment batches and SEPA files: the XML validates against the official XSD with a control
sum equal to the lines; prepared → sent → confirmed; failed transfers go back to unpaid; a
line is in at most one open batch; every bad input is refused in French, nothing partial."""
import datetime
import io
import os
from decimal import Decimal

import pytest
import sepaxml
import xmlschema
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from lxml import etree

from contribbudget.models import AuditEvent
from retributions.models import PaymentBatch, PaymentBatchLine, RetributionLine
from retributions.services import batches

from .treasury_support import CAMILLE_IBAN, NADIA_IBAN, approved_run, bank_network, with_iban

pytestmark = pytest.mark.django_db
SCHEMAS = os.path.join(os.path.dirname(sepaxml.__file__), "schemas")


@pytest.fixture
def ready(world):
    bank_network()
    with_iban(world.contributor, CAMILLE_IBAN)
    with_iban(world.copilot, NADIA_IBAN, bic="PSSTFRPP")
    return approved_run(world)


def _parse(xml: bytes, schema: str):
    xmlschema.XMLSchema(os.path.join(SCHEMAS, f"{schema}.xsd")).validate(xml.decode())
    tree = etree.fromstring(xml)
    ns = {"p": f"urn:iso:std:iso:20022:tech:xsd:{schema}"}
    return tree, ns


@pytest.mark.parametrize("schema", ["pain.001.001.03", "pain.001.001.09"])
def test_sepa_file_validates_against_the_xsd_and_its_control_sum_equals_the_lines(world, ready, schema):
    batch = batches.batch_prepare(actor=world.treasurer.user, schema=schema)
    tree, ns = _parse(batches.sepa_xml(batch), schema)
    lines = RetributionLine.objects.filter(run=ready, money__gt=0)
    expected = sum(line.money for line in lines)
    assert Decimal(tree.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=ns)) == expected == batch.total
    assert int(tree.findtext(".//p:GrpHdr/p:NbOfTxs", namespaces=ns)) == lines.count() == 2
    amounts = [Decimal(x.text) for x in tree.iterfind(".//p:CdtTrfTxInf/p:Amt/p:InstdAmt", ns)]
    assert sorted(amounts) == sorted(line.money for line in lines)
    assert tree.findtext(".//p:GrpHdr/p:MsgId", namespaces=ns) == batch.reference
    assert {x.text for x in tree.iterfind(".//p:CdtrAcct/p:Id/p:IBAN", ns)} == {CAMILLE_IBAN, NADIA_IBAN}


def test_batch_goes_prepared_sent_confirmed_and_lines_are_paid_with_its_reference(world, ready, client_for):
    batch = batches.batch_prepare(actor=world.treasurer.user)
    client = client_for(world.treasurer)
    response = client.get(reverse("retributions:batch_download", args=[batch.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert f'{batch.reference}-pain.001.001.03.xml' in response["Content-Disposition"]
    batch.refresh_from_db()
    assert batch.status == PaymentBatch.Status.SENT
    today = datetime.date.today()
    response = client.post(reverse("retributions:batch_confirm", args=[batch.pk]),
                           {"executed_on": today.isoformat()})
    assert response.status_code == 302
    paid = RetributionLine.objects.filter(run=ready, money__gt=0)
    assert set(paid.values_list("paid_on", "payment_reference")) == {(today, batch.reference)}
    assert AuditEvent.objects.filter(action="batch.confirmed").count() == 1
    # Confirming twice: a French message, nothing paid twice.
    response = client.post(reverse("retributions:batch_confirm", args=[batch.pk]),
                           {"executed_on": today.isoformat()})
    assert response.status_code == 400
    assert "déjà confirmé" in response.content.decode()
    assert AuditEvent.objects.filter(action="batch.confirmed").count() == 1


def test_confirming_before_the_file_is_downloaded_is_refused(world, ready):
    batch = batches.batch_prepare(actor=world.treasurer.user)
    with pytest.raises(ValidationError, match="Téléchargez d'abord"):
        batches.batch_confirm(batch=batch, actor=world.treasurer.user, executed_on=datetime.date.today())
    assert not RetributionLine.objects.filter(paid_on__isnull=False).exists()


def test_a_failed_transfer_goes_back_to_unpaid_and_can_join_a_new_batch(world, ready):
    batch = batches.batch_prepare(actor=world.treasurer.user)
    batches.batch_mark_sent(batch=batch, actor=world.treasurer.user)
    row = batch.lines.get(line__member=world.copilot)
    with pytest.raises(ValidationError) as error:
        batches.batch_line_fail(row=row, actor=world.treasurer.user, reason=" ")
    assert "motif" in error.value.message_dict["reason"][0]
    batches.batch_line_fail(row=row, actor=world.treasurer.user, reason="Compte clos")
    batches.batch_confirm(batch=batch, actor=world.treasurer.user, executed_on=datetime.date.today())
    row.line.refresh_from_db()
    assert row.line.paid_on is None
    assert RetributionLine.objects.get(run=ready, member=world.contributor).paid_on is not None
    again = batches.batch_prepare(actor=world.treasurer.user)
    assert list(again.lines.values_list("line_id", flat=True)) == [row.line_id]
    # The failed one is left out of the original file's control sum.
    assert batches.sepa_xml(batch).count(b"<CdtTrfTxInf>") == 1


def test_a_line_already_in_an_open_batch_is_refused_and_nothing_is_created(world, ready):
    first = batches.batch_prepare(actor=world.treasurer.user)
    line_id = first.lines.first().line_id
    with pytest.raises(ValidationError) as error:
        batches.batch_prepare(actor=world.treasurer.user, line_ids=[line_id])
    assert "déjà dans un lot ouvert" in error.value.messages[0]
    assert PaymentBatch.objects.count() == 1


def test_the_database_refuses_a_second_open_batch_line_for_one_line(world, ready):
    batch = batches.batch_prepare(actor=world.treasurer.user)
    row = batch.lines.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentBatchLine.objects.create(batch=batch, line=row.line, amount=row.amount,
                                        payee_name="x", iban=row.iban, end_to_end_id="x")


def test_no_payable_line_is_a_french_message(world):
    bank_network()
    with pytest.raises(ValidationError) as error:
        batches.batch_prepare(actor=world.treasurer.user)
    assert "Aucune ligne à payer" in error.value.messages[0]


def test_lines_without_an_iban_are_listed_apart_with_what_is_missing(world, client_for):
    bank_network()
    with_iban(world.contributor, CAMILLE_IBAN)
    approved_run(world)
    ready, lacking = batches.payables()
    assert [p.line.member for p in ready] == [world.contributor]
    assert [p.missing for p in lacking] == [[f"IBAN de {world.copilot.full_name}"]]
    page = client_for(world.treasurer).get(reverse("retributions:batch_list")).content.decode()
    assert f"IBAN de {world.copilot.full_name}" in page
    # Asking for that line by id says what is missing and creates nothing.
    with pytest.raises(ValidationError, match="Coordonnées bancaires manquantes"):
        batches.batch_prepare(actor=world.treasurer.user, line_ids=[lacking[0].line.pk])
    assert not PaymentBatch.objects.exists()


def test_a_network_without_iban_cannot_prepare_a_batch(world):
    with_iban(world.contributor, CAMILLE_IBAN)
    approved_run(world)
    with pytest.raises(ValidationError, match="n'a pas d'IBAN"):
        batches.batch_prepare(actor=world.treasurer.user)


def test_treasurer_prepares_a_batch_from_the_page_grouped_by_payee(world, ready, client_for):
    client = client_for(world.treasurer)
    page = client.get(reverse("retributions:batch_list")).content.decode()
    assert world.contributor.full_name in page and "Préparer le lot" in page
    ids = list(RetributionLine.objects.filter(run=ready, money__gt=0).values_list("pk", flat=True))
    response = client.post(reverse("retributions:batch_list"), {
        "lines": ids, "execution_date": datetime.date.today().isoformat(),
        "schema": "pain.001.001.09"})
    batch = PaymentBatch.objects.get()
    assert response.status_code == 302 and batch.schema == "pain.001.001.09"
    # Bad input keeps the page: a past execution date.
    batch.delete()
    response = client.post(reverse("retributions:batch_list"), {
        "lines": ids, "execution_date": "2020-01-01", "schema": "pain.001.001.03"})
    assert response.status_code == 400 and "ne peut pas être passée" in response.content.decode()
    assert not PaymentBatch.objects.exists()


def test_payment_batch_command_writes_the_file_and_prints_id_count_and_total(world, ready, tmp_path):
    out = io.StringIO()
    path = tmp_path / "lot.xml"
    call_command("payment_batch", "--out", str(path), stdout=out)
    batch = PaymentBatch.objects.get()
    assert f"(id {batch.pk})" in out.getvalue() and "2 virement(s)" in out.getvalue()
    assert f"total {batch.total} EUR" in out.getvalue()
    _parse(path.read_bytes(), "pain.001.001.03")
    assert batch.status == PaymentBatch.Status.SENT


def test_lines_in_an_open_batch_are_not_marked_paid_by_hand(world, ready):
    from retributions.services import payments

    batch = batches.batch_prepare(actor=world.treasurer.user)
    ids = list(batch.lines.values_list("line_id", flat=True))
    assert payments.payments_mark_paid(actor=world.treasurer.user, line_ids=ids,
                                       paid_on=datetime.date.today(), reference="CHQ-1") == 0
