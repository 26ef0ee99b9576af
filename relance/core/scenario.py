"""Reminder scenarios: ordered steps relative to the due date, and the shipped presets.

A step is "J+5 e-mail sent automatically" or "J+20 phone call on the collector's to-do". Its
place in the scenario is its escalation level: a later step is a firmer one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from relance.core.text import Param, Text, TextError, gettext_noop, sentence

CHANNELS = ("email", "sms", "letter", "formal_notice", "call", "legal")
MODES = ("auto", "manual")
# none: penalties not mentioned; mentioned: the message explains what the law allows;
# claimed: the message claims them (interest and fixed indemnity where the regime allows).
PENALTIES = ("none", "mentioned", "claimed")
TONES = ("courteous", "neutral", "firm", "formal")
# A copy of the message to the customer's collector: none, visible (cc) or blind (bcc).
COPY_COLLECTOR = ("", "cc", "bcc")
# Channels whose message can move to another when the customer cannot be reached on it.
FALLBACKS = {"email": "letter", "sms": "email"}
MAX_REPEAT_EVERY, MAX_REPEAT_TIMES, MAX_PAY_WITHIN = 365, 52, 365


class ScenarioError(TextError):
    """A scenario or step refused; ``field`` names the step's field it is about, if one."""

    def __init__(
        self, template: str | Text, /, *, field: str | None = None, **params: Param
    ) -> None:
        super().__init__(template, **params)
        self.field = field


