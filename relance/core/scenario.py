"""Reminder scenarios: ordered steps relative to the due date, and the shipped presets.

A step is "J+5 e-mail sent automatically" or "J+20 phone call on the collector's to-do". Its
place in the scenario is its escalation level: a later step is a firmer one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from relance.core.text import Text, TextError, gettext_noop, sentence

CHANNELS = ("email", "sms", "letter", "formal_notice", "call", "legal")
MODES = ("auto", "manual")
# none: penalties not mentioned; mentioned: the message explains what the law allows;
# claimed: the message claims them (interest and fixed indemnity where the regime allows).
PENALTIES = ("none", "mentioned", "claimed")
TONES = ("courteous", "neutral", "firm", "formal")


class ScenarioError(TextError):
    pass


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


def _step(key: str, offset: int, channel: str, mode: str, tone: str, penalties: str) -> Step:
    return Step(key=key, offset_days=offset, channel=channel, mode=mode, template=key,
                tone=tone, penalties=penalties)  # fmt: skip


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
}


def scenario_to_data(scenario: Scenario) -> dict[str, object]:
    """A scenario as plain data (the documented YAML format)."""
    return {
        "key": scenario.key,
        "name": scenario.name,
        "steps": [
            {
                "key": step.key,
                "offset": step.offset_days,
                "channel": step.channel,
                "mode": step.mode,
                "template": step.template,
                "tone": step.tone,
                "penalties": step.penalties,
                "min_amount": str(step.min_amount),
            }
            for step in scenario.steps
        ],
    }


STEP_FIELDS = {"key", "offset", "channel", "mode", "template", "tone", "penalties", "min_amount"}


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
        min_amount=min_amount,
    )  # fmt: skip
    try:
        step.check()
    except ScenarioError as exc:
        raise _error(where, exc.text) from exc
    return step
