"""What the portal says, in the four languages a debtor may read (fr, nl, en, de).

The back-office's gettext catalogue holds French and English only; a debtor's page must
also speak Dutch and German, so its few words live here, one table per language.
"""

from __future__ import annotations

from relance.ledger.models import Language

LANGUAGES = ("fr", "nl", "en", "de")
NAMES = dict(Language.choices)  # each language in its own words

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Votre situation de compte",
        "number": "Facture",
        "issued": "Date",
        "due": "Échéance",
        "amount": "Montant",
        "outstanding": "Reste dû",
        "late": "Jours de retard",
        "total": "Total restant dû",
        "overdue": "Dont échu",
        "penalties": "Pénalités de retard",
        "pay": "Comment payer",
        "transfer": "Par virement au bénéficiaire",
        "reference": "Communication à indiquer",
        "qr": "Scannez ce code avec l'application de votre banque pour payer le total.",
        "qr_item": "QR",
        "pdf": "PDF",
        "statement_pdf": "Télécharger la situation en PDF",
        "nothing": "Aucune facture ouverte : merci, votre compte est à jour.",
        "unknown": "Ce lien n'est pas valable. Vérifiez qu'il est complet, ou demandez un "
        "nouveau lien à votre fournisseur.",
        "expired": "Ce lien a expiré. Le prochain courrier de votre fournisseur en contient "
        "un nouveau ; vous pouvez aussi le lui demander.",
        "revoked": "Ce lien a été désactivé par votre fournisseur. Demandez-lui un nouveau lien.",
        "throttled": "Trop de demandes depuis votre connexion. Réessayez dans une heure.",
        "as_of": "Situation au",
    },
    "nl": {
        "title": "Uw rekeningoverzicht",
        "number": "Factuur",
        "issued": "Datum",
        "due": "Vervaldag",
        "amount": "Bedrag",
        "outstanding": "Openstaand",
        "late": "Dagen te laat",
        "total": "Totaal openstaand",
        "overdue": "Waarvan vervallen",
        "penalties": "Nalatigheidsinteresten",
        "pay": "Hoe betalen",
        "transfer": "Per overschrijving aan de begunstigde",
        "reference": "Te vermelden mededeling",
        "qr": "Scan deze code met de app van uw bank om het totaal te betalen.",
        "qr_item": "QR",
        "pdf": "PDF",
        "statement_pdf": "Overzicht downloaden als PDF",
        "nothing": "Geen openstaande facturen: dank u, uw rekening is in orde.",
        "unknown": "Deze link is niet geldig. Controleer of hij volledig is, of vraag uw "
        "leverancier om een nieuwe link.",
        "expired": "Deze link is verlopen. De volgende brief van uw leverancier bevat een "
        "nieuwe; u kunt er ook om vragen.",
        "revoked": "Deze link werd door uw leverancier uitgeschakeld. Vraag een nieuwe link.",
        "throttled": "Te veel aanvragen vanaf uw verbinding. Probeer het over een uur opnieuw.",
        "as_of": "Toestand op",
    },
    "en": {
        "title": "Your account statement",
        "number": "Invoice",
        "issued": "Date",
        "due": "Due date",
        "amount": "Amount",
        "outstanding": "Outstanding",
        "late": "Days late",
        "total": "Total outstanding",
        "overdue": "Of which overdue",
        "penalties": "Late-payment penalties",
        "pay": "How to pay",
        "transfer": "By bank transfer to the beneficiary",
        "reference": "Reference to quote",
        "qr": "Scan this code with your banking app to pay the total.",
        "qr_item": "QR",
        "pdf": "PDF",
        "statement_pdf": "Download the statement as PDF",
        "nothing": "No open invoice: thank you, your account is up to date.",
        "unknown": "This link is not valid. Check that it is complete, or ask your supplier "
        "for a new link.",
        "expired": "This link has expired. Your supplier's next message carries a new one; "
        "you can also ask them for it.",
        "revoked": "This link was disabled by your supplier. Ask them for a new link.",
        "throttled": "Too many requests from your connection. Try again in an hour.",
        "as_of": "Statement as of",
    },
    "de": {
        "title": "Ihr Kontoauszug",
        "number": "Rechnung",
        "issued": "Datum",
        "due": "Fälligkeit",
        "amount": "Betrag",
        "outstanding": "Offen",
        "late": "Tage Verzug",
        "total": "Offener Gesamtbetrag",
        "overdue": "Davon fällig",
        "penalties": "Verzugskosten",
        "pay": "So bezahlen Sie",
        "transfer": "Per Überweisung an den Empfänger",
        "reference": "Verwendungszweck",
        "qr": "Scannen Sie diesen Code mit Ihrer Banking-App, um den Gesamtbetrag zu zahlen.",
        "qr_item": "QR",
        "pdf": "PDF",
        "statement_pdf": "Kontoauszug als PDF herunterladen",
        "nothing": "Keine offenen Rechnungen: danke, Ihr Konto ist ausgeglichen.",
        "unknown": "Dieser Link ist ungültig. Prüfen Sie, ob er vollständig ist, oder bitten "
        "Sie Ihren Lieferanten um einen neuen Link.",
        "expired": "Dieser Link ist abgelaufen. Die nächste Nachricht Ihres Lieferanten "
        "enthält einen neuen; Sie können ihn auch anfordern.",
        "revoked": "Dieser Link wurde von Ihrem Lieferanten deaktiviert. Bitten Sie um einen "
        "neuen Link.",
        "throttled": "Zu viele Anfragen von Ihrer Verbindung. Versuchen Sie es in einer Stunde.",
        "as_of": "Stand am",
    },
}