@dataclass(frozen=True, slots=True)
class Step:
    key: str
    offset_days: int  # from the due date; negative = before it
    channel: str
    mode: str
    template: str = ""
    tone: str = "neutral"
    penalties: str = "none"
    min_amount: Decimal = Decimal("0.00")
    # Options. Repeat: the step is done again every ``repeat_every`` days, at most
    # ``repeat_times`` more times (0: until paid), while no later step is due.
    repeat_every: int = 0
    repeat_times: int = 0
    pay_within: int = 0  # days given to pay, shown as a date in the message; 0: none
    copy_collector: str = ""  # "", "cc" or "bcc"
    attach_invoices: bool = True  # the invoice PDFs, when there are any
    fallback: bool = False  # no e-mail address: a letter; no phone: an e-mail
    suspension: bool = False  # the message announces a suspension of service

    @property
    def repeats(self) -> bool:
        return self.repeat_every > 0

    def check(self) -> None:
        if not self.key or not self.key.replace("_", "").isalnum():
            raise ScenarioError(gettext_noop("clé d'étape invalide « %(key)s »"), key=self.key)
        for value, allowed, what in (
            (self.channel, CHANNELS, gettext_noop("canal")),
            (self.mode, MODES, gettext_noop("mode")),
            (self.penalties, PENALTIES, gettext_noop("pénalités")),
            (self.tone, TONES, gettext_noop("ton")),
        ):
            if value not in allowed:
                raise ScenarioError(
                    gettext_noop(
                        "étape « %(key)s » : %(what)s « %(value)s » inconnu (%(allowed)s)"
                    ),
                    key=self.key,
                    what=sentence(what),
                    value=value,
                    allowed=", ".join(allowed),
                )
        if self.min_amount < 0:
            raise ScenarioError(
                gettext_noop("étape « %(key)s » : montant minimum négatif"), key=self.key
            )
        self._check_options()

    def _option_error(self, reason: str, field: str, **params: Param) -> ScenarioError:
        return ScenarioError(gettext_noop("étape « %(key)s » : %(reason)s"), field=field,
                             key=self.key, reason=Text(reason, params))  # fmt: skip

    def _check_options(self) -> None:
        fail = self._option_error
        if not 0 <= self.repeat_every <= MAX_REPEAT_EVERY:
            raise fail(
                gettext_noop("répétition tous les 1 à %(most)s jours (0 : pas de répétition)"),
                "repeat_every", most=MAX_REPEAT_EVERY,
            )  # fmt: skip
        if not 0 <= self.repeat_times <= MAX_REPEAT_TIMES:
            raise fail(gettext_noop("au plus %(most)s répétitions (0 : jusqu'au paiement)"),
                       "repeat_times", most=MAX_REPEAT_TIMES)  # fmt: skip
        if self.repeat_times and not self.repeat_every:
            raise fail(gettext_noop("un nombre de répétitions sans intervalle"), "repeat_every")
        if self.repeat_every and self.channel in ("formal_notice", "legal"):
            raise fail(gettext_noop("une mise en demeure ou un contentieux ne se répète pas"),
                       "repeat_every")  # fmt: skip
        if not 0 <= self.pay_within <= MAX_PAY_WITHIN:
            raise fail(gettext_noop("délai de paiement de 0 à %(most)s jours"), "pay_within",
                       most=MAX_PAY_WITHIN)  # fmt: skip
        if self.copy_collector not in COPY_COLLECTOR:
            raise fail(gettext_noop("copie « %(value)s » inconnue (cc, bcc)"), "copy_collector",
                       value=self.copy_collector)  # fmt: skip
        if self.copy_collector and self.channel != "email":
            raise fail(gettext_noop("la copie au chargé de recouvrement est pour un e-mail"),
                       "copy_collector")  # fmt: skip
        if self.fallback and self.mode != "auto":
            raise fail(
                gettext_noop("le repli concerne les envois automatiques (une personne choisit "
                             "le canal d'une étape manuelle)"),
                "fallback",
            )  # fmt: skip
        if self.fallback and self.channel not in FALLBACKS:
            raise fail(gettext_noop("un canal de repli existe pour l'e-mail et le SMS"), "fallback")
        if self.suspension and self.channel not in ("email", "letter", "formal_notice"):
            raise fail(gettext_noop("une suspension de service s'annonce par écrit"), "suspension")
        if self.suspension and self.mode != "manual":
            raise fail(gettext_noop("une suspension de service se décide par une personne "
                                    "(mode manuel)"), "suspension")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    name: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ScenarioError(
                gettext_noop("le scénario « %(key)s » n'a aucune étape"), key=self.key
            )
        keys = [step.key for step in self.steps]
        if len(set(keys)) != len(keys):
            raise ScenarioError(
                gettext_noop("le scénario « %(key)s » a deux étapes de même clé"), key=self.key
            )
        offsets = [step.offset_days for step in self.steps]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            raise ScenarioError(
                gettext_noop(
                    "le scénario « %(key)s » : les étapes doivent suivre des délais croissants"
                ),
                key=self.key,
            )
        for step in self.steps:
            step.check()

    def index(self, key: str | None) -> int:
        """Position of a step (-1 for None: nothing done yet); unknown keys are an error."""
        if key is None:
            return -1
        for position, step in enumerate(self.steps):
            if step.key == key:
                return position
        raise ScenarioError(
            gettext_noop("étape « %(step)s » absente du scénario « %(key)s »"),
            step=key, key=self.key,
        )  # fmt: skip

    def first_after_due(self) -> int:
        """Index of the first step on or after the due date (where a backlog item starts)."""
        for position, step in enumerate(self.steps):
            if step.offset_days >= 0:
                return position
        return len(self.steps) - 1


def _step(
    key: str, offset: int, channel: str, mode: str, tone: str, penalties: str, **options: Any
) -> Step:
    return Step(key=key, offset_days=offset, channel=channel, mode=mode, template=key,
                tone=tone, penalties=penalties, **options)  # fmt: skip


