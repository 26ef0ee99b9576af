"""Checking a customers file against the ledger, then creating and updating in bulk.

Only the columns the file has are compared and written: a file without a ``notes`` column
never erases notes typed in relance.

A ``segment`` column puts the customer in that segment by hand (a recompute never moves
them); a ``scénario`` column chooses the scenario they are chased with. An empty cell leaves
the customer as they are; an unknown key rejects the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext

from relance.accounts.audit import Actor, audit_record_many
from relance.accounts.models import Organisation
from relance.dunning.models import CustomerDunning, Scenario, Segment
from relance.dunning.scenarios import scenarios_ensure_presets
from relance.dunning.segments import segments_ensure_defaults
from relance.imports.models import ImportBatch
from relance.imports.parsers.rows import CustomerRow, RowError
from relance.ledger.models import Contact, ContactRole, Customer
from relance.lib import bulk
from relance.lib.progress import Progress

# Customer fields a file may set: row attribute -> model field.
CUSTOMER_FIELDS = {
    "name": "name",
    "kind": "kind",
    "country": "country",
    "language": "language",
    "vat_number": "vat_number",
    "siren": "siren",
    "siret": "siret",
    "enterprise_number": "enterprise_number",
    "iban": "iban",
    "address_line1": "address_line1",
    "address_line2": "address_line2",
    "postal_code": "postal_code",
    "city": "city",
    "payment_terms": "payment_terms",
    "customer_since": "customer_since",
    "notes": "notes",
}
CONTACT_FIELDS = ("emails", "phone", "contact_name")
DUNNING_FIELDS = ("segment", "scenario")


def _value(row: CustomerRow, name: str) -> Any:
    value = getattr(row, name)
    if name == "language" and not value:
        return "nl" if row.country == "BE" else "fr" if row.country == "FR" else "en"
    return value


def _jsonable(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@dataclass
class CustomerPlan:
    new: list[CustomerRow] = field(default_factory=list)
    # (customer id, uuid, row, changed fields before, after)
    changed: list[tuple[int, Any, CustomerRow, dict[str, Any], dict[str, Any]]] = field(
        default_factory=list
    )
    unchanged: int = 0
    fields: list[str] = field(default_factory=list)
    contact_fields: list[str] = field(default_factory=list)
    # external ref -> (segment key or "", scenario id or None) to write: chosen in the file
    dunning: dict[str, tuple[str, int | None]] = field(default_factory=dict)

    @property
    def created(self) -> int:
        return len(self.new)

    @property
    def updated(self) -> int:
        return len(self.changed)


def check_customers(
    organisation: Organisation,
    rows: Sequence[CustomerRow],
    *,
    mapping: dict[str, str],
    progress: Progress,
) -> tuple[CustomerPlan, list[RowError]]:
    plan = CustomerPlan(
        fields=[name for name in CUSTOMER_FIELDS if name in mapping or name == "language"],
        contact_fields=[name for name in CONTACT_FIELDS if name in mapping],
    )
    if "language" not in mapping and "country" not in mapping:
        plan.fields.remove("language")
    model_fields = [CUSTOMER_FIELDS[name] for name in plan.fields]
    existing: dict[str, tuple[Any, ...]] = {}
    refs = [row.external_ref for row in rows]
    for start in range(0, len(refs), 500):
        for values in Customer.objects.filter(
            organisation=organisation, external_ref__in=refs[start : start + 500]
        ).values_list("external_ref", "id", "uuid", *model_fields):
            existing[values[0]] = values[1:]
    contacts = _primary_contacts(organisation, [v[0] for v in existing.values()])
    choices = _DunningChoices.load(organisation, mapping, [v[0] for v in existing.values()])
    errors: list[RowError] = []
    progress.phase("Comparaison avec le grand livre", len(rows))
    for row in rows:
        found = existing.get(row.external_ref)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        if choices is not None:
            choices.compare(row, None if found is None else found[0], plan, before, after, errors)
        if found is None:
            plan.new.append(row)
            continue
        stored = dict(zip(plan.fields, found[2:], strict=True))
        if "language" in stored and "language" not in mapping:
            stored.pop("language")  # only defaulted for new customers
        for name, old in stored.items():
            new = _value(row, name)
            if old != new:
                before[name], after[name] = _jsonable(old), _jsonable(new)
        contact = contacts.get(found[0], ("", "", ""))
        for name, old in zip(("emails", "phone", "contact_name"), contact, strict=True):
            if name not in plan.contact_fields:
                continue
            new = row.emails[0] if name == "emails" and row.emails else getattr(row, name)
            if name == "emails" and not row.emails:
                new = ""
            if old != new:
                before[name], after[name] = old, new
        if before or after:
            plan.changed.append((found[0], found[1], row, before, after))
        else:
            plan.unchanged += 1
    progress.advance(len(rows))
    return plan, errors


@dataclass
class _DunningChoices:
    """Segments and scenarios a file may name, and what customers have now."""

    segments: dict[str, str]  # key or name, lower case -> key
    segment_keys: list[str]
    scenarios: dict[str, tuple[int, str]]  # key or name, lower case -> (id, key)
    scenario_keys: list[str]
    headers: dict[str, str]
    current: dict[int, tuple[str, bool, int | None]]  # customer id -> segment, manual, scenario

    @classmethod
    def load(
        cls, organisation: Organisation, mapping: dict[str, str], customer_ids: list[int]
    ) -> _DunningChoices | None:
        if not any(name in mapping for name in DUNNING_FIELDS):
            return None
        scenarios_ensure_presets(organisation)
        segments_ensure_defaults(organisation)
        segments, segment_keys = {}, []
        for key, name in (
            Segment.objects.filter(organisation=organisation)
            .order_by("position", "id")
            .values_list("key", "name")
        ):
            segments[name.lower()] = segments[key.lower()] = key
            segment_keys.append(key)
        scenarios, scenario_keys = {}, []
        for pk, key, name in (
            Scenario.objects.filter(organisation=organisation)
            .order_by("id")
            .values_list("id", "key", "name")
        ):
            scenarios[name.lower()] = scenarios[key.lower()] = (pk, key)
            scenario_keys.append(key)
        current: dict[int, tuple[str, bool, int | None]] = {}
        for start in range(0, len(customer_ids), 500):
            for pk, segment, manual, scenario_id in CustomerDunning.objects.filter(
                customer_id__in=customer_ids[start : start + 500]
            ).values_list("customer_id", "segment", "segment_is_manual", "scenario_id"):
                current[pk] = (segment, manual, scenario_id)
        headers = {name: mapping[name] for name in DUNNING_FIELDS if name in mapping}
        return cls(segments, segment_keys, scenarios, scenario_keys, headers, current)

    def compare(
        self,
        row: CustomerRow,
        customer_id: int | None,
        plan: CustomerPlan,
        before: dict[str, Any],
        after: dict[str, Any],
        errors: list[RowError],
    ) -> None:
        """Check the row's segment and scenario; note what would change (empty: nothing)."""
        segment, scenario_id = "", None
        stored = None if customer_id is None else self.current.get(customer_id, ("", False, None))
        if row.segment:
            segment = self.segments.get(row.segment.lower(), "")
            if not segment:
                known = ", ".join(self.segment_keys)
                reason = gettext("segment inconnu « %(segment)s » (segments : %(known)s)") % {
                    "segment": row.segment,
                    "known": known,
                }
                errors.append(RowError(row.line, self.headers["segment"], reason))
            elif stored is not None and stored[:2] != (segment, True):
                before["segment"], after["segment"] = stored[0], segment
                if not stored[1]:
                    before["segment_is_manual"], after["segment_is_manual"] = False, True
            elif stored is not None:
                segment = ""  # already so
        if row.scenario:
            found = self.scenarios.get(row.scenario.lower())
            if found is None:
                known = ", ".join(self.scenario_keys)
                reason = gettext("scénario inconnu « %(scenario)s » (scénarios : %(known)s)") % {
                    "scenario": row.scenario,
                    "known": known,
                }
                errors.append(RowError(row.line, self.headers["scenario"], reason))
            elif stored is not None and stored[2] != found[0]:
                old = next((k for pk, k in self.scenarios.values() if pk == stored[2]), "")
                before["scenario"], after["scenario"] = old, found[1]
                scenario_id = found[0]
            elif stored is None:
                scenario_id = found[0]
        if segment or scenario_id is not None:
            plan.dunning[row.external_ref] = (segment, scenario_id)


