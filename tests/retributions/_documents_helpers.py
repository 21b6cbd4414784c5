"""Helpers of the documents tests: approved runs made directly with the ORM (the runs
feature's services are built elsewhere), and PDFs read back as text."""
from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pdfplumber
from django.utils import timezone

from contribbudget.money import format_hours, format_money
from retributions.models import RetributionLine, RetributionRun

START = datetime.date(2026, 1, 1)
END = datetime.date(2026, 3, 31)


def approved_run(envelope, author, lines, *, start=START, end=END) -> RetributionRun:
    """``lines``: dicts with member, hours, money, and optional payee, payee_place, paid_on,
    valued, preference. The run's ``distributed`` is the sum of the lines' money."""
    distributed = sum((Decimal(x["money"]) for x in lines), Decimal("0.00"))
    run = RetributionRun.objects.create(
        envelope=envelope, period_start=start, period_end=end, status=RetributionRun.Status.APPROVED,
        rule=envelope.rule, available=distributed, distributed=distributed,
        surplus=Decimal("0.00"), created_by=author, approved_by=author,
        approved_at=timezone.now(), computed_at=timezone.now())
    for x in lines:
        money = Decimal(x["money"])
        hours = Decimal(x["hours"])
        RetributionLine.objects.create(
            run=run, member=x["member"], hours=hours, weighted_hours=hours,
            hours_by_kind=x.get("hours_by_kind", {"production": str(hours)}),
            valued=Decimal(x.get("valued", money)), computed_money=money, money=money,
            preference=x.get("preference", "money_self"),
            payee=x.get("payee", RetributionLine.Payee.SELF), payee_place=x.get("payee_place"),
            paid_on=x.get("paid_on"), payment_reference=x.get("payment_reference", ""))
    return run


def normalise(text: str) -> str:
    """No-break and thin spaces as plain spaces; the figure and punctuation spaces that
    right-align a statement's hours (``|hours_column``) left out."""
    return (text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2007", "")
            .replace("\u2008", ""))


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, spaces as :func:`normalise` makes them."""
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return normalise("\n".join(page.extract_text() or "" for page in pdf.pages))


def pdf_pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [normalise(page.extract_text() or "") for page in pdf.pages]


def fr_money(value) -> str:
    return normalise(format_money(value, "fr"))


def fr_hours(value) -> str:
    return normalise(format_hours(value, "fr"))
