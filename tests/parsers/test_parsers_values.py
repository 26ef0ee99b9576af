"""Cell parsers: amounts, dates, codes, contact details, identifiers."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from relance.imports.parsers.values import (
    CellError,
    parse_amount,
    parse_country,
    parse_currency,
    parse_date,
    parse_emails,
    parse_enterprise_number,
    parse_iban,
    parse_kind,
    parse_language,
    parse_phone,
    parse_positive_amount,
    parse_siren,
    parse_siret,
    parse_vat,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1 234,56", "1234.56"),
        ("1\u00a0234,56", "1234.56"),
        ("1\u202f234,56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567,8", "1234567.80"),
        ("1,234,567", "1234567.00"),
        ("€1234.56", "1234.56"),
        ("1 234,56 €", "1234.56"),
        ("1234,56EUR", "1234.56"),
        ("EUR 12", "12.00"),
        ("  12,5  ", "12.50"),
        ("1.234", "1234.00"),  # one separator + 3 digits = thousands
        ("1,234", "1234.00"),
        ("12,34", "12.34"),
        ("0,5", "0.50"),
        (".5", "0.50"),
        ("1.230", "1230.00"),
        ("-12,00", "-12.00"),
        ("12,00-", "-12.00"),
        ("(1 234,56)", "-1234.56"),
        ("- 1 234,56 €", "-1234.56"),
        ("+7", "7.00"),
        ("0", "0.00"),
    ],
)
def test_amount_formats(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)
    assert str(parse_amount(text)) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "montant non numérique « abc »"),
        ("12,345,67", "montant non numérique « 12,345,67 »"),
        ("1.2.3", "montant non numérique « 1.2.3 »"),
        ("1,234.567,8", "montant non numérique « 1,234.567,8 »"),
        ("12a", "montant non numérique « 12a »"),
        ("1e5", "montant non numérique « 1e5 »"),
        ("NaN", "montant non numérique « NaN »"),
        ("0,125", "montant avec plus de 2 décimales « 0,125 »"),
        ("1234,567", "montant avec plus de 2 décimales « 1234,567 »"),
        ("12.3456", "montant avec plus de 2 décimales « 12.3456 »"),
    ],
)
def test_amount_errors(text: str, reason: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_amount(text)
    assert str(exc.value) == reason


def test_positive_amount() -> None:
    assert parse_positive_amount("12.00") == Decimal("12.00")
    assert parse_positive_amount("0", allow_zero=True) == 0
    with pytest.raises(CellError, match="montant négatif « -1 »"):
        parse_positive_amount("-1")
    with pytest.raises(CellError, match="montant nul"):
        parse_positive_amount("0,00")


def _styles(value: Decimal) -> list[str]:
    plain = f"{value:.2f}"
    whole, cents = plain.split(".")
    grouped = f"{int(whole):,}"
    nbsp, narrow = "\u00a0", "\u202f"
    return [
        plain,
        f"{whole},{cents}",
        f"{grouped.replace(',', ' ')},{cents}",
        f"{grouped.replace(',', nbsp)},{cents}",
        f"{grouped.replace(',', narrow)},{cents} €",
        f"{grouped.replace(',', '.')},{cents}",
        f"{grouped}.{cents}",
        f"{plain} EUR",
        f"€ {whole},{cents}",
    ]


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal(10**9), places=2))
def test_amount_round_trip_every_style(value: Decimal) -> None:
    for text in _styles(value):
        assert parse_amount(text) == value, text
        assert parse_amount("-" + text.lstrip("€ ")) == -value, text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31", date(2026, 1, 31)),
        ("31/01/2026", date(2026, 1, 31)),
        ("31-01-2026", date(2026, 1, 31)),
        ("31.01.2026", date(2026, 1, 31)),
        ("1/2/2026", date(2026, 2, 1)),  # day first, never month first
        ("31/01/26", date(2026, 1, 31)),
        ("15/03/98", date(1998, 3, 15)),
        ("2026-01-31 00:00:00", date(2026, 1, 31)),
        ("2026-01-31T13:45:00", date(2026, 1, 31)),
        ("2026-01-31T13:45:00+01:00", date(2026, 1, 31)),
        ("31/01/2026 08:30", date(2026, 1, 31)),
        ("2026/01/31", date(2026, 1, 31)),
        (" 2026-01-31 ", date(2026, 1, 31)),
    ],
)
def test_date_formats(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["31/02/2026", "2026-13-01", "12/31/2026", "31/01", "hier", "31/01/2026x", "0/1/2026"]
)
def test_date_errors(text: str) -> None:
    with pytest.raises(CellError) as exc:
        parse_date(text)
    assert str(exc.value) == f"date invalide « {text} » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"


def test_date_out_of_range() -> None:
    with pytest.raises(CellError, match="hors limites"):
        parse_date("31/01/0026")


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_date_round_trip(value: date) -> None:
    assert parse_date(value.isoformat()) == value
    for sep in "/-.":
        assert parse_date(value.strftime(f"%d{sep}%m{sep}%Y")) == value
        assert parse_date(f"{value.day}{sep}{value.month}{sep}{value.year}") == value
    if 1970 <= value.year <= 2069:
        assert parse_date(value.strftime("%d/%m/%y")) == value


def test_currency() -> None:
    assert parse_currency("") == "EUR"
    assert parse_currency("€") == "EUR"
    assert parse_currency("eur") == "EUR"
    assert parse_currency("CHF") == "CHF"
    with pytest.raises(CellError, match="devise invalide « E »"):
        parse_currency("E")


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("B2B", "B2B"),
        ("entreprise", "B2B"),
        ("Professionnel", "B2B"),
        ("PRO", "B2B"),
        ("Société", "B2B"),
        ("particulier", "B2C"),
        ("Consommateur", "B2C"),
        ("b2c", "B2C"),
        ("public", "PUBLIC"),
        ("Administration", "PUBLIC"),
        ("collectivité", "PUBLIC"),
        ("B2G", "PUBLIC"),
        ("", "B2B"),
    ],
)
def test_kind(text: str, kind: str) -> None:
    assert parse_kind(text) == kind


def test_kind_unknown() -> None:
    with pytest.raises(CellError, match="type de client inconnu « VIP »"):
        parse_kind("VIP")


def test_country_and_language() -> None:
    assert parse_country("be") == "BE"
    assert parse_country("Belgique") == "BE"
    assert parse_country("België") == "BE"
    assert parse_country("Belgium") == "BE"
    assert parse_country("France") == "FR"
    assert parse_country("") == "FR"
    with pytest.raises(CellError, match="pays inconnu"):
        parse_country("Atlantide")
    assert parse_language("FR") == "fr"
    assert parse_language("néerlandais") == "nl"
    assert parse_language("Anglais") == "en"
    assert parse_language("allemand") == "de"
    assert parse_language("fr-BE") == "fr"
    assert parse_language("") == ""
    with pytest.raises(CellError, match="langue inconnue « klingon »"):
        parse_language("klingon")


def test_emails() -> None:
    assert parse_emails("compta@Exemple.FR") == ("compta@exemple.fr",)
    assert parse_emails("a@x.fr; b@y.be, a@x.fr") == ("a@x.fr", "b@y.be")
    assert parse_emails("Jean Dupont <jean.dupont@exemple.fr>") == ("jean.dupont@exemple.fr",)
    assert parse_emails("") == ()
    for bad in ("jean", "jean@exemple", "jean dupont@exemple.fr", "a@@b.fr", "a@b..fr", "@b.fr"):
        with pytest.raises(CellError, match="adresse e-mail invalide"):
            parse_emails(bad)
    with pytest.raises(CellError, match="« oups »"):
        parse_emails("ok@exemple.fr; oups")


@pytest.mark.parametrize(
    ("text", "country", "expected"),
    [
        ("+33 1 23 45 67 89", "FR", "+33123456789"),
        ("+33 (0)1 23 45 67 89", "FR", "+33123456789"),
        ("01 23 45 67 89", "FR", "+33123456789"),
        ("01.23.45.67.89", "FR", "+33123456789"),
        ("06-12-34-56-78", "FR", "+33612345678"),
        ("0033 6 12 34 56 78", "BE", "+33612345678"),
        ("612345678", "FR", "+33612345678"),  # leading 0 eaten by a spreadsheet
        ("02 123 45 67", "BE", "+3221234567"),
        ("0470 12 34 56", "BE", "+32470123456"),
        ("0032 470 12 34 56", "FR", "+32470123456"),
        ("+3243194875", "BE", "+3243194875"),
        ("+352 26 12 34", "FR", "+352261234"),
        ("+41 44 123 45 67", "FR", "+41441234567"),
        ("020 1234 5678", "GB", "+442012345678"),
    ],
)
def test_phone(text: str, country: str, expected: str) -> None:
    assert parse_phone(text, country) == expected


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("01 23 45 67", "FR"),  # too short
        ("01 23 45 67 89 00", "FR"),  # too long
        ("+33 0 1 23 45 67 8", "FR"),
        ("0470 12 34 56 78", "BE"),
        ("téléphone", "FR"),
        ("01 23 45 67 89", "ES"),  # national writing of a country we cannot place
        ("+1 23", "FR"),
    ],
)
def test_phone_errors(text: str, country: str) -> None:
    with pytest.raises(CellError, match=re.escape(f"numéro de téléphone invalide « {text} »")):
        parse_phone(text, country)


def test_identifiers() -> None:
    assert parse_vat("FR 40 303 265 045") == "FR40303265045"
    assert parse_vat("BE 0403.170.701") == "BE0403170701"
    assert parse_vat("0403170701", "BE") == "BE0403170701"
    with pytest.raises(CellError, match="n° de TVA invalide « FR123 »"):
        parse_vat("FR123")
    with pytest.raises(CellError, match="n° de TVA invalide"):
        parse_vat("XX123456789")
    assert parse_siren("732 829 320") == "732829320"
    assert parse_siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(CellError, match="SIREN invalide « 732829321 »"):
        parse_siren("732829321")
    with pytest.raises(CellError, match="SIRET invalide"):
        parse_siret("73282932000075")
    assert parse_enterprise_number("0403.170.701") == "0403170701"
    assert parse_enterprise_number("BE0403170701") == "0403170701"
    with pytest.raises(CellError, match="n° d'entreprise invalide"):
        parse_enterprise_number("0403.170.702")
    assert parse_iban("FR76 3000 6000 0112 3456 7890 189") == "FR7630006000011234567890189"
    assert parse_iban("be68 5390 0754 7034") == "BE68539007547034"
    with pytest.raises(CellError, match="IBAN invalide « FR76 3000 6000 0112 3456 7890 188 »"):
        parse_iban("FR76 3000 6000 0112 3456 7890 188")