# Paying online through the organisation's payment provider (relance.payments).
ONLINE_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "title": "Payer en ligne",
        "intro": "Réglez tout de suite par carte bancaire ou prélèvement SEPA, sur la page "
        "sécurisée de notre prestataire de paiement.",
        "pay_total": "Payer en ligne le total",
        "pay_invoice": "Payer en ligne",
        "returned_title": "Merci",
        "returned": "Si vous avez mené le paiement à son terme, il est bien reçu : merci. Il "
        "peut falloir un moment avant qu'il apparaisse sur votre situation de compte.",
        "back": "Revenir à ma situation de compte",
        "unavailable": "Le paiement en ligne n'est pas proposé pour le moment. Vous pouvez "
        "payer par virement.",
        "nothing_due": "Il n'y a rien à payer en ligne pour ce choix.",
        "provider": "Le service de paiement ne répond pas pour le moment. Réessayez plus "
        "tard, ou payez par virement.",
    },
    "nl": {
        "title": "Online betalen",
        "intro": "Betaal meteen met bankkaart of SEPA-domiciliëring, op de beveiligde pagina "
        "van onze betaaldienst.",
        "pay_total": "Het totaal online betalen",
        "pay_invoice": "Online betalen",
        "returned_title": "Dank u",
        "returned": "Als u de betaling hebt voltooid, is ze goed ontvangen: dank u. Het kan "
        "even duren voor ze op uw rekeningoverzicht verschijnt.",
        "back": "Terug naar mijn rekeningoverzicht",
        "unavailable": "Online betalen is momenteel niet mogelijk. U kunt per overschrijving "
        "betalen.",
        "nothing_due": "Er valt voor deze keuze niets online te betalen.",
        "provider": "De betaaldienst antwoordt momenteel niet. Probeer het later opnieuw, of "
        "betaal per overschrijving.",
    },
    "en": {
        "title": "Pay online",
        "intro": "Pay right away by card or SEPA direct debit, on our payment provider's "
        "secure page.",
        "pay_total": "Pay the total online",
        "pay_invoice": "Pay online",
        "returned_title": "Thank you",
        "returned": "If you completed the payment, it has been received: thank you. It may "
        "take a moment to show on your account statement.",
        "back": "Back to my account statement",
        "unavailable": "Online payment is not available at the moment. You can pay by bank "
        "transfer.",
        "nothing_due": "There is nothing to pay online for this choice.",
        "provider": "The payment service is not answering at the moment. Try again later, or "
        "pay by bank transfer.",
    },
    "de": {
        "title": "Online bezahlen",
        "intro": "Zahlen Sie sofort per Karte oder SEPA-Lastschrift, auf der sicheren Seite "
        "unseres Zahlungsdienstleisters.",
        "pay_total": "Gesamtbetrag online bezahlen",
        "pay_invoice": "Online bezahlen",
        "returned_title": "Danke",
        "returned": "Wenn Sie die Zahlung abgeschlossen haben, ist sie eingegangen: danke. Es "
        "kann einen Moment dauern, bis sie in Ihrem Kontoauszug erscheint.",
        "back": "Zurück zu meinem Kontoauszug",
        "unavailable": "Online-Zahlung ist im Moment nicht möglich. Sie können per "
        "Überweisung zahlen.",
        "nothing_due": "Für diese Auswahl ist online nichts zu bezahlen.",
        "provider": "Der Zahlungsdienst antwortet im Moment nicht. Versuchen Sie es später "
        "erneut oder zahlen Sie per Überweisung.",
    },
}
