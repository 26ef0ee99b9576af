"""What the portal says, in the four languages a debtor may read (fr, nl, en, de).

The back-office's gettext catalogue holds French and English only; a debtor's page must
also speak Dutch and German, so its few words live here, one table per language.
"""

from __future__ import annotations

LANGUAGES = ("fr", "nl", "en", "de")
NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English", "de": "Deutsch"}

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
