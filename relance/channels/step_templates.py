"""Every step has its template: the one it names, checked when the step is saved, created
from a fitting shipped default when the name is new.

A step names its template (``ScenarioStep.template``; empty means its own key). The name is
found among the organisation's templates, then the shipped ones (``template_sources``). Saving
a step whose template exists but cannot be carried by its channel (a call script for an
e-mail) is refused; a new name gets the organisation's own template, in every language, copied
from the shipped default that suits the step's channel, tone and place. Several steps may
name the same template on purpose: the scenario page shows which ones do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.channels.models import MessageTemplate
from relance.channels.templating.context import LANGUAGES
from relance.channels.templating.default_templates import (
    KINDS_BY_CHANNEL,
    PARTS_BY_KIND,
    PARTS_BY_STEP,
    default_source,
    template_kind,
)
from relance.channels.templating.text_to_html import html_from_text
from relance.core import scenario as core
from relance.core.text import gettext_noop
from relance.dunning.models import Scenario, ScenarioStep
from relance.dunning.scenario_edit import (
    ScenarioEditError,
    scenario_step_add,
    scenario_step_update,
)
from relance.dunning.scenarios import scenarios_import, scenarios_parse

MAX_NAME = 50  # MessageTemplate.key

# What each kind is, for the messages that refuse a template.
KIND_NAMES = {
    "email": gettext_lazy("un e-mail"),
    "letter": gettext_lazy("un courrier de mise en demeure"),
    "sms": gettext_lazy("un SMS"),
    "call": gettext_lazy("un script d'appel"),
    "legal": gettext_lazy("une note de transmission au contentieux"),
}


def step_template(step: core.Step | ScenarioStep) -> str:
    """The name of the template a step uses: the one it names, else its own key."""
    return step.template or step.key


@dataclass
class Catalogue:
    """The templates an organisation can name: its own (kind and languages), and the
    shipped ones (every language)."""

    own: dict[str, tuple[str, set[str]]] = field(default_factory=dict)

    def kind(self, name: str) -> str | None:
        if name in self.own:
            return self.own[name][0]
        return template_kind(name)

    def missing_languages(self, name: str) -> list[str]:
        """The languages the template has no text in (none for a shipped name)."""
        if name in PARTS_BY_STEP or name not in self.own:
            return []
        return [language for language in LANGUAGES if language not in self.own[name][1]]


def template_catalogue(organisation_id: int) -> Catalogue:
    """The organisation's templates, read in one query."""
    catalogue = Catalogue()
    for name, kind, language in MessageTemplate.objects.filter(
        organisation_id=organisation_id
    ).values_list("key", "kind", "language"):
        catalogue.own.setdefault(name, (kind, set()))[1].add(language)
    return catalogue


def _kind_name(kind: str) -> str:
    return str(KIND_NAMES.get(kind, kind))


def step_template_problem(catalogue: Catalogue, step: core.Step) -> str:
    """Why the step cannot use the template it names ("" when it can, or when the name is new
    and will be created)."""
    name = step_template(step)
    if len(name) > MAX_NAME:
        return _("Le nom du modèle a au plus %(n)s caractères.") % {"n": MAX_NAME}
    kind = catalogue.kind(name)
    if kind is None or kind in KINDS_BY_CHANNEL.get(step.channel, ()):
        return ""
    fitting = sorted(
        known
        for known in {*PARTS_BY_STEP, *catalogue.own}
        if catalogue.kind(known) in KINDS_BY_CHANNEL.get(step.channel, ())
    )
    return _(
        "Le modèle « %(name)s » est %(kind)s : une étape « %(channel)s » ne peut pas "
        "l'envoyer. Choisissez un de ces modèles : %(fitting)s ; ou un nom nouveau, pour "
        "créer le modèle de l'étape."
    ) % {"name": name, "kind": _kind_name(kind), "channel": step.channel,
         "fitting": ", ".join(fitting)}  # fmt: skip


def default_for_step(step: core.Step) -> str:
    """The shipped default a new template starts from: by the step's channel, then its place
    (before the due date) and tone; the first default its channel can carry if that one is
    not shipped."""
    wanted = {
        "sms": "sms",
        "legal": "legal",
        "formal_notice": "formal_notice",
        "call": "call_1" if step.tone in ("courteous", "neutral") else "call_2",
    }.get(step.channel)
    if wanted is None:
        if step.channel == "letter" and step.tone == "formal":
            wanted = "formal_notice"
        elif step.offset_days < 0:
            wanted = "preventive"
        elif step.tone == "courteous":
            wanted = "reminder_1"
        elif step.tone == "neutral":
            wanted = "reminder_2"
        else:
            wanted = "last_warning" if step.penalties == "claimed" else "last_reminder"
    carried = KINDS_BY_CHANNEL.get(step.channel, ())
    if wanted in PARTS_BY_STEP and template_kind(wanted) in carried:
        return wanted
    return next(name for name in PARTS_BY_STEP if template_kind(name) in carried)