PRESETS: dict[str, Scenario] = {
    "standard": Scenario(
        key="standard",
        name="Standard",
        steps=(
            _step("preventive", -3, "email", "auto", "courteous", "none"),
            _step("reminder_1", 5, "email", "auto", "courteous", "none"),
            _step("reminder_2", 15, "email", "auto", "neutral", "mentioned"),
            _step("call_1", 20, "call", "manual", "neutral", "none"),
            _step("last_warning", 30, "email", "manual", "firm", "claimed"),
            _step("formal_notice", 40, "formal_notice", "manual", "formal", "claimed"),
            _step("legal", 54, "legal", "manual", "formal", "claimed"),
        ),
    ),
    "vip": Scenario(
        key="vip",
        name="VIP",
        steps=(
            _step("reminder_1", 10, "email", "manual", "courteous", "none"),
            _step("call_1", 15, "call", "manual", "courteous", "none"),
            _step("reminder_2", 25, "email", "manual", "neutral", "none"),
            _step("call_2", 30, "call", "manual", "neutral", "none"),
            _step("last_reminder", 45, "email", "manual", "firm", "none"),
            _step("formal_notice", 55, "formal_notice", "manual", "formal", "claimed"),
        ),
    ),
    "bad_payer": Scenario(
        key="bad_payer",
        name="Mauvais payeur",
        steps=(
            _step("preventive", -5, "email", "auto", "neutral", "none"),
            _step("reminder_1", 3, "email", "auto", "neutral", "mentioned"),
            _step("reminder_2", 13, "email", "auto", "firm", "claimed"),
            _step("last_warning", 20, "email", "manual", "firm", "claimed"),
            _step("formal_notice", 27, "formal_notice", "manual", "formal", "claimed"),
            _step("legal", 41, "legal", "manual", "formal", "claimed"),
        ),
    ),
    # The ready sequences. Each step names its shipped template (defaults/<language>/).
    # Six stages: before the due date, a friendly question, an arrangement, a firm reminder,
    # an amicable escalation (call, SMS, simple letter), then formal notice and suspension.
    # The escalation's three contacts are a week apart: the minimum gap between two contacts.
    "six_stages": Scenario(
        key="six_stages",
        name="Six étapes",
        steps=(
            _step("preventive_invoice", -3, "email", "auto", "courteous", "none"),
            _step(
                "friendly_open_question",
                5,
                "email",
                "auto",
                "courteous",
                "none",
                copy_collector="cc",
            ),
            _step("arrangement_offer", 12, "email", "auto", "courteous", "none", pay_within=10),
            _step(
                "firm_reminder",
                22,
                "email",
                "auto",
                "firm",
                "mentioned",
                pay_within=8,
                fallback=True,
            ),
            _step("amicable_escalation_call", 30, "call", "manual", "neutral", "none"),
            _step("amicable_escalation_sms", 37, "sms", "auto", "neutral", "none", fallback=True),
            _step(
                "amicable_escalation_letter",
                44,
                "letter",
                "manual",
                "firm",
                "mentioned",
                pay_within=8,
            ),
            _step("formal_notice", 54, "formal_notice", "manual", "formal", "claimed"),
            _step(
                "suspension_notice",
                64,
                "email",
                "manual",
                "formal",
                "claimed",
                pay_within=8,
                suspension=True,
            ),
        ),
    ),
    # Three e-mails 9 days apart, then a call.
    "three_emails_call": Scenario(
        key="three_emails_call",
        name="3 e-mails puis un appel",
        steps=(
            _step("courteous_reminder", 3, "email", "auto", "courteous", "none", pay_within=7),
            _step("collection_warning", 12, "email", "auto", "neutral", "mentioned", pay_within=8),
            _step(
                "final_reminder_before_notice",
                21,
                "email",
                "auto",
                "firm",
                "mentioned",
                pay_within=8,
                copy_collector="bcc",
            ),
            _step("call_1", 28, "call", "manual", "neutral", "none"),
        ),
    ),
}


# The step options as the YAML names them, with their defaults (written only when set).
OPTION_DEFAULTS: dict[str, object] = {
    "repeat_every": 0, "repeat_times": 0, "pay_within": 0, "copy_collector": "",
    "attach_invoices": True, "fallback": False, "suspension": False,
}  # fmt: skip


def scenario_to_data(scenario: Scenario) -> dict[str, object]:
    """A scenario as plain data (the documented YAML format)."""
    return {
        "key": scenario.key,
        "name": scenario.name,
        "steps": [step_to_data(step) for step in scenario.steps],
    }


def step_to_data(step: Step) -> dict[str, object]:
    """One step as plain data: its fields, then the options that differ from their default."""
    data: dict[str, object] = {
        "key": step.key,
        "offset": step.offset_days,
        "channel": step.channel,
        "mode": step.mode,
        "template": step.template,
        "tone": step.tone,
        "penalties": step.penalties,
        "min_amount": str(step.min_amount),
    }
    data.update(options_of(step))
    return data


