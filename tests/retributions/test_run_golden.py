"""A run's lines on a fixed input are exactly the ones computed before the run was made to
scale (issue 15: 10,000 members in seconds): the same Decimal shares to the cent, the same
payees, the same explanations — captured from the code before that change."""
from decimal import Decimal

import pytest

from contribbudget.models import Preference
from projects.models import Envelope
from retributions import selectors_runs as sel
from tests import factories

from .runs_support import computed_run, validated

pytestmark = pytest.mark.django_db
D = Decimal

HOURS = {  # name: (preference, [(hours, kind), …])
    "Ada": (Preference.MONEY_SELF, [("7.25", "production"), ("3.50", "support")]),
    "Bea": (Preference.MONEY_PLACE, [("11.75", "production"), ("2.00", "meeting")]),
    "Cyd": (Preference.VOLUNTEER, [("5.00", "production")]),
    "Dan": (Preference.SYMBOLIC, [("0.25", "production"), ("1.25", "support")]),
    "Eve": (Preference.MONEY_SELF, [("23.50", "production"), ("4.00", "production")]),
    "Fox": (Preference.MONEY_SELF, [("1.00", "coordination"), ("3.75", "production")]),
    "Gil": (Preference.MONEY_SELF, [("13.00", "support")]),
}


def _lines(world, rule: str, amount: str, **envelope_kw):
    place = factories.place()
    envelope = factories.envelope(world.project, amount=amount, rule=rule, **envelope_kw)
    for name, (preference, rows) in HOURS.items():
        member = factories.member(name, preference=preference, home_place=place,
                                  symbolic_text="Un panier" if name == "Dan" else "",
                                  expected_daily_rate=D("2000.00") if name == "Gil" else None)
        for hours, kind in rows:
            validated(member, envelope, hours, kind=kind)
    run = computed_run(world, envelope=envelope)
    lines = sorted(sel.run_lines(run), key=lambda line: line.member.first_name)
    return run, [(line.member.first_name, line.hours, line.weighted_hours, line.valued,
                  line.computed_money, line.money, line.payee, line.non_financial,
                  # Compared as numbers: SQLite sums 3.50 as "3.5", PostgreSQL keeps "3.50".
                  {k: D(v) for k, v in line.hours_by_kind.items()}, line.explanation)
                 for line in lines]