def _create(organisation: Organisation, name: str, step: core.Step) -> dict[str, object]:
    source = default_for_step(step)
    kind = template_kind(source) or "email"
    rows = []
    for language in LANGUAGES:
        parts = {part: default_source(source, language, part) for part in PARTS_BY_KIND[kind]}
        if kind == "email":  # the HTML follows the text the organisation edits
            parts["html"] = html_from_text(parts["text"], language)
        rows.append(MessageTemplate(organisation=organisation, key=name, language=language,
                                    kind=kind, **parts))  # fmt: skip
    MessageTemplate.objects.bulk_create(rows)
    return {"kind": kind, "from": source, "languages": list(LANGUAGES)}


def step_templates_provide(
    *, organisation: Organisation, steps: Iterable[core.Step], actor: Actor
) -> list[str]:
    """Create the templates the steps name and the organisation does not have yet, from the
    shipped default that suits each step; the names created."""
    catalogue = template_catalogue(organisation.pk)
    created: dict[str, dict[str, object]] = {}
    for step in steps:
        name = step_template(step)
        if catalogue.kind(name) is None and name not in created:
            created[name] = _create(organisation, name, step)
    audit_record_many(
        organisation=organisation, actor=actor, action="message_template_create",
        entity_type="message_template", changes=((name, None, after)
                                                 for name, after in created.items()),
    )  # fmt: skip
    return list(created)


# ---------------------------------------------------------------------------- services


@transaction.atomic
def scenario_step_save(
    *, scenario: Scenario, step: core.Step, actor: Actor, key: str | None = None
) -> list[str]:
    """Add ``step`` (``key`` None) or put it in place of the step ``key``, with its template:
    refused (``ScenarioEditError`` on the template field) when the template cannot be sent on
    the step's channel, created when it is new. Returns the templates created."""
    problem = step_template_problem(template_catalogue(scenario.organisation_id), step)
    if problem:
        raise ScenarioEditError(problem, "template")
    if key is None:
        scenario_step_add(scenario=scenario, step=step, actor=actor)
    else:
        scenario_step_update(scenario=scenario, key=key, step=step, actor=actor)
    return step_templates_provide(organisation=scenario.organisation, steps=[step], actor=actor)


@transaction.atomic
def scenarios_import_with_templates(
    *, organisation: Organisation, text: str | bytes, actor: Actor
) -> list[str]:
    """``scenarios_import``, refused (``ScenarioError``) when a step names a template its
    channel cannot send, and giving every step its template; returns the scenarios' keys."""
    parsed = scenarios_parse(text)
    catalogue = template_catalogue(organisation.pk)
    for scenario in parsed:
        for step in scenario.steps:
            problem = step_template_problem(catalogue, step)
            if problem:
                raise core.ScenarioError(
                    gettext_noop("scénario « %(scenario)s », étape « %(step)s » : %(problem)s"),
                    scenario=scenario.key,
                    step=step.key,
                    problem=problem,
                )
    keys = scenarios_import(organisation=organisation, text=text, actor=actor)
    step_templates_provide(organisation=organisation,
                           steps=[s for sc in parsed for s in sc.steps], actor=actor)  # fmt: skip
    return keys


# --------------------------------------------------------------------------- selectors


@dataclass(frozen=True)
class TemplateUse:
    scenario: str  # the scenario's name
    step: str  # the step's key


def template_uses(organisation_id: int) -> dict[str, list[TemplateUse]]:
    """Which steps of which scenarios use each template, in one query."""
    uses: dict[str, list[TemplateUse]] = {}
    for key, template, scenario in (
        ScenarioStep.objects.filter(scenario__organisation_id=organisation_id)
        .order_by("scenario__name", "position")
        .values_list("key", "template", "scenario__name")
    ):
        uses.setdefault(template or key, []).append(TemplateUse(scenario=scenario, step=key))
    return uses


def step_template_warnings(organisation_id: int, steps: Sequence[core.Step]) -> list[str]:
    """What to fix about the templates of a scenario's steps: a template that does not exist
    or that the channel cannot send (its messages go to the to-do), a language missing (the
    customers of that language get theirs on the to-do)."""
    catalogue = template_catalogue(organisation_id)
    warnings: list[str] = []
    for step in steps:
        name = step_template(step)
        if catalogue.kind(name) is None:
            warnings.append(
                _("L'étape « %(step)s » utilise le modèle « %(name)s », qui n'existe pas : ses "
                  "messages iront sur la liste des tâches. Enregistrez l'étape pour le créer.")
                % {"step": step.key, "name": name}
            )  # fmt: skip
            continue
        problem = step_template_problem(catalogue, step)
        if problem:
            warnings.append(problem)
        missing = catalogue.missing_languages(name)
        if missing:
            warnings.append(
                _("Le modèle « %(name)s » n'est pas écrit en %(languages)s : les messages de "
                  "l'étape « %(step)s » à ces clients iront sur la liste des tâches.")
                % {"name": name, "languages": ", ".join(missing), "step": step.key}
            )  # fmt: skip
    return warnings
