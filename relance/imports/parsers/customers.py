"""Customers file -> ``CustomerRow``.

Required columns: external_ref and name. The postal address (two street lines, postal code,
town, country) is what letters and formal notices are sent to. Country is read first because
national phone numbers and VAT numbers without prefix depend on it (empty country = FR). A
SIRET without a SIREN gives the SIREN (its first 9 digits); both given must agree. The same
reference on several rows: identical rows are kept once, different ones are an error on the
later line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from relance.core.text import gettext_noop

from .cells import Cells, gc_paused
from .headers import CUSTOMER_REF_SYNONYMS, PAYMENT_TERMS_SYNONYMS, FileSpec, fields, find_columns
from .limits import DEFAULT_LIMITS, Limits
from .rows import CustomerRow, ParseResult, Progress
from .table import read_table
from .values import (
    CellError,
    parse_country,
    parse_emails,
    parse_enterprise_number,
    parse_iban,
    parse_kind,
    parse_language,
    parse_phone,
    parse_siren,
    parse_siret,
    parse_vat,
)

CUSTOMER_SPEC = FileSpec(
    kind=gettext_noop("clients"),
    fields=fields(
        external_ref=("référence client", ("id", "external_ref", *CUSTOMER_REF_SYNONYMS)),
        name=(
            "nom",
            (
                "name",
                "nom",
                "raison sociale",
                "nom du client",
                "nom client",
                "customer name",
                "dénomination",
                "client",
                "customer",
                "société",
                "company",
                "naam",
                "klant",
            ),
        ),
        kind=("type de client", ("type de client", "type client", "customer type", "type")),
        country=("pays", ("country", "pays", "code pays", "country code", "land")),
        language=("langue", ("language", "langue", "lang", "taal")),
        emails=(
            "e-mail",
            (
                "emails",
                "email",
                "adresse e-mail",
                "adresse mail",
                "email address",
                "courriel",
                "mail",
                "e-mailadres",
            ),
        ),
        phone=(
            "téléphone",
            (
                "phone",
                "téléphone",
                "n° de téléphone",
                "tel",
                "mobile",
                "portable",
                "gsm",
                "telefoon",
            ),
        ),
        contact_name=(
            "nom du contact",
            ("contact_name", "nom du contact", "contact name", "contact", "interlocuteur"),
        ),
        vat_number=(
            "n° de TVA",
            (
                "vat_number",
                "vat number",
                "n° tva",
                "n° de tva",
                "numéro de tva",
                "n° tva intracommunautaire",
                "tva intracommunautaire",
                "vat",
                "tva",
                "btw-nummer",
                "btw",
            ),
        ),
        siren=("SIREN", ("siren", "n° siren")),
        siret=("SIRET", ("siret", "n° siret")),
        enterprise_number=(
            "n° d'entreprise",
            (
                "enterprise_number",
                "enterprise number",
                "numéro d'entreprise",
                "n° d'entreprise",
                "n° bce",
                "bce",
                "kbo",
                "ondernemingsnummer",
            ),
        ),
        iban=("IBAN", ("iban",)),
        address_line1=(
            "adresse",
            (
                "address line 1",
                "adresse ligne 1",
                "adresse 1",
                "address 1",
                "address",
                "adresse",
                "street",
                "rue",
                "straat",
                "adres",
            ),
        ),
        address_line2=(
            "complément d'adresse",
            (
                "address line 2",
                "adresse ligne 2",
                "adresse 2",
                "address 2",
                "complément d'adresse",
                "complément adresse",
                "complément",
                "lieu-dit",
            ),
        ),
        postal_code=(
            "code postal",
            ("postal_code", "postal code", "code postal", "cp", "zip", "postcode"),
        ),
        city=(
            "ville",
            ("city", "ville", "localité", "commune", "town", "gemeente", "plaats", "woonplaats"),
        ),
        payment_terms=("conditions de paiement", PAYMENT_TERMS_SYNONYMS),
        customer_since=(
            "client depuis",
            (
                "customer_since",
                "customer since",
                "client depuis",
                "date de création",
                "date création",
                "created",
                "created_at",
            ),
        ),
        notes=("notes", ("notes", "note", "remarques", "commentaire", "commentaires", "comment")),
        segment=("segment", ("segment",)),
        scenario=("scénario", ("scénario", "scénario de relance", "plan de relance")),
    ),
    required=(("external_ref",), ("name",)),
)


@gc_paused()
def parse_customers(
    data: bytes,
    *,
    filename: str = "",
    mapping: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    limits: Limits = DEFAULT_LIMITS,
    encoding: str = "",
) -> ParseResult[CustomerRow]:
    table = read_table(data, filename=filename, progress=progress, limits=limits, encoding=encoding)
    columns = find_columns(table.headers, CUSTOMER_SPEC, mapping)
    table.limit_lengths(columns.index, limits.lengths)
    index, head = columns.index, columns.mapping
    cells = Cells()
    errors = cells.errors
    seen: dict[str, CustomerRow] = {}
    rows: list[CustomerRow] = []

    for line, row in table:
        before = len(errors)
        customer = _customer(
            line, {name: row[col].strip() for name, col in index.items()}, head, cells
        )
        ref = customer.external_ref
        if len(errors) != before:
            continue
        previous = seen.setdefault(ref, customer)
        if previous is customer:
            rows.append(customer)
        elif replace(previous, line=line) != customer:
            cells.error(
                line,
                head["external_ref"],
                gettext_noop(
                    "client « %(ref)s » déjà présent ligne %(line)s avec un contenu différent"
                ),
                ref=ref,
                line=str(previous.line),
            )

    errors.extend(table.errors)
    errors.sort(key=lambda e: e.line)
    return ParseResult(
        rows=rows,
        errors=errors,
        encoding=table.encoding,
        delimiter=table.delimiter,
        mapping=columns.mapping,
        data_rows=table.data_rows,
    )


def _customer(line: int, text: dict[str, str], head: dict[str, str], cells: Cells) -> CustomerRow:
    """One row (its cells stripped, by field name); problems go to ``cells.errors``."""

    def read(name: str, parse: Callable[..., str], *args: str) -> str:
        return cells.text(text.get(name, ""), line, head.get(name, ""), parse, *args)

    ref, name = text["external_ref"], text["name"]
    if not ref:
        cells.error(line, head["external_ref"], gettext_noop("référence client manquante"))
    if not name:
        cells.error(line, head["name"], gettext_noop("nom du client manquant"))
    country = read("country", parse_country) or "FR"
    siren, siret = read("siren", parse_siren), read("siret", parse_siret)
    if siret and siren and siret[:9] != siren:
        cells.error(
            line,
            head["siret"],
            gettext_noop("SIRET « %(siret)s » d'une autre entreprise que le SIREN"),
            siret=siret,
        )
    emails: tuple[str, ...] = ()
    try:
        emails = parse_emails(text.get("emails", ""))
    except CellError as exc:
        cells.error(line, head["emails"], exc.text)
    since = None
    if "customer_since" in text:
        since = cells.date(text["customer_since"], line, head["customer_since"])
    return CustomerRow(
        line=line,
        external_ref=ref,
        name=name,
        kind=read("kind", parse_kind) or "B2B",
        country=country,
        language=read("language", parse_language),
        emails=emails,
        phone=read("phone", parse_phone, country),
        contact_name=text.get("contact_name", ""),
        vat_number=read("vat_number", parse_vat, country),
        siren=siren or siret[:9],
        siret=siret,
        enterprise_number=read("enterprise_number", parse_enterprise_number),
        iban=read("iban", parse_iban),
        address_line1=text.get("address_line1", ""),
        address_line2=text.get("address_line2", ""),
        postal_code=text.get("postal_code", "").upper(),
        city=text.get("city", ""),
        payment_terms=text.get("payment_terms", ""),
        customer_since=since,
        notes=text.get("notes", ""),
        segment=text.get("segment", ""),
        scenario=text.get("scenario", ""),
    )
