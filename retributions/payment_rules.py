"""When a payment may be dated (issue 12, point 7): one rule for every path that records a
payment (marking lines paid, confirming a batch).

A payment pays for work of a run's period: it cannot precede the period's start (a date
in year 1 is a typo, not a payment), and it is recorded once made, so it cannot be later
than tomorrow (a day of slack for time zones and banks that execute overnight).
"""
from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

FUTURE_SLACK = datetime.timedelta(days=1)


def payment_date_error(paid_on: datetime.date, *, period_start: datetime.date | None,
                       today: datetime.date | None = None) -> str | None:
    """The French message saying why ``paid_on`` is not a plausible payment date for work
    of a period starting ``period_start`` (the earliest, for several runs), or None."""
    today = today or timezone.localdate()
    if paid_on > today + FUTURE_SLACK:
        return _("La date du paiement ne peut pas être dans le futur.")
    if period_start is not None and paid_on < period_start:
        return _("La date du paiement (%(date)s) précède la période rétribuée, qui commence "
                 "le %(start)s.") % {"date": date_format(paid_on, "j F Y"),
                                     "start": date_format(period_start, "j F Y")}
    return None
