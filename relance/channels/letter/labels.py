"""The fixed words of a printed letter, in the debtor's language (fr, nl, en, de).

The body of a letter is the step's template; these are the words the layout itself prints
around it: the registered-mail mention, the subject and reference lines, who handles the file,
the claim box, the line that leads to the debtor portal, the table headers and the
labels of the creditor's legal mentions.
"""

from __future__ import annotations

from datetime import date

from relance.channels.templating.formatting import format_date

LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "registered": "LETTRE RECOMMANDÉE AVEC ACCUSÉ DE RÉCEPTION",
        "subject": "Objet :",
        "reference": "Votre référence client :",
        "handled_by": "Dossier suivi par",
        "phone": "Tél.",
        "principal": "Principal (factures échues)",
        "interest": "Intérêts de retard",
        "indemnity": "Indemnité forfaitaire pour frais de recouvrement",
        "indemnity_b2c": "Indemnité prévue au contrat",
        "total_claimed": "Total réclamé",
        "total_due": "Total dû",
        "deadline": "À régler au plus tard le {day}",
        "invoice": "Facture",
        "issued": "Date",
        "due": "Échéance",
        "amount": "Montant TTC",
        "outstanding": "Reste dû",
        "vat": "TVA",
        "enterprise": "BCE",
        "page": "Page",
        "portal": "Consultez votre relevé et payez en ligne :",
    },
    "nl": {
        "registered": "AANGETEKENDE BRIEF MET ONTVANGSTBEWIJS",
        "subject": "Betreft:",
        "reference": "Uw klantnummer:",
        "handled_by": "Dossierbeheerder",
        "phone": "Tel.",
        "principal": "Hoofdsom (vervallen facturen)",
        "interest": "Verwijlinteresten",
        "indemnity": "Forfaitaire schadevergoeding voor invorderingskosten",
        "indemnity_b2c": "Contractuele schadevergoeding",
        "total_claimed": "Totaal gevorderd",
        "total_due": "Totaal verschuldigd",
        "deadline": "Te betalen uiterlijk op {day}",
        "invoice": "Factuur",
        "issued": "Datum",
        "due": "Vervaldag",
        "amount": "Bedrag incl. btw",
        "outstanding": "Openstaand",
        "vat": "Btw",
        "enterprise": "KBO",
        "page": "Pagina",
        "portal": "Bekijk uw rekeningoverzicht en betaal online:",
    },
    "en": {
        "registered": "REGISTERED LETTER WITH ACKNOWLEDGEMENT OF RECEIPT",
        "subject": "Subject:",
        "reference": "Your customer reference:",
        "handled_by": "Your contact",
        "phone": "Tel.",
        "principal": "Principal (overdue invoices)",
        "interest": "Late-payment interest",
        "indemnity": "Fixed compensation for recovery costs",
        "indemnity_b2c": "Compensation under the contract",
        "total_claimed": "Total claimed",
        "total_due": "Total due",
        "deadline": "To be paid by {day} at the latest",
        "invoice": "Invoice",
        "issued": "Date",
        "due": "Due date",
        "amount": "Amount incl. VAT",
        "outstanding": "Outstanding",
        "vat": "VAT",
        "enterprise": "CBE",
        "page": "Page",
        "portal": "View your statement and pay online:",
    },
    "de": {
        "registered": "EINSCHREIBEN MIT RÜCKSCHEIN",
        "subject": "Betreff:",
        "reference": "Ihre Kundennummer:",
        "handled_by": "Ihr Ansprechpartner",
        "phone": "Tel.",
        "principal": "Hauptforderung (überfällige Rechnungen)",
        "interest": "Verzugszinsen",
        "indemnity": "Pauschalentschädigung für Beitreibungskosten",
        "indemnity_b2c": "Vertragliche Entschädigung",
        "total_claimed": "Gesamtforderung",
        "total_due": "Gesamtbetrag",
        "deadline": "Zahlbar spätestens bis zum {day}",
        "invoice": "Rechnung",
        "issued": "Datum",
        "due": "Fälligkeit",
        "amount": "Betrag brutto",
        "outstanding": "Offen",
        "vat": "USt-IdNr.",
        "enterprise": "ZDU",
        "page": "Seite",
        "portal": "Sehen Sie Ihren Kontoauszug ein und bezahlen Sie online:",
    },
}


def labels(language: str) -> dict[str, str]:
    return LABELS.get(language, LABELS["fr"])


def place_and_date(place: str, day: date, language: str) -> str:
    """ "Lyon, le 16 mars 2026", "Brussel, 16 maart 2026", "Lyon, 16 March 2026"…"""
    language = language if language in LABELS else "fr"
    written = format_date(day, language, "long")
    if not place:
        return written
    return f"{place}, le {written}" if language == "fr" else f"{place}, {written}"
