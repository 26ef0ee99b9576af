"""Customers files."""

from __future__ import annotations

from datetime import date

import pytest

from relance.imports.parsers import CustomerRow, FileFormatError, parse_customers

from .util import FIXTURES, SAMPLES, csv_bytes, errors_of


def test_reference_fixture() -> None:
    result = parse_customers((FIXTURES / "customers_reference.csv").read_bytes())
    assert result.errors == []
    assert len(result.rows) == 10
    assert result.mapping == {
        "external_ref": "id",
        "name": "name",
        "kind": "kind",
        "country": "country",
        "emails": "email",
        "phone": "phone",
        "language": "language",
        "customer_since": "created",
    }
    assert result.rows[0] == CustomerRow(
        line=2,
        external_ref="C000001",
        name="Conseil Bernard EURL",
        kind="B2B",
        country="FR",
        language="fr",
        emails=("compta.1@conseil-bernard-eurl.example.com",),
        phone="+33181590830",
        customer_since=date(2025, 8, 28),
    )
    belgian = result.rows[3]
    assert (belgian.country, belgian.language, belgian.phone) == ("BE", "nl", "+3243194875")


def test_shared_reference_sample() -> None:
    result = parse_customers((SAMPLES / "customers.csv").read_bytes())
    assert result.errors == []
    assert len(result.rows) == 50
    assert {r.kind for r in result.rows} <= {"B2B", "B2C"}


def test_french_customers_file_with_every_field() -> None:
    data = csv_bytes(
        "Code client;Raison sociale;Type de client;Pays;Langue;Adresse e-mail;Téléphone;"
        "Nom du contact;N° TVA;SIREN;SIRET;Numéro d'entreprise;IBAN;Conditions de paiement;"
        "Client depuis;Notes;Segment;Scénario",
        "C1;Atelier Dupont SAS;Entreprise;France;français;"
        '"compta@dupont.fr; dg@dupont.fr";01 23 45 67 89;Jean Dupont;FR 40 303 265 045;;'
        "732 829 320 00074;;FR76 3000 6000 0112 3456 7890 189;30 jours fin de mois;"
        "15/03/2019;Bon payeur;PME;Standard",
        "C2;Brouwerij Janssens;pro;Belgique;néerlandais;info@janssens.be;0470 12 34 56;;"
        "0403.170.701;;;0403.170.701;BE68 5390 0754 7034;;;;;",
        "C3;Marie Curie;particulier;;;marie@exemple.fr;;;;;;;;;;;;",
        "C4;Mairie de Lille;collectivité;FR;;;;;;;;;;;;;;",
    )
    result = parse_customers(data)
    assert result.errors == []
    assert len(result.mapping) == 18
    c1, c2, c3, c4 = result.rows
    assert c1 == CustomerRow(
        line=2,
        external_ref="C1",
        name="Atelier Dupont SAS",
        kind="B2B",
        country="FR",
        language="fr",
        emails=("compta@dupont.fr", "dg@dupont.fr"),
        phone="+33123456789",
        contact_name="Jean Dupont",
        vat_number="FR40303265045",
        siren="732829320",  # from the SIRET
        siret="73282932000074",
        iban="FR7630006000011234567890189",
        payment_terms="30 jours fin de mois",
        customer_since=date(2019, 3, 15),
        notes="Bon payeur",
        segment="PME",
        scenario="Standard",
    )
    assert (c2.kind, c2.country, c2.language, c2.phone) == ("B2B", "BE", "nl", "+32470123456")
    assert (c2.vat_number, c2.enterprise_number, c2.iban) == (
        "BE0403170701",
        "0403170701",
        "BE68539007547034",
    )
    assert (c3.kind, c3.country, c3.language, c3.emails) == ("B2C", "FR", "", ("marie@exemple.fr",))
    assert c4.kind == "PUBLIC"