def _primary_contacts(
    organisation: Organisation, customer_ids: list[int]
) -> dict[int, tuple[str, str, str]]:
    found: dict[int, tuple[str, str, str]] = {}
    for start in range(0, len(customer_ids), 500):
        for customer_id, email, phone, name in Contact.objects.filter(
            organisation=organisation,
            customer_id__in=customer_ids[start : start + 500],
            is_primary=True,
        ).values_list("customer_id", "email", "phone", "name"):
            found[customer_id] = (email, phone, name)
    return found


def write_customers(
    organisation: Organisation,
    plan: CustomerPlan,
    *,
    batch: ImportBatch,
    actor: Actor,
    progress: Progress,
) -> None:
    new_uuid = bulk.uuid_factory()
    now = bulk.now_for_db()
    progress.phase("Écriture des clients", len(plan.new) + len(plan.changed))
    columns = list(CUSTOMER_FIELDS)  # row attribute names, the same as the model's fields
    bulk.insert_rows(
        Customer,
        (
            "uuid",
            "organisation_id",
            "external_ref",
            *columns,
            "import_batch_id",
            "created_at",
            "updated_at",
        ),
        (
            (
                new_uuid(),
                organisation.pk,
                row.external_ref,
                *(_value(row, name) for name in columns),
                batch.pk,
                now,
                now,
            )
            for row in plan.new
        ),
    )
    new_ids = dict(Customer.objects.filter(import_batch=batch).values_list("external_ref", "id"))
    _insert_contacts(organisation, [(new_ids[row.external_ref], row) for row in plan.new])
    by_fields: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    for pk, _, row, _before, after in plan.changed:
        fields = tuple(name for name in after if name in CUSTOMER_FIELDS)
        if fields:
            by_fields.setdefault(fields, []).append(
                (*(_value(row, name) for name in fields), now, pk)
            )
    for fields, values in by_fields.items():
        bulk.update_rows(
            Customer, (*(CUSTOMER_FIELDS[name] for name in fields), "updated_at"), values
        )
    _replace_changed_contacts(organisation, plan)
    ids = {row.external_ref: pk for pk, _, row, _, _ in plan.changed} | new_ids
    _write_dunning(plan, ids, batch)
    audit_record_many(
        organisation=organisation,
        actor=actor,
        action="customer_update",
        entity_type="customer",
        changes=((str(uuid), before, after) for _, uuid, _, before, after in plan.changed),
    )
    progress.advance(len(plan.new) + len(plan.changed))


