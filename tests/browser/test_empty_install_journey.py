"""Issue 11 acceptance, in Chromium, from an EMPTY database (no demo): create_coordinator →
network settings → a place and a field → two projects (fundings, envelopes from the template)
→ four people invited in bulk, each signing up in a fresh browser context → hours logged,
validated by someone else → a time × rate retribution the pilot cannot approve (it pays
them), approved by the coordinator → the treasurer's funder report and statement PDFs.
The only non-browser step is create_coordinator; ORM reads only assert."""
import datetime
import io
import re
from decimal import Decimal

import pdfplumber
import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from contribbudget.models import Member, NetworkSettings
from contributions.models import Contribution
from projects.models import Envelope, Project, ProjectRole
from retributions.models import RetributionLine, RetributionRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "une-phrase-de-passe-longue-2026"
COORDINATOR = "sacha@reseau.example.org"
PROJECT = "Cantine des communs"
OPEN_PROJECT = "Jardin partagé"


def nav(page, link, menu=None):
    navigation = page.get_by_role("navigation", name="Navigation principale")
    if menu:
        page.locator("nav summary", has_text=menu).click()
    navigation.get_by_role("link", name=link, exact=True).first.click()


def login(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/")


def fresh_page(page):
    context = page.context.browser.new_context(base_url=page.base_url, locale="fr-FR",
                                               accept_downloads=True)
    return context, context.new_page()


def set_up_project(page, name, *, start, end, fundings, rate):
    nav(page, "Nouveau projet", menu="Réseau")
    page.wait_for_url("**/projets/nouveau/")
    page.get_by_label("Champ d'action").select_option(label="Alimentation durable")
    page.get_by_label("Nom du projet").fill(name)
    page.locator("#id_start").fill(start.isoformat())
    page.locator("#id_end").fill(end.isoformat())
    page.get_by_label("Phase").select_option("production")
    page.get_by_label("Pilotes").select_option(label="Sacha Lefèvre")
    for i, (funder, ref, amount) in enumerate(fundings):
        page.locator(f"#id_f-{i}-funder").fill(funder)
        page.locator(f"#id_f-{i}-reference").fill(ref)
        page.locator(f"#id_f-{i}-amount").fill(amount)
        page.locator(f"#id_f-{i}-start").fill(start.isoformat())
        page.locator(f"#id_f-{i}-end").fill(end.isoformat())
    # The template's first row is the time × rate production envelope.
    assert page.locator("#id_e-0-name").input_value() == "Production"
    assert page.locator("#id_e-0-rule").input_value() == Envelope.Rule.TIME_RATE
    page.locator("#id_e-0-daily_rate").fill(rate)
    page.get_by_role("button", name="Créer le projet").click()
    page.wait_for_url("**/projets/*/")
    assert f"Projet « {name} » monté" in page.content()


def invite(page, lines, *, project=None, role=None):
    nav(page, "Invitations", menu="Réseau")
    page.get_by_label("Personnes à inviter").fill(lines)
    page.get_by_label("Lieu d'attache").select_option(label="Le Bocal")
    if project:
        page.get_by_label("Dans le projet (facultatif)").select_option(label=project)
        page.get_by_label("Rôle dans le projet").select_option(label=role)
    page.get_by_role("button", name="Envoyer les invitations").click()
    count = len(lines.splitlines())
    assert f"{count} invitation(s) envoyée(s)" in page.locator(".messages").inner_text()


def accept(page, email):
    """The invitee opens the mailed link in a fresh context and sets a password."""
    body = next(m.body for m in mail.outbox if m.to == [email])
    link = re.search(r"https?://\S+/invitations/\S+/", body).group(0)
    context, invitee = fresh_page(page)
    invitee.goto(link)
    invitee.wait_for_url("**/accounts/signup/**")
    invitee.locator("#id_password1").fill(PASSWORD)
    invitee.locator("#id_password2").fill(PASSWORD)
    invitee.locator("form button[type=submit]").last.click()
    invitee.wait_for_url(page.base_url + "/")
    return context, invitee


def log_hours(page, project_label, hours, description):
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "button", name="+ Saisir mes heures").click()
    page.get_by_label("Projet").select_option(label=project_label)
    # Each project has its "Production"; the page enables only the chosen project's.
    production = Envelope.objects.get(project__name=project_label.removesuffix(" (ouvert)"),
                                      name="Production")
    page.get_by_label("Enveloppe").select_option(str(production.pk))
    page.get_by_label("Heures").fill(hours)
    page.get_by_label("Description").fill(description)
    page.get_by_role("button", name="Soumettre").click()
    page.get_by_test_id("quick-log-ok").wait_for()


