"""Reminder scenarios: ordered steps relative to the due date, and the shipped presets.

A step is "J+5 e-mail sent automatically" or "J+20 phone call on the collector's to-do". Its
place in the scenario is its escalation level: a later step is a firmer one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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


class ScenarioError(ValueError):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field  # the step's field it is about, when it is one


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
            raise ScenarioError(f"clé d'étape invalide « {self.key} »")
        for value, allowed, what in (
            (self.channel, CHANNELS, "canal"),
            (self.mode, MODES, "mode"),
            (self.penalties, PENALTIES, "pénalités"),
            (self.tone, TONES, "ton"),
        ):
            if value not in allowed:
                raise ScenarioError(
                    f"étape « {self.key} » : {what} « {value} » inconnu ({', '.join(allowed)})"
                )
        if self.min_amount < 0:
            raise ScenarioError(f"étape « {self.key} » : montant minimum négatif")
        self._check_options()

    def _check_options(self) -> None:
        where = f"étape « {self.key} »"
        if not 0 <= self.repeat_every <= MAX_REPEAT_EVERY:
            raise ScenarioError(
                f"{where} : répétition tous les 1 à {MAX_REPEAT_EVERY} jours "
                "(0 : pas de répétition)",
                "repeat_every",
            )
        if not 0 <= self.repeat_times <= MAX_REPEAT_TIMES:
            raise ScenarioError(
                f"{where} : au plus {MAX_REPEAT_TIMES} répétitions (0 : jusqu'au paiement)",
                "repeat_times",
            )
        if self.repeat_times and not self.repeat_every:
            raise ScenarioError(
                f"{where} : un nombre de répétitions sans intervalle", "repeat_every"
            )
        if self.repeat_every and self.channel in ("formal_notice", "legal"):
            raise ScenarioError(
                f"{where} : une mise en demeure ou un contentieux ne se répète pas", "repeat_every"
            )
        if not 0 <= self.pay_within <= MAX_PAY_WITHIN:
            raise ScenarioError(
                f"{where} : délai de paiement de 0 à {MAX_PAY_WITHIN} jours", "pay_within"
            )
        if self.copy_collector not in COPY_COLLECTOR:
            raise ScenarioError(
                f"{where} : copie « {self.copy_collector} » inconnue (cc, bcc)", "copy_collector"
            )
        if self.copy_collector and self.channel != "email":
            raise ScenarioError(
                f"{where} : la copie au chargé de recouvrement est pour un e-mail", "copy_collector"
            )
        if self.fallback and self.mode != "auto":
            raise ScenarioError(
                f"{where} : le repli concerne les envois automatiques (une personne choisit "
                "le canal d'une étape manuelle)", "fallback"
            )  # fmt: skip
        if self.fallback and self.channel not in FALLBACKS:
            raise ScenarioError(
                f"{where} : un canal de repli existe pour l'e-mail et le SMS", "fallback"
            )
        if self.suspension and self.channel not in ("email", "letter", "formal_notice"):
            raise ScenarioError(
                f"{where} : une suspension de service s'annonce par écrit", "suspension"
            )
        if self.suspension and self.mode != "manual":
            raise ScenarioError(f"{where} : une suspension de service se décide par une personne "
                                "(mode manuel)", "suspension")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str
    name: str
    steps: tuple[Step, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not self.steps:
            raise ScenarioError(f"le scénario « {self.key} » n'a aucune étape")
        keys = [step.key for step in self.steps]
        if len(set(keys)) != len(keys):
            raise ScenarioError(f"le scénario « {self.key} » a deux étapes de même clé")
        offsets = [step.offset_days for step in self.steps]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            raise ScenarioError(
                f"le scénario « {self.key} » : les étapes doivent suivre des délais croissants"
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
        raise ScenarioError(f"étape « {key} » absente du scénario « {self.key} »")

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


def scenario_from_data(data: object, where: str = "scénario") -> Scenario:
    """Read one scenario from plain data; any problem raises ``ScenarioError`` saying where."""
    if not isinstance(data, dict):
        raise ScenarioError(f"{where} : un scénario est un dictionnaire (key, name, steps)")
    unknown = set(data) - {"key", "name", "steps"}
    if unknown:
        raise ScenarioError(f"{where} : champ(s) inconnu(s) {', '.join(sorted(map(str, unknown)))}")
    key, name, steps = data.get("key"), data.get("name"), data.get("steps")
    if not isinstance(key, str) or not key:
        raise ScenarioError(f"{where} : « key » manquant")
    where = f"scénario « {key} »"
    if not isinstance(steps, list) or not steps:
        raise ScenarioError(f"{where} : « steps » doit être une liste non vide")
    parsed = tuple(_step_from_data(raw, f"{where}, étape {n}") for n, raw in enumerate(steps, 1))
    return Scenario(key=key, name=str(name or key), steps=parsed)


def _step_from_data(raw: object, where: str) -> Step:
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where} : une étape est un dictionnaire")
    unknown = set(raw) - STEP_FIELDS
    if unknown:
        raise ScenarioError(f"{where} : champ(s) inconnu(s) {', '.join(sorted(map(str, unknown)))}")
    offset = raw.get("offset")
    if not isinstance(offset, int) or isinstance(offset, bool) or not -365 <= offset <= 3650:
        raise ScenarioError(f"{where} : « offset » doit être un nombre de jours entier")
    try:
        min_amount = Decimal(str(raw.get("min_amount", "0")))
        exact = min_amount.is_finite() and min_amount == min_amount.quantize(Decimal("0.01"))
    except ArithmeticError:
        exact = False
    if not exact:
        raise ScenarioError(f"{where} : « min_amount » doit être un montant au centime près")
    values = {name: raw.get(name) for name in ("key", "channel", "mode")}
    for name, value in values.items():
        if not isinstance(value, str):
            raise ScenarioError(f"{where} : « {name} » manquant")
    step = Step(
        key=str(raw["key"]), offset_days=offset, channel=str(raw["channel"]),
        mode=str(raw["mode"]), template=str(raw.get("template") or raw["key"]),
        tone=str(raw.get("tone", "neutral")), penalties=str(raw.get("penalties", "none")),
        min_amount=min_amount, **_options_from_data(raw, where),
    )  # fmt: skip
    try:
        step.check()
    except ScenarioError as exc:
        raise ScenarioError(f"{where} : {exc}") from exc
    return step


def _options_from_data(raw: dict[Any, Any], where: str) -> dict[str, Any]:
    """The step options of a YAML step, each of the type of its default."""
    options: dict[str, Any] = {}
    for name, default in OPTION_DEFAULTS.items():
        value = raw.get(name, default)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ScenarioError(f"{where} : « {name} » vaut true ou false")
        elif isinstance(default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise ScenarioError(f"{where} : « {name} » doit être un nombre de jours entier")
        elif not isinstance(value, str):
            raise ScenarioError(f"{where} : « {name} » doit être un texte")
        options[name] = value
    return options