# Captured from the code before issue 15's changes (commit b3b473f): never regenerated.
EXPECTED = {
    "time_rate": ((D("1000.00"), D("1000.00"), D("0.00")), [
        ('Ada', D("10.75"), D("10.75"), D("430.00"), D("191.72"), D("191.72"),
         'self', '', {'support': '3.50', 'production': '7.25'},
         '10,75\xa0h pondérées sur 10,75\xa0h ; au temps passé : 10,75\xa0h ÷ 7 h × 280,00\xa0€.'),
        ('Bea', D("13.75"), D("11.75"), D("470.00"), D("209.55"), D("209.55"),
         'place', '', {'meeting': '2.00', 'production': '11.75'},
         '11,75\xa0h pondérées sur 13,75\xa0h ; au temps passé : 11,75\xa0h ÷ 7 h × 280,00\xa0€.'),
        ('Cyd', D("5.00"), D("5.00"), D("200.00"), D("0.00"), D("0.00"),
         'none', 'Bénévole', {'production': '5.00'},
         "5\xa0h pondérées sur 5\xa0h ; au temps passé : 5\xa0h ÷ 7 h × 280,00\xa0€ ; ne perçoit pas d'argent (bénévole) : heures valorisées seulement."),
        ('Dan', D("1.50"), D("1.50"), D("60.00"), D("0.00"), D("0.00"),
         'none', 'Un panier', {'support': '1.25', 'production': '0.25'},
         "1,5\xa0h pondérées sur 1,5\xa0h ; au temps passé : 1,5\xa0h ÷ 7 h × 280,00\xa0€ ; ne perçoit pas d'argent (rétribution symbolique) : heures valorisées seulement."),
        ('Eve', D("27.50"), D("27.50"), D("1100.00"), D("300.00"), D("300.00"),
         'self', '', {'production': '27.50'},
         '27,5\xa0h pondérées sur 27,5\xa0h ; au temps passé : 27,5\xa0h ÷ 7 h × 280,00\xa0€ ; plafond de 300,00\xa0€ atteint.'),
        ('Fox', D("4.75"), D("3.75"), D("150.00"), D("66.88"), D("66.88"),
         'self', '', {'production': '3.75', 'coordination': '1.00'},
         '3,75\xa0h pondérées sur 4,75\xa0h ; au temps passé : 3,75\xa0h ÷ 7 h × 280,00\xa0€.'),
        ('Gil', D("13.00"), D("13.00"), D("520.00"), D("231.85"), D("231.85"),
         'self', '', {'support': '13.00'},
         '13\xa0h pondérées sur 13\xa0h ; au temps passé : 13\xa0h ÷ 7 h × 280,00\xa0€ ; ⚠ coût journalier attendu 2\xa0000,00\xa0€, bien au-delà de la référence.'),
    ]),
    "prorata": ((D("1000.01"), D("1000.01"), D("0.00")), [
        ('Ada', D("10.75"), D("10.75"), D("430.00"), D("161.05"), D("161.05"),
         'self', '', {'support': '3.50', 'production': '7.25'},
         '10,75\xa0h pondérées sur 10,75\xa0h ; règle : au prorata.'),
        ('Bea', D("13.75"), D("11.75"), D("470.00"), D("176.03"), D("176.03"),
         'place', '', {'meeting': '2.00', 'production': '11.75'},
         '11,75\xa0h pondérées sur 13,75\xa0h ; règle : au prorata.'),
        ('Cyd', D("5.00"), D("5.00"), D("200.00"), D("0.00"), D("0.00"),
         'none', 'Bénévole', {'production': '5.00'},
         "5\xa0h pondérées sur 5\xa0h ; règle : au prorata ; ne perçoit pas d'argent (bénévole) : heures valorisées seulement."),
        ('Dan', D("1.50"), D("1.50"), D("60.00"), D("0.00"), D("0.00"),
         'none', 'Un panier', {'support': '1.25', 'production': '0.25'},
         "1,5\xa0h pondérées sur 1,5\xa0h ; règle : au prorata ; ne perçoit pas d'argent (rétribution symbolique) : heures valorisées seulement."),
        ('Eve', D("27.50"), D("27.50"), D("1100.00"), D("411.99"), D("411.99"),
         'self', '', {'production': '27.50'},
         '27,5\xa0h pondérées sur 27,5\xa0h ; règle : au prorata.'),
        ('Fox', D("4.75"), D("3.75"), D("150.00"), D("56.18"), D("56.18"),
         'self', '', {'production': '3.75', 'coordination': '1.00'},
         '3,75\xa0h pondérées sur 4,75\xa0h ; règle : au prorata.'),
        ('Gil', D("13.00"), D("13.00"), D("520.00"), D("194.76"), D("194.76"),
         'self', '', {'support': '13.00'},
         '13\xa0h pondérées sur 13\xa0h ; règle : au prorata ; ⚠ coût journalier attendu 2\xa0000,00\xa0€, bien au-delà de la référence.'),
    ]),
    "equal": ((D("999.99"), D("999.99"), D("0.00")), [
        ('Ada', D("10.75"), D("10.75"), D("430.00"), D("200.00"), D("200.00"),
         'self', '', {'support': '3.50', 'production': '7.25'},
         '10,75\xa0h pondérées sur 10,75\xa0h ; règle : parts égales.'),
        ('Bea', D("13.75"), D("11.75"), D("470.00"), D("200.00"), D("200.00"),
         'place', '', {'meeting': '2.00', 'production': '11.75'},
         '11,75\xa0h pondérées sur 13,75\xa0h ; règle : parts égales.'),
        ('Cyd', D("5.00"), D("5.00"), D("200.00"), D("0.00"), D("0.00"),
         'none', 'Bénévole', {'production': '5.00'},
         "5\xa0h pondérées sur 5\xa0h ; règle : parts égales ; ne perçoit pas d'argent (bénévole) : heures valorisées seulement."),
        ('Dan', D("1.50"), D("1.50"), D("60.00"), D("0.00"), D("0.00"),
         'none', 'Un panier', {'support': '1.25', 'production': '0.25'},
         "1,5\xa0h pondérées sur 1,5\xa0h ; règle : parts égales ; ne perçoit pas d'argent (rétribution symbolique) : heures valorisées seulement."),
        ('Eve', D("27.50"), D("27.50"), D("1100.00"), D("200.00"), D("200.00"),
         'self', '', {'production': '27.50'},
         '27,5\xa0h pondérées sur 27,5\xa0h ; règle : parts égales.'),
        ('Fox', D("4.75"), D("3.75"), D("150.00"), D("200.00"), D("200.00"),
         'self', '', {'production': '3.75', 'coordination': '1.00'},
         '3,75\xa0h pondérées sur 4,75\xa0h ; règle : parts égales.'),
        ('Gil', D("13.00"), D("13.00"), D("520.00"), D("199.99"), D("199.99"),
         'self', '', {'support': '13.00'},
         '13\xa0h pondérées sur 13\xa0h ; règle : parts égales ; ⚠ coût journalier attendu 2\xa0000,00\xa0€, bien au-delà de la référence.'),
    ]),
}


@pytest.mark.parametrize("rule, amount, extra", [
    (Envelope.Rule.TIME_RATE, "1000.00", {"cap": D("300.00")}),
    (Envelope.Rule.PRORATA, "1000.01", {}),
    (Envelope.Rule.EQUAL, "999.99", {}),
])
def test_a_run_on_fixed_input_gives_exactly_the_shares_it_gave_before(world, rule, amount, extra):
    run, lines = _lines(world, rule, amount, **extra)
    totals, expected = EXPECTED[rule]
    assert (run.available, run.distributed, run.surplus) == totals
    assert lines == [(*row[:8], {k: D(v) for k, v in row[8].items()}, row[9]) for row in expected]
