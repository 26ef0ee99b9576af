"""Header recognition: which column of the file holds which field.

A header is compared by its *key*: lower case, no accents, no punctuation, spaces or text in
parentheses, ``n°``/``nº``/``no`` all written ``no`` (``N° facture (réf.)`` -> ``nofacture``).
Each field lists its synonyms from the most specific to the most generic; when several
columns could hold the same field the most specific synonym wins, then the leftmost column.
A key belongs to one field only per file kind, so ``client`` is the customer's name in a
customers file but the customer reference in an invoices file. Unknown headers are ignored.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from relance.core.text import Param, Text, gettext_noop, joined

from .rows import FileFormatError
from .values import fold

_PARENS = re.compile(r"\([^()]*\)")


def header_key(text: str) -> str:
    return fold(_PARENS.sub("", text).replace("°", "o").replace("º", "o"))


@dataclass(frozen=True, slots=True)
class FieldSpec:
    label: str  # French name shown in messages
    synonyms: tuple[str, ...]  # most specific first


@dataclass(frozen=True, slots=True)
class FileSpec:
    kind: str  # "clients", "factures", "règlements": used in messages
    fields: Mapping[str, FieldSpec]
    # Each group needs at least one of its fields (usually a group of one).
    required: tuple[tuple[str, ...], ...]

    def keys(self) -> dict[str, tuple[str, int]]:
        """Header key -> (field, rank); fails loudly if two fields claim the same key."""
        index: dict[str, tuple[str, int]] = {}
        for name, spec in self.fields.items():
            for rank, synonym in enumerate((name, *spec.synonyms)):
                key = header_key(synonym)
                owner = index.setdefault(key, (name, rank))[0]
                if owner != name:
                    raise AssertionError(f"{self.kind}: « {synonym} » is {owner} and {name}")
        return index


@dataclass(frozen=True, slots=True)
class Columns:
    index: dict[str, int]  # field -> column position
    mapping: dict[str, str]  # field -> header as written in the file

    def header(self, name: str) -> str:
        return self.mapping.get(name, "")


_HEADERS_SHOWN = 30  # a message lists that many headers at most, then counts the others


def _quote_all(headers: Sequence[str]) -> Param:
    named = [h for h in headers if h.strip()]
    shown = ", ".join(f"« {h[:100]} »" for h in named[:_HEADERS_SHOWN])
    more = len(named) - _HEADERS_SHOWN
    if more > 0:
        others = (
            gettext_noop("%(shown)s et %(n)s autres")
            if more > 1
            else gettext_noop("%(shown)s et %(n)s autre")
        )
        return Text(others, {"shown": shown, "n": more})
    return shown or Text(gettext_noop("(aucun)"))


def _either(spec: FileSpec, group: tuple[str, ...]) -> Param:
    """« nom (name) ou raison sociale (company) »: the fields by their French names (as the
    files write them) and their code names."""
    said: Param = f"{spec.fields[group[0]].label} ({group[0]})"
    for name in group[1:]:
        said = Text(
            gettext_noop("%(a)s ou %(b)s"), {"a": said, "b": f"{spec.fields[name].label} ({name})"}
        )
    return said


def find_columns(
    headers: Sequence[str], spec: FileSpec, mapping: Mapping[str, str] | None = None
) -> Columns:
    """Match the header row against ``spec``, apply the explicit ``mapping`` (field -> header
    as written; an empty header un-maps the field) and check the required fields."""
    best = match_columns(headers, spec, mapping)
    missing = missing_fields(best, spec)
    if missing:
        if not best:
            raise FileFormatError(
                gettext_noop(
                    "Aucun en-tête reconnu dans la première ligne du fichier de %(kind)s : elle "
                    "doit contenir les noms des colonnes. En-têtes trouvés : %(headers)s. Vous "
                    "pouvez indiquer la correspondance des colonnes."
                ),
                kind=Text(spec.kind),
                headers=_quote_all(headers),
            )
        names = joined([_either(spec, group) for group in missing], " ; ")
        reason = (
            gettext_noop(
                "Colonnes obligatoires introuvables dans le fichier de %(kind)s : %(names)s. "
                "En-têtes trouvés : %(headers)s. Vous pouvez indiquer la correspondance des "
                "colonnes (champ -> en-tête du fichier)."
            )
            if len(missing) > 1
            else gettext_noop(
                "Colonne obligatoire introuvable dans le fichier de %(kind)s : %(names)s. "
                "En-têtes trouvés : %(headers)s. Vous pouvez indiquer la correspondance des "
                "colonnes (champ -> en-tête du fichier)."
            )
        )
        raise FileFormatError(
            reason, kind=Text(spec.kind), names=names, headers=_quote_all(headers)
        )
    return Columns(index=best, mapping={name: headers[col] for name, col in best.items()})


def missing_fields(found: Mapping[str, int], spec: FileSpec) -> list[tuple[str, ...]]:
    """The groups of required fields of which no field has a column."""
    return [group for group in spec.required if not any(name in found for name in group)]


def match_columns(
    headers: Sequence[str], spec: FileSpec, mapping: Mapping[str, str] | None = None
) -> dict[str, int]:
    """Field -> column position, in column order, without requiring any field: what a person
    fixing the mapping of an incomplete file needs to see."""
    keys = spec.keys()
    best: dict[str, tuple[int, int]] = {}  # field -> (rank, column)
    for col, text in enumerate(headers):
        hit = keys.get(header_key(text))
        if hit is not None:
            name, rank = hit
            if name not in best or rank < best[name][0]:
                best[name] = (rank, col)
    for name, wanted in (mapping or {}).items():
        if name not in spec.fields:
            known = ", ".join(spec.fields)
            raise FileFormatError(
                gettext_noop(
                    "Correspondance de colonnes : champ inconnu « %(name)s » (champs possibles : "
                    "%(known)s)."
                ),
                name=name,
                known=known,
            )
        best.pop(name, None)
        if not wanted.strip():
            continue
        found = _find_header(headers, wanted)
        if found is None:
            raise FileFormatError(
                gettext_noop(
                    "Correspondance de colonnes : la colonne « %(wanted)s » indiquée pour "
                    "%(label)s (%(name)s) est absente du fichier. En-têtes trouvés : "
                    "%(headers)s."
                ),
                wanted=wanted,
                label=spec.fields[name].label,
                name=name,
                headers=_quote_all(headers),
            )
        for other, (_, other_col) in list(best.items()):
            if other_col == found:
                del best[other]
        best[name] = (-1, found)
    return {name: col for name, (_, col) in sorted(best.items(), key=lambda kv: kv[1][1])}


def _find_header(headers: Sequence[str], wanted: str) -> int | None:
    stripped = [h.strip() for h in headers]
    for candidate in (wanted.strip(), wanted.strip().casefold()):
        for col, text in enumerate(stripped):
            if text == candidate or text.casefold() == candidate:
                return col
    key = header_key(wanted)
    for col, text in enumerate(headers):
        if key and header_key(text) == key:
            return col
    return None


def fields(**specs: tuple[str, Sequence[str]]) -> dict[str, FieldSpec]:
    """Shorthand: ``fields(number=("n° de facture", ["facture", ...]))``."""
    return {name: FieldSpec(label, tuple(syn)) for name, (label, syn) in specs.items()}


CUSTOMER_REF_SYNONYMS = (
    "customer_id",
    "customer_ref",
    "code client",
    "n° client",
    "numéro client",
    "numéro de client",
    "référence client",
    "réf client",
    "client id",
    "id client",
    "compte client",
    "n° compte",
    "compte",
    "code tiers",
    "tiers",
    "klantnummer",
)
CURRENCY_SYNONYMS = ("currency", "devise", "monnaie", "valuta", "munt")
PAYMENT_TERMS_SYNONYMS = (
    "payment_terms",
    "payment_term",
    "conditions de paiement",
    "conditions de règlement",
    "délai de paiement",
    "betalingstermijn",
)