def validate(page, who):
    nav(page, "À valider")
    page.get_by_role("checkbox", name=f"Tout sélectionner pour {who}").check()
    page.get_by_role("button", name="Valider la sélection").click()
    page.wait_for_load_state()


def pdf_text(download):
    with pdfplumber.open(io.BytesIO(open(download.path(), "rb").read())) as doc:
        return "\n".join(p.extract_text() or "" for p in doc.pages).replace("\u00a0", " ")


def generate_and_download(page):
    page.get_by_role("button", name="Générer le PDF").click()
    button = page.get_by_role("button", name="Télécharger le PDF")
    button.wait_for()
    with page.expect_download() as info:
        button.click()
    return pdf_text(info.value)


def test_from_an_empty_database_to_an_approved_retribution_and_its_pdfs(browser_page, monkeypatch,
                                                                        request):
    assert not Member.objects.exists() and not Project.objects.exists()
    monkeypatch.setenv("COORDINATOR_PASSWORD", PASSWORD)
    call_command("create_coordinator", COORDINATOR, "Sacha Lefèvre")
    page = browser_page
    login(page, COORDINATOR)

    # Network settings, a place, a field of action.
    nav(page, "Paramètres du réseau", menu="Réseau")
    page.get_by_label("Nom du réseau").fill("Tiers-lieux de Touraine")
    page.get_by_label("Raison sociale").fill("Association TL37")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_role("button", name="Enregistrer les paramètres").click()
    assert "Paramètres du réseau enregistrés" in page.locator(".messages").inner_text()
    assert NetworkSettings.load().legal_name == "Association TL37"
    nav(page, "Lieux", menu="Réseau")
    page.get_by_role("button", name="+ Nouveau lieu").click()
    page.get_by_label("Nom").fill("Le Bocal")
    page.get_by_label("Commune").fill("Tours")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator('tr[data-place="Le Bocal"]').is_visible()
    nav(page, "Champs d'action", menu="Réseau")
    page.get_by_role("button", name="+ Nouveau champ d'action").click()
    page.get_by_label("Nom").fill("Alimentation durable")
    page.get_by_label("Début").fill("2026-01-01")
    page.get_by_role("button", name="Enregistrer").click()
    assert page.locator('tr[data-field="Alimentation durable"]').is_visible()

    # Two projects: the one the journey pays from, and an open one nobody invited B into.
    today = timezone.localdate()
    start, end = today - datetime.timedelta(days=30), today + datetime.timedelta(days=300)
    set_up_project(page, PROJECT, start=start, end=end, rate="300",
                   fundings=[("Région", "REG-2026-17", "30000"),
                             ("Fondation de France", "FDF-88", "12000")])
    set_up_project(page, OPEN_PROJECT, start=start, end=end, rate="250",
                   fundings=[("Commune de Tours", "CT-2026-3", "5000")])
    project = Project.objects.get(name=PROJECT)
    assert project.fundings.count() == 2
    production = project.envelopes.get(name="Production")
    assert production.rule == Envelope.Rule.TIME_RATE and production.daily_rate == Decimal("300")

    # Invite four people in bulk: the pilot into the project, then the three others.
    invite(page, "Malik Benali, malik@example.org", project=PROJECT, role="Pilote")
    invite(page, "Nour Haddad, nour@example.org\nLou Petit, lou@example.org\n"
                 "Zoé Martin <zoe@example.org>")
    people = {}
    for email in ("malik@example.org", "nour@example.org", "lou@example.org",
                  "zoe@example.org"):
        people[email] = accept(page, email)
        request.addfinalizer(people[email][0].close)  # before the browser closes
    assert ProjectRole.objects.get(project=project, member__user__email="malik@example.org"
                                   ).role == "pilot"

    # The treasurer's role, set by the coordinator in the member directory.
    nav(page, "Membres", menu="Réseau")
    page.locator('tr[data-member="Zoé Martin"]').get_by_role("link", name="Zoé Martin").click()
    page.get_by_label("Trésorier·e").check()
    page.get_by_role("button", name="Enregistrer").first.click()
    page.wait_for_load_state()
    assert Member.objects.get(user__email="zoe@example.org").is_treasurer

    # Hours: A on the project, B on the open project they were not in, the pilot too.
    _, nour = people["nour@example.org"]
    log_hours(nour, f"{PROJECT} (ouvert)", "7h", "Atelier cuisine")
    _, lou = people["lou@example.org"]
    log_hours(lou, f"{OPEN_PROJECT} (ouvert)", "3h30", "Bacs de culture")
    assert ProjectRole.objects.filter(project__name=OPEN_PROJECT,
                                      member__user__email="lou@example.org").exists()
    _, malik = people["malik@example.org"]
    log_hours(malik, PROJECT, "3h30", "Préparation du chantier")

    # Nobody validates their own: the pilot validates Nour; the coordinator validates Malik.
    validate(malik, "Nour Haddad")
    assert malik.get_by_role("checkbox", name="Tout sélectionner pour Malik Benali").count() == 0
    validate(page, "Malik Benali")
    statuses = dict(Contribution.objects.filter(project=project)
                    .values_list("member__user__email", "status"))
    assert statuses == {"nour@example.org": "validated", "malik@example.org": "validated"}

    # The pilot runs a time × rate retribution on Production.
    nav(malik, "Rétributions")
    malik.get_by_role("button", name="+ Nouveau calcul").click()
    malik.get_by_label("Enveloppe").select_option(
        label=f"{PROJECT} — Production (au temps passé)")
    malik.get_by_label("Début de la période").fill(start.isoformat())
    malik.get_by_label("Fin de la période").fill(end.isoformat())
    malik.get_by_role("button", name="Lancer le calcul").click()
    malik.wait_for_url("**/calculs/*/")
    malik.get_by_test_id("run-status").filter(has_text="Brouillon").wait_for()
    run = RetributionRun.objects.get(envelope=production)
    amounts = dict(RetributionLine.objects.filter(run=run)
                   .values_list("member__user__email", "money"))
    # 7 h and 3.5 h at 300 € a 7-hour day.
    assert amounts == {"nour@example.org": Decimal("300.00"),
                       "malik@example.org": Decimal("150.00")}
    # It pays the pilot: the pilot cannot approve it.
    assert malik.get_by_role("button", name="Approuver ce calcul").count() == 0
    assert "Vous recevez une part de ce calcul" in malik.get_by_test_id(
        "approval-refusal").inner_text()
    run_url = malik.url

    page.goto(run_url)
    page.get_by_role("button", name="Approuver ce calcul").click()
    page.get_by_test_id("run-status").filter(has_text="Approuvé").wait_for()
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by.email == COORDINATOR

    # The treasurer: a funder report and a contributor statement, read back.
    _, zoe = people["zoe@example.org"]
    zoe.reload()
    nav(zoe, "Trésorerie", menu="Réseau")
    zoe.get_by_role("button", name="Nouveau bilan financeur").click()
    zoe.get_by_label("Projet").select_option(label=PROJECT)
    report = generate_and_download(zoe)
    assert PROJECT in report and "300,00" in report
    nav(zoe, "Trésorerie", menu="Réseau")
    zoe.get_by_role("button", name="Nouveau relevé de rétribution").click()
    zoe.get_by_label("Calcul de rétribution approuvé").select_option(index=1)
    zoe.get_by_label("Membre").select_option(label="Nour Haddad")
    statement = generate_and_download(zoe)
    assert PROJECT in statement and "300,00" in statement