def test_every_customer_error() -> None:
    data = csv_bytes(
        "id;name;type;pays;langue;email;tel;tva;siren;siret;iban;client depuis",
        "C1;A;VIP;;;;;;;;;",
        "C2;B;;Atlantide;;;;;;;;",
        "C3;C;;;klingon;;;;;;;",
        "C4;D;;;;jean@exemple;;;;;;",
        "C5;E;;;;;12 34;;;;;",
        "C6;F;;;;;;FR123;;;;",
        "C7;G;;;;;;;732829321;;;",
        "C8;H;;;;;;;;73282932000075;;",
        "C9;I;;;;;;;;;FR76 3000 6000 0112 3456 7890 188;",
        "C10;J;;;;;;;;;;31/02/2020",
        ";;;FR;;;;;;;;",
        "C12;L;;;;;;;552100554;73282932000074;;",
        "C13;M;B2C;BE;;a@b.be, c@d;0470 12 34 56;BE0403170702;;;;",
    )
    result = parse_customers(data)
    assert result.rows == []
    assert errors_of(result.errors) == [
        (2, "type", "type de client inconnu « VIP » (attendu B2B, B2C ou PUBLIC)"),
        (3, "pays", "pays inconnu « Atlantide » (attendu un code ISO à 2 lettres, ex. FR, BE)"),
        (4, "langue", "langue inconnue « klingon » (attendu fr, nl, en ou de)"),
        (5, "email", "adresse e-mail invalide « jean@exemple »"),
        (6, "tel", "numéro de téléphone invalide « 12 34 »"),
        (7, "tva", "n° de TVA invalide « FR123 »"),
        (8, "siren", "SIREN invalide « 732829321 »"),
        (9, "siret", "SIRET invalide « 73282932000075 »"),
        (10, "iban", "IBAN invalide « FR76 3000 6000 0112 3456 7890 188 »"),
        (11, "client depuis", "date invalide « 31/02/2020 » (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"),
        (12, "id", "référence client manquante"),
        (12, "name", "nom du client manquant"),
        (13, "siret", "SIRET « 73282932000074 » d'une autre entreprise que le SIREN"),
        (14, "email", "adresse e-mail invalide « c@d »"),
        (14, "tva", "n° de TVA invalide « BE0403170702 »"),
    ]


def test_duplicate_customers() -> None:
    data = csv_bytes("id,name", "C1,A", "C1,A", "C1,B")
    result = parse_customers(data)
    assert [r.line for r in result.rows] == [2]
    assert errors_of(result.errors) == [
        (4, "id", "client « C1 » déjà présent ligne 2 avec un contenu différent")
    ]


def test_header_synonyms() -> None:
    data = csv_bytes(
        "N° client,Client,E-mail,Portable,Land,Taal", "C1,Dupont,a@b.fr,0612345678,BE,NL"
    )
    result = parse_customers(data)
    assert result.mapping == {
        "external_ref": "N° client",
        "name": "Client",
        "emails": "E-mail",
        "phone": "Portable",
        "country": "Land",
        "language": "Taal",
    }
    assert result.rows[0].phone == "+32612345678"


def test_required_columns() -> None:
    with pytest.raises(FileFormatError) as exc:
        parse_customers(csv_bytes("id,email", "C1,a@b.fr"))
    assert "nom (name)" in str(exc.value)
    assert "« id », « email »" in str(exc.value)
    result = parse_customers(csv_bytes("id,Dénom.", "C1,Dupont"), mapping={"name": "Dénom."})
    assert result.rows[0].name == "Dupont"


def test_the_postal_address_columns_are_recognised() -> None:
    data = csv_bytes(
        "Code client;Nom;Adresse ligne 1;Adresse ligne 2;CP;Ville;Pays",
        "C1;Atelier Dupont;12 rue des Tanneurs;Bâtiment B;69002;Lyon;France",
        "C2;Brouwerij Janssens;Kerkstraat 5;;1000;Brussel;BE",
    )
    result = parse_customers(data)
    assert result.errors == []
    assert {name: result.mapping[name] for name in
            ("address_line1", "address_line2", "postal_code", "city", "country")} == {
        "address_line1": "Adresse ligne 1", "address_line2": "Adresse ligne 2",
        "postal_code": "CP", "city": "Ville", "country": "Pays",
    }  # fmt: skip
    first, second = result.rows
    assert (first.address_line1, first.address_line2, first.postal_code, first.city) == (
        "12 rue des Tanneurs", "Bâtiment B", "69002", "Lyon",
    )  # fmt: skip
    assert (second.address_line2, second.city, second.country) == ("", "Brussel", "BE")
    english = parse_customers(
        csv_bytes(
            "id,name,address line 1,address line 2,zip,town",
            "C3,Smith Ltd,1 High Street,Unit 4,SW1A 1AA,London",
        )
    )
    assert (english.rows[0].address_line2, english.rows[0].city) == ("Unit 4", "London")