def _write_dunning(plan: CustomerPlan, ids: dict[str, int], batch: ImportBatch) -> None:
    """Segments chosen in the file (by hand: never recomputed), and scenarios."""
    why = {"manual": True, "source": "import", "batch": str(batch.uuid), "file": batch.filename}
    segments = [
        CustomerDunning(customer_id=ids[ref], segment=segment, segment_is_manual=True,
                        segment_explanation={**why, "segment": segment})
        for ref, (segment, _) in plan.dunning.items()
        if segment
    ]  # fmt: skip
    scenarios = [
        CustomerDunning(customer_id=ids[ref], scenario_id=scenario_id)
        for ref, (_, scenario_id) in plan.dunning.items()
        if scenario_id is not None
    ]
    for rows, fields in (
        (segments, ["segment", "segment_is_manual", "segment_explanation"]),
        (scenarios, ["scenario"]),
    ):
        CustomerDunning.objects.bulk_create(
            rows,
            batch_size=1000,
            update_conflicts=True,
            unique_fields=["customer"],
            update_fields=fields,
        )


def _insert_contacts(organisation: Organisation, customers: list[tuple[int, CustomerRow]]) -> None:
    new_uuid = bulk.uuid_factory()
    rows = []
    for customer_id, row in customers:
        emails = row.emails or ("",)
        for position, email in enumerate(emails):
            primary = position == 0
            if primary and not (email or row.phone or row.contact_name):
                continue
            rows.append(
                (
                    new_uuid(),
                    organisation.pk,
                    customer_id,
                    row.contact_name if primary else "",
                    ContactRole.BILLING,
                    email,
                    row.phone if primary else "",
                    primary,
                    not primary,
                )
            )
    bulk.insert_rows(
        Contact,
        (
            "uuid",
            "organisation_id",
            "customer_id",
            "name",
            "role",
            "email",
            "phone",
            "is_primary",
            "in_copy",
        ),
        rows,
    )


def _replace_changed_contacts(organisation: Organisation, plan: CustomerPlan) -> None:
    """The file describes the billing contacts: those of changed customers are rewritten."""
    touched = [
        (pk, row)
        for pk, _, row, _, after in plan.changed
        if any(name in after for name in CONTACT_FIELDS)
    ]
    if not touched:
        return
    ids = [pk for pk, _ in touched]
    for start in range(0, len(ids), 500):
        Contact.objects.filter(
            customer_id__in=ids[start : start + 500], role=ContactRole.BILLING
        ).delete()
    _insert_contacts(organisation, touched)