def options_of(step: Step) -> dict[str, Any]:
    """The options of a step that differ from their default."""
    return {
        name: getattr(step, name)
        for name, default in OPTION_DEFAULTS.items()
        if getattr(step, name) != default
    }


STEP_FIELDS = {"key", "offset", "channel", "mode", "template", "tone", "penalties", "min_amount",
               *OPTION_DEFAULTS}  # fmt: skip


def scenario_from_data(data: object, where: Text | None = None) -> Scenario:
    """Read one scenario from plain data; any problem raises ``ScenarioError`` saying where."""
    where = where or sentence(gettext_noop("scénario"))
    if not isinstance(data, dict):
        raise _error(where, gettext_noop("un scénario est un dictionnaire (key, name, steps)"))
    unknown = set(data) - {"key", "name", "steps"}
    if unknown:
        raise _unknown_fields(where, unknown)
    key, name, steps = data.get("key"), data.get("name"), data.get("steps")
    if not isinstance(key, str) or not key:
        raise _error(where, gettext_noop("« key » manquant"))
    where = sentence(gettext_noop("scénario « %(key)s »"), key=key)
    if not isinstance(steps, list) or not steps:
        raise _error(where, gettext_noop("« steps » doit être une liste non vide"))
    parsed = tuple(
        _step_from_data(raw, sentence(gettext_noop("%(where)s, étape %(n)s"), where=where, n=n))
        for n, raw in enumerate(steps, 1)
    )
    return Scenario(key=key, name=str(name or key), steps=parsed)


def _error(where: Text, reason: str | Text, **params: str) -> ScenarioError:
    """``where : reason``, the problem and the place it was found."""
    said = reason if isinstance(reason, Text) else Text(reason, params)
    return ScenarioError(gettext_noop("%(where)s : %(reason)s"), where=where, reason=said)


def _unknown_fields(where: Text, unknown: set[object]) -> ScenarioError:
    names = ", ".join(sorted(map(str, unknown)))
    return _error(where, gettext_noop("champ(s) inconnu(s) %(names)s"), names=names)


def _step_from_data(raw: object, where: Text) -> Step:
    if not isinstance(raw, dict):
        raise _error(where, gettext_noop("une étape est un dictionnaire"))
    unknown = set(raw) - STEP_FIELDS
    if unknown:
        raise _unknown_fields(where, unknown)
    offset = raw.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or not -365 <= offset <= 3650:
        raise _error(where, gettext_noop("« offset » doit être un nombre de jours entier"))
    try:
        min_amount = Decimal(str(raw.get("min_amount", "0")))
        exact = min_amount.is_finite() and min_amount == min_amount.quantize(Decimal("0.01"))
    except ArithmeticError:
        exact = False
    if not exact:
        raise _error(where, gettext_noop("« min_amount » doit être un montant au centime près"))
    values = {name: raw.get(name) for name in ("key", "channel", "mode")}
    for name, value in values.items():
        if not isinstance(value, str):
            raise _error(where, gettext_noop("« %(name)s » manquant"), name=name)
    step = Step(
        key=str(raw["key"]), offset_days=offset, channel=str(raw["channel"]),
        mode=str(raw["mode"]), template=str(raw.get("template") or raw["key"]),
        tone=str(raw.get("tone", "neutral")), penalties=str(raw.get("penalties", "none")),
        min_amount=min_amount, **_options_from_data(raw, where),
    )  # fmt: skip
    try:
        step.check()
    except ScenarioError as exc:
        raise _error(where, exc.text) from exc
    return step


def _options_from_data(raw: dict[Any, Any], where: Text) -> dict[str, Any]:
    """The step options of a YAML step, each of the type of its default."""
    options: dict[str, Any] = {}
    for name, default in OPTION_DEFAULTS.items():
        value = raw.get(name, default)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise _error(where, gettext_noop("« %(name)s » vaut true ou false"), name=name)
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise _error(where, gettext_noop("« %(name)s » doit être un nombre de jours "
                                                 "entier"), name=name)  # fmt: skip
        elif not isinstance(value, str):
            raise _error(where, gettext_noop("« %(name)s » doit être un texte"), name=name)
        options[name] = value
    return options
