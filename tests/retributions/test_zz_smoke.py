import datetime
from decimal import Decimal
import pytest
from tests import factories
from tests.retributions.runs_support import computed_run, validated
from retributions.services import runs as svc, batches, mandates, invoicing
from contribbudget.models import NetworkSettings
pytestmark = pytest.mark.django_db

def test_smoke(world):
    ns = NetworkSettings.load(); ns.bank_iban = "FR7630006000011234567890189"; ns.bank_bic="AGRIFRPP"; ns.save()
    m = world.contributor
    m.iban="FR7630006000000001123456786"; m.siret="73282932000074"; m.vat_status="franchise"; m.address="1 rue X\n75000 Paris"; m.save()
    mandates.mandate_accept(member=m, actor=m.user)
    validated(m, world.envelope, "7.00"); validated(world.copilot, world.envelope, "3.50")
    run = computed_run(world)
    svc.run_approve(actor=world.pilot.user, run=run)
    from retributions.models import SelfBilledInvoice
    inv = SelfBilledInvoice.objects.get()
    print(inv.number, inv.amount, inv.file.name)
    ready, lacking = batches.payables()
    print(len(ready), len(lacking), [l.missing for l in lacking])
    b = batches.batch_prepare(actor=world.treasurer.user)
    xml = batches.sepa_xml(b)
    print(xml[:300])
    b.schema = "pain.001.001.09"; print(batches.sepa_xml(b)[:200])

def test_render(world, django_capture_on_commit_callbacks):
    ns = NetworkSettings.load(); ns.accounting_siren="732829320"; ns.save()
    m = world.contributor
    m.iban="FR7630006000000001123456786"; m.siret="73282932000074"; m.vat_status="franchise"; m.address="1 rue X\n75000 Paris"; m.save()
    mandates.mandate_accept(member=m, actor=m.user)
    validated(m, world.envelope, "7.00")
    run = computed_run(world)
    with django_capture_on_commit_callbacks(execute=True):
        svc.run_approve(actor=world.pilot.user, run=run)
    from retributions.models import SelfBilledInvoice
    inv = SelfBilledInvoice.objects.get()
    data = inv.file.read()
    from facturx import get_xml_from_pdf, xml_check_xsd, get_level
    name, xml = get_xml_from_pdf(data, check_xsd=True)
    print(name, len(data), xml[:100])
    open("/tmp/inv.pdf","wb").write(data)
