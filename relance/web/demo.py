"""Building the demo organisation: a realistic portfolio imported through the real importer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from relance.accounts.audit import Actor
from relance.accounts.models import Organisation, Role, User
from relance.accounts.services import organisation_create, user_create
from relance.cycle.daily import CycleSummary, daily_cycle
from relance.demo.portfolio import build_demo_portfolio
from relance.imports.models import ImportKind
from relance.imports.services import import_file
from relance.web.demo_history import demo_history

DEMO_SLUG = "demo"
DEMO_ADMIN = "demo@relance.example"
DEMO_COLLECTOR = "camille.collector@relance.example"
DEMO_NAMES = {DEMO_ADMIN: ("Claire", "Dupont"), DEMO_COLLECTOR: ("Camille", "Martin")}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    organisation: Organisation
    created: bool
    run: CycleSummary


def demo_build(*, today: date, customers: int = 120) -> DemoLogin:
    """Create the demo organisation once (or reuse it) and give its admin a fresh password."""
    actor = Actor.system("demo")
    password = secrets.token_urlsafe(9)
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    created = organisation is None
    with transaction.atomic():
        if organisation is None:
            organisation = organisation_create(
                slug=DEMO_SLUG,
                legal_name="Atelier Dupont SAS",
                country="FR",
                siren="732829320",
                vat_number="FR44732829320",
                iban="FR7630006000011234567890189",
                bic="AGRIFRPP",
                sender_email="relances@atelier-dupont.example",
                address_line1="12 rue des Tanneurs",
                postal_code="69002",
                city="Lyon",
                actor=actor,
            )
            user_create(
                email=DEMO_COLLECTOR,
                organisation=organisation,
                role=Role.COLLECTOR,
                password=secrets.token_urlsafe(12),
                actor=actor,
            )
        user_create(
            email=DEMO_ADMIN,
            organisation=organisation,
            role=Role.ADMIN,
            password=password,
            actor=actor,
        )
        User.objects.filter(email=DEMO_ADMIN).update(is_staff=True, is_superuser=True)
        # People have names: the call scripts and letters say who calls and who signs.
        for email, (first, last) in DEMO_NAMES.items():
            User.objects.filter(email=email, first_name="").update(first_name=first, last_name=last)
    if created:
        portfolio = build_demo_portfolio(today=today, customers=customers)
        for kind, data in (
            (ImportKind.CUSTOMERS, portfolio.customers_csv),
            (ImportKind.INVOICES, portfolio.invoices_csv),
        ):
            report = import_file(
                organisation=organisation,
                kind=kind,
                data=data,
                filename=f"demo-{kind}.csv",
                actor=actor,
            )
            if not report.ok:  # the generator and the parser disagree: a bug, say it loudly
                raise RuntimeError(f"demo {kind} import rejected: {report.rejected[:5]}")
        demo_history(organisation=organisation, today=today, actor=actor)
    # Today's collection day: segments, reminders ready to send, the collector's to-do.
    run = daily_cycle(organisation=organisation, day=today, actor=actor)
    return DemoLogin(DEMO_ADMIN, password, organisation, created, run)
