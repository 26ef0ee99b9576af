"""relance preview CUSTOMER_REF [--step KEY] [--template FILE] [--html] [--date D]

Shows a reminder exactly as this customer would receive it today, with the content check's
score and reasons. ``--template`` previews a template being edited, through the sandbox.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from relance.accounts.access import OrganisationNotFound, organisation_by_slug
from relance.channels.compose import message_context
from relance.channels.message_templates import render_message, template_limits
from relance.channels.templating import TemplateRejected, check_content, render
from relance.channels.templating.default_templates import UnknownDefault
from relance.dunning.models import Reminder
from relance.ledger.models import Customer
from relance.lib.cli import TranslatedCommand, parse_day


class Command(TranslatedCommand):
    help = gettext_noop("Aperçu d'une relance pour un client, avec son score de contenu.")

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("customer", help=_("référence du client"))
        parser.add_argument("--step", default="reminder_1", help=_("modèle (nom) de l'étape"))
        parser.add_argument("--penalties", default="none", choices=["none", "mentioned", "claimed"])
        parser.add_argument("--tone", default="neutral")
        parser.add_argument("--template", default=None, help=_("modèle à essayer (fichier)"))
        parser.add_argument("--html", action="store_true", help=_("le modèle est du HTML"))
        parser.add_argument("--date", default=None)
        parser.add_argument("--org", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            organisation = organisation_by_slug(options["org"])
        except OrganisationNotFound as exc:
            raise CommandError(str(exc)) from exc
        customer = Customer.objects.filter(
            organisation=organisation, external_ref=options["customer"]
        ).first()
        if customer is None:
            raise CommandError(_("Client « %(ref)s » introuvable.") % {"ref": options["customer"]})
        # A reminder that is never saved: the preview changes nothing.
        draft = Reminder(organisation=organisation, customer=customer, step=options["step"],
                         channel="email", mode="manual", currency=organisation.default_currency,
                         penalties=options["penalties"], tone=options["tone"])  # fmt: skip
        context = message_context(draft, today=parse_day(options["date"]))
        if options["template"]:
            source = Path(options["template"]).read_text(encoding="utf-8")
            try:
                limits = template_limits()
                self.stdout.write(render(source, context, html=options["html"], limits=limits))
            except TemplateRejected as exc:
                raise CommandError(_("Modèle refusé : %(exc)s") % {"exc": exc}) from exc
            return
        try:  # the template of that name as the morning run finds it: the organisation's first
            rendered = render_message(context, organisation_id=organisation.pk,
                                      template=options["step"])  # fmt: skip
        except (UnknownDefault, TemplateRejected) as exc:
            raise CommandError(str(exc)) from exc
        report = check_content(rendered.subject, rendered.text, rendered.html,
                               language=context.message_language)  # fmt: skip
        self.stdout.write(_("Objet : %(subject)s") % {"subject": rendered.subject})
        self.stdout.write(f"\n{rendered.text}")
        verdict = _("retenu (envoi automatique bloqué)") if report.hold else _("bon")
        self.stdout.write(
            _("Score de contenu : %(score)s — %(verdict)s")
            % {"score": report.score, "verdict": verdict}
        )
        for reason in report.reasons:
            self.stdout.write(f"  +{reason.points} {reason.message_fr}")
