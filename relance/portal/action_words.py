"""What the portal's action pages say, in the four languages a debtor may read.

Kept apart from the statement's words (``wording``): one table per language, the same keys in
each. Refusals are keyed by the code ``relance.dunning.debtor_requests.Refused`` carries; the
``{name}`` fields are filled with the figures of the refusal, written in the debtor's language.
"""

from __future__ import annotations

ACTION_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "actions": "Vos démarches",
        "dispute": "Contester",
        "dispute_title": "Contester la facture {number}",
        "promise": "Promettre un paiement",
        "plan": "Demander un échéancier",
        "contact": "Mettre à jour mes coordonnées",
        "back": "Retour à votre situation de compte",
        "send": "Envoyer",
        "category": "Motif",
        "cat_amount": "Le montant est erroné",
        "cat_not_received": "Marchandise ou service non reçu",
        "cat_already_paid": "Déjà payée",
        "cat_quality": "Problème de qualité",
        "cat_other": "Autre motif",
        "message": "Votre message (facultatif)",
        "file": "Justificatif (facultatif) : PDF, JPEG ou PNG, {mb} Mo au plus",
        "invoices": "Factures concernées",
        "promised_on": "Je paierai le",
        "amount": "Montant",
        "promise_rule": "Au plus {days} jours à partir d'aujourd'hui, et au plus ce qui reste dû.",
        "plan_count": "Nombre d'échéances mensuelles",
        "plan_first": "Date de la première échéance",
        "plan_rule": "De 2 à {max} échéances mensuelles, de {min} au moins chacune. Votre "
        "fournisseur accepte ou refuse votre demande.",
        "contact_name": "Nom",
        "contact_email": "Adresse e-mail de facturation",
        "contact_phone": "Téléphone (format international, par exemple +33 6 12 34 56 78)",
        "contact_now": "Coordonnées actuelles : {current}",
        "code": "Code reçu par e-mail",
        "code_why": "Pour cette démarche, un code est envoyé à l'adresse de facturation que "
        "votre fournisseur connaît ({email}).",
        "code_send": "Recevoir un code par e-mail",
        "code_sent": "Un code a été envoyé à {email}. Il est valable 10 minutes.",
        "code_subject": "Votre code : {code}",
        "code_body": "Bonjour,\n\nVoici le code à saisir sur la page de votre compte chez "
        "{organisation} : {code}\n\nIl est valable 10 minutes. Si vous n'avez rien demandé, "
        "ignorez ce message : rien ne sera fait sans ce code.",
        "done_dispute": "Votre contestation de la facture {number} est enregistrée. Nous ne "
        "vous relancerons plus pour cette facture pendant son examen ; {organisation} vous "
        "répondra.",
        "done_promise": "Votre promesse de payer {amount} le {date} est enregistrée. Vous ne "
        "recevrez pas de relance pour ces factures d'ici là. Si le paiement n'arrive pas, les "
        "relances reprendront.",
        "done_plan": "Votre demande d'échéancier ({count} échéances) est transmise à "
        "{organisation}. Les relances de ces factures sont suspendues en attendant sa réponse.",
        "done_contact": "Vos coordonnées de facturation sont mises à jour. Les prochains "
        "messages vous seront adressés ainsi.",
        "no_invoice": "Choisissez au moins une facture.",
        "invoice_unknown": "Cette facture n'est pas, ou plus, ouverte sur votre compte.",
        "one_currency": "Choisissez des factures d'une même devise.",
        "already_disputed": "Cette facture est déjà contestée : votre fournisseur l'examine.",
        "bad_category": "Choisissez un motif.",
        "message_too_long": "Votre message est trop long ({max} caractères au plus).",
        "file_empty": "Le fichier joint est vide.",
        "file_too_big": "Le fichier joint est trop volumineux ({mb} Mo au plus).",
        "file_type": "Le fichier joint doit être un PDF, un JPEG ou un PNG.",
        "amount_invalid": "Indiquez un montant positif, par exemple 150,00.",
        "amount_above_owed": "Le montant dépasse ce qui reste dû sur ces factures ({owed}).",
        "date_invalid": "Indiquez une date valable.",
        "date_past": "La date est déjà passée.",
        "date_too_far": "La date doit être dans les {days} jours à venir.",
        "plans_closed": "Votre fournisseur ne propose pas d'échéancier en ligne : "
        "contactez-le directement.",
        "plan_count_bad": "Choisissez de 2 à {max} échéances.",
        "plan_too_small": "Chaque échéance doit être d'au moins {min} : choisissez moins "
        "d'échéances.",
        "plan_exists": "Un échéancier couvre déjà une de ces factures, ou a déjà été demandé.",
        "name_too_long": "Le nom est trop long ({max} caractères au plus).",
        "contact_invalid": "Indiquez une adresse e-mail valable ou un téléphone au format "
        "international (+33…).",
        "contact_same": "Ces coordonnées sont déjà celles que votre fournisseur connaît.",
        "code_missing": "Demandez d'abord un code par e-mail.",
        "code_expired": "Ce code a expiré : demandez-en un nouveau.",
        "code_wrong": "Ce code n'est pas le bon. Vérifiez-le et réessayez.",
        "code_exhausted": "Trop d'essais avec ce code : demandez-en un nouveau.",
        "no_email": "Votre fournisseur ne connaît pas d'adresse e-mail de facturation pour "
        "vous : contactez-le directement pour cette démarche.",
        "code_flood": "Trop de codes demandés : réessayez dans une heure.",
        "refused": "Cette demande n'a pas pu être enregistrée. Contactez votre fournisseur.",
    },
    "nl": {
        "actions": "Uw acties",
        "dispute": "Betwisten",
        "dispute_title": "Factuur {number} betwisten",
        "promise": "Betaling beloven",
        "plan": "Afbetalingsplan aanvragen",
        "contact": "Mijn gegevens bijwerken",
        "back": "Terug naar uw rekeningoverzicht",
        "send": "Versturen",
        "category": "Reden",
        "cat_amount": "Het bedrag is onjuist",
        "cat_not_received": "Goederen of dienst niet ontvangen",
        "cat_already_paid": "Al betaald",
        "cat_quality": "Kwaliteitsprobleem",
        "cat_other": "Andere reden",
        "message": "Uw bericht (optioneel)",
        "file": "Bewijsstuk (optioneel): PDF, JPEG of PNG, hoogstens {mb} MB",
        "invoices": "Betrokken facturen",
        "promised_on": "Ik betaal op",
        "amount": "Bedrag",
        "promise_rule": "Hoogstens {days} dagen vanaf vandaag, en hoogstens het openstaande "
        "bedrag.",
        "plan_count": "Aantal maandelijkse termijnen",
        "plan_first": "Datum van de eerste termijn",
        "plan_rule": "Van 2 tot {max} maandelijkse termijnen, elk minstens {min}. Uw "
        "leverancier aanvaardt of weigert uw aanvraag.",
        "contact_name": "Naam",
        "contact_email": "E-mailadres voor facturatie",
        "contact_phone": "Telefoon (internationaal formaat, bijvoorbeeld +32 470 12 34 56)",
        "contact_now": "Huidige gegevens: {current}",
        "code": "Code ontvangen per e-mail",
        "code_why": "Voor deze actie sturen we een code naar het facturatieadres dat uw "
        "leverancier kent ({email}).",
        "code_send": "Een code per e-mail ontvangen",
        "code_sent": "Er werd een code verstuurd naar {email}. Hij is 10 minuten geldig.",
        "code_subject": "Uw code: {code}",
        "code_body": "Goedendag,\n\nDit is de code voor de pagina van uw rekening bij "
        "{organisation}: {code}\n\nHij is 10 minuten geldig. Hebt u niets gevraagd, negeer dan "
        "dit bericht: zonder deze code gebeurt er niets.",
        "done_dispute": "Uw betwisting van factuur {number} is geregistreerd. Tijdens het "
        "onderzoek krijgt u voor deze factuur geen herinneringen meer; {organisation} "
        "antwoordt u.",
        "done_promise": "Uw belofte om {amount} te betalen op {date} is geregistreerd. Tot dan "
        "krijgt u voor deze facturen geen herinneringen. Komt de betaling niet, dan worden de "
        "herinneringen hervat.",
        "done_plan": "Uw aanvraag voor een afbetalingsplan ({count} termijnen) is doorgestuurd "
        "naar {organisation}. De herinneringen voor deze facturen zijn opgeschort in afwachting "
        "van het antwoord.",
        "done_contact": "Uw facturatiegegevens zijn bijgewerkt. De volgende berichten worden "
        "zo verstuurd.",
        "no_invoice": "Kies minstens één factuur.",
        "invoice_unknown": "Deze factuur staat niet (meer) open op uw rekening.",
        "one_currency": "Kies facturen in eenzelfde munt.",
        "already_disputed": "Deze factuur wordt al betwist: uw leverancier onderzoekt ze.",
        "bad_category": "Kies een reden.",
        "message_too_long": "Uw bericht is te lang (hoogstens {max} tekens).",
        "file_empty": "Het bijgevoegde bestand is leeg.",
        "file_too_big": "Het bijgevoegde bestand is te groot (hoogstens {mb} MB).",
        "file_type": "Het bijgevoegde bestand moet een PDF, JPEG of PNG zijn.",
        "amount_invalid": "Geef een positief bedrag op, bijvoorbeeld 150,00.",
        "amount_above_owed": "Het bedrag is hoger dan wat op deze facturen openstaat ({owed}).",
        "date_invalid": "Geef een geldige datum op.",
        "date_past": "Die datum is al voorbij.",
        "date_too_far": "De datum moet binnen de komende {days} dagen liggen.",
        "plans_closed": "Uw leverancier biedt geen afbetalingsplan online aan: neem "
        "rechtstreeks contact op.",
        "plan_count_bad": "Kies van 2 tot {max} termijnen.",
        "plan_too_small": "Elke termijn moet minstens {min} bedragen: kies minder termijnen.",
        "plan_exists": "Een afbetalingsplan dekt al een van deze facturen, of werd al aangevraagd.",
        "name_too_long": "De naam is te lang (hoogstens {max} tekens).",
        "contact_invalid": "Geef een geldig e-mailadres of een telefoonnummer in "
        "internationaal formaat (+32…).",
        "contact_same": "Dit zijn al de gegevens die uw leverancier kent.",
        "code_missing": "Vraag eerst een code per e-mail.",
        "code_expired": "Deze code is verlopen: vraag een nieuwe.",
        "code_wrong": "Deze code klopt niet. Controleer hem en probeer opnieuw.",
        "code_exhausted": "Te veel pogingen met deze code: vraag een nieuwe.",
        "no_email": "Uw leverancier kent geen e-mailadres voor facturatie van u: neem voor "
        "deze actie rechtstreeks contact op.",
        "code_flood": "Te veel codes gevraagd: probeer het over een uur opnieuw.",
        "refused": "Deze aanvraag kon niet worden geregistreerd. Neem contact op met uw "
        "leverancier.",
    },
    "en": {
        "actions": "What you can do",
        "dispute": "Dispute",
        "dispute_title": "Dispute invoice {number}",
        "promise": "Promise a payment",
        "plan": "Ask for a payment plan",
        "contact": "Update my contact details",
        "back": "Back to your account statement",
        "send": "Send",
        "category": "Reason",
        "cat_amount": "The amount is wrong",
        "cat_not_received": "Goods or service not received",
        "cat_already_paid": "Already paid",
        "cat_quality": "Quality problem",
        "cat_other": "Other reason",
        "message": "Your message (optional)",
        "file": "Supporting document (optional): PDF, JPEG or PNG, at most {mb} MB",
        "invoices": "Invoices concerned",
        "promised_on": "I will pay on",
        "amount": "Amount",
        "promise_rule": "At most {days} days from today, and at most what is still owed.",
        "plan_count": "Number of monthly instalments",
        "plan_first": "Date of the first instalment",
        "plan_rule": "From 2 to {max} monthly instalments of at least {min} each. Your "
        "supplier accepts or declines your request.",
        "contact_name": "Name",
        "contact_email": "Billing e-mail address",
        "contact_phone": "Phone (international format, for example +44 7700 900123)",
        "contact_now": "Current details: {current}",
        "code": "Code received by e-mail",
        "code_why": "For this step, a code is sent to the billing address your supplier has "
        "on record ({email}).",
        "code_send": "Get a code by e-mail",
        "code_sent": "A code was sent to {email}. It is valid for 10 minutes.",
        "code_subject": "Your code: {code}",
        "code_body": "Hello,\n\nHere is the code to enter on your account page with "
        "{organisation}: {code}\n\nIt is valid for 10 minutes. If you did not ask for it, "
        "ignore this message: nothing is done without this code.",
        "done_dispute": "Your dispute of invoice {number} is recorded. You will get no "
        "reminder for this invoice while it is looked into; {organisation} will reply to you.",
        "done_promise": "Your promise to pay {amount} on {date} is recorded. You will get no "
        "reminder for these invoices until then. If the payment does not arrive, reminders "
        "will resume.",
        "done_plan": "Your request for a payment plan ({count} instalments) was passed on to "
        "{organisation}. Reminders for these invoices are on hold until they reply.",
        "done_contact": "Your billing contact details are updated. The next messages will be "
        "sent to them.",
        "no_invoice": "Choose at least one invoice.",
        "invoice_unknown": "This invoice is not, or no longer, open on your account.",
        "one_currency": "Choose invoices in one currency.",
        "already_disputed": "This invoice is already disputed: your supplier is looking into it.",
        "bad_category": "Choose a reason.",
        "message_too_long": "Your message is too long (at most {max} characters).",
        "file_empty": "The attached file is empty.",
        "file_too_big": "The attached file is too large (at most {mb} MB).",
        "file_type": "The attached file must be a PDF, a JPEG or a PNG.",
        "amount_invalid": "Give a positive amount, for example 150.00.",
        "amount_above_owed": "The amount is more than what these invoices still owe ({owed}).",
        "date_invalid": "Give a valid date.",
        "date_past": "That date has already passed.",
        "date_too_far": "The date must be within the next {days} days.",
        "plans_closed": "Your supplier does not offer payment plans online: please contact "
        "them directly.",
        "plan_count_bad": "Choose from 2 to {max} instalments.",
        "plan_too_small": "Each instalment must be at least {min}: choose fewer instalments.",
        "plan_exists": "A payment plan already covers one of these invoices, or was already "
        "asked for.",
        "name_too_long": "The name is too long (at most {max} characters).",
        "contact_invalid": "Give a valid e-mail address or a phone number in international "
        "format (+44…).",
        "contact_same": "These are already the details your supplier has.",
        "code_missing": "First ask for a code by e-mail.",
        "code_expired": "This code has expired: ask for a new one.",
        "code_wrong": "This code is not right. Check it and try again.",
        "code_exhausted": "Too many tries with this code: ask for a new one.",
        "no_email": "Your supplier has no billing e-mail address for you: please contact them "
        "directly for this step.",
        "code_flood": "Too many codes asked for: try again in an hour.",
        "refused": "This request could not be recorded. Please contact your supplier.",
    },
    "de": {
        "actions": "Ihre Möglichkeiten",
        "dispute": "Beanstanden",
        "dispute_title": "Rechnung {number} beanstanden",
        "promise": "Zahlung zusagen",
        "plan": "Ratenzahlung beantragen",
        "contact": "Meine Kontaktdaten aktualisieren",
        "back": "Zurück zu Ihrem Kontoauszug",
        "send": "Senden",
        "category": "Grund",
        "cat_amount": "Der Betrag ist falsch",
        "cat_not_received": "Ware oder Leistung nicht erhalten",
        "cat_already_paid": "Bereits bezahlt",
        "cat_quality": "Qualitätsmangel",
        "cat_other": "Anderer Grund",
        "message": "Ihre Nachricht (freiwillig)",
        "file": "Beleg (freiwillig): PDF, JPEG oder PNG, höchstens {mb} MB",
        "invoices": "Betroffene Rechnungen",
        "promised_on": "Ich zahle am",
        "amount": "Betrag",
        "promise_rule": "Höchstens {days} Tage ab heute und höchstens der offene Betrag.",
        "plan_count": "Anzahl der Monatsraten",
        "plan_first": "Datum der ersten Rate",
        "plan_rule": "2 bis {max} Monatsraten von jeweils mindestens {min}. Ihr Lieferant "
        "nimmt Ihren Antrag an oder lehnt ihn ab.",
        "contact_name": "Name",
        "contact_email": "E-Mail-Adresse für Rechnungen",
        "contact_phone": "Telefon (internationales Format, zum Beispiel +49 151 23456789)",
        "contact_now": "Aktuelle Daten: {current}",
        "code": "Per E-Mail erhaltener Code",
        "code_why": "Für diesen Schritt senden wir einen Code an die Rechnungsadresse, die Ihr "
        "Lieferant kennt ({email}).",
        "code_send": "Code per E-Mail erhalten",
        "code_sent": "Ein Code wurde an {email} gesendet. Er ist 10 Minuten gültig.",
        "code_subject": "Ihr Code: {code}",
        "code_body": "Guten Tag,\n\nhier ist der Code für die Seite Ihres Kontos bei "
        "{organisation}: {code}\n\nEr ist 10 Minuten gültig. Wenn Sie nichts angefordert haben, "
        "ignorieren Sie diese Nachricht: ohne diesen Code geschieht nichts.",
        "done_dispute": "Ihre Beanstandung der Rechnung {number} ist erfasst. Während der "
        "Prüfung erhalten Sie für diese Rechnung keine Mahnung; {organisation} antwortet Ihnen.",
        "done_promise": "Ihre Zusage, {amount} am {date} zu zahlen, ist erfasst. Bis dahin "
        "erhalten Sie für diese Rechnungen keine Mahnung. Bleibt die Zahlung aus, werden die "
        "Mahnungen fortgesetzt.",
        "done_plan": "Ihr Antrag auf Ratenzahlung ({count} Raten) wurde an {organisation} "
        "weitergeleitet. Die Mahnungen für diese Rechnungen ruhen bis zur Antwort.",
        "done_contact": "Ihre Rechnungskontaktdaten sind aktualisiert. Die nächsten Nachrichten "
        "gehen dorthin.",
        "no_invoice": "Wählen Sie mindestens eine Rechnung.",
        "invoice_unknown": "Diese Rechnung ist auf Ihrem Konto nicht (mehr) offen.",
        "one_currency": "Wählen Sie Rechnungen in einer Währung.",
        "already_disputed": "Diese Rechnung ist bereits beanstandet: Ihr Lieferant prüft sie.",
        "bad_category": "Wählen Sie einen Grund.",
        "message_too_long": "Ihre Nachricht ist zu lang (höchstens {max} Zeichen).",
        "file_empty": "Die angehängte Datei ist leer.",
        "file_too_big": "Die angehängte Datei ist zu groß (höchstens {mb} MB).",
        "file_type": "Die angehängte Datei muss ein PDF, JPEG oder PNG sein.",
        "amount_invalid": "Geben Sie einen positiven Betrag an, zum Beispiel 150,00.",
        "amount_above_owed": "Der Betrag übersteigt den offenen Betrag dieser Rechnungen ({owed}).",
        "date_invalid": "Geben Sie ein gültiges Datum an.",
        "date_past": "Dieses Datum ist bereits vorbei.",
        "date_too_far": "Das Datum muss innerhalb der nächsten {days} Tage liegen.",
        "plans_closed": "Ihr Lieferant bietet keine Ratenzahlung online an: wenden Sie sich "
        "bitte direkt an ihn.",
        "plan_count_bad": "Wählen Sie 2 bis {max} Raten.",
        "plan_too_small": "Jede Rate muss mindestens {min} betragen: wählen Sie weniger Raten.",
        "plan_exists": "Eine Ratenzahlung deckt bereits eine dieser Rechnungen ab oder wurde "
        "bereits beantragt.",
        "name_too_long": "Der Name ist zu lang (höchstens {max} Zeichen).",
        "contact_invalid": "Geben Sie eine gültige E-Mail-Adresse oder eine Telefonnummer im "
        "internationalen Format (+49…) an.",
        "contact_same": "Das sind bereits die Daten, die Ihr Lieferant kennt.",
        "code_missing": "Fordern Sie zuerst einen Code per E-Mail an.",
        "code_expired": "Dieser Code ist abgelaufen: fordern Sie einen neuen an.",
        "code_wrong": "Dieser Code stimmt nicht. Prüfen Sie ihn und versuchen Sie es erneut.",
        "code_exhausted": "Zu viele Versuche mit diesem Code: fordern Sie einen neuen an.",
        "no_email": "Ihr Lieferant kennt keine E-Mail-Adresse für Rechnungen von Ihnen: wenden "
        "Sie sich für diesen Schritt bitte direkt an ihn.",
        "code_flood": "Zu viele Codes angefordert: versuchen Sie es in einer Stunde erneut.",
        "refused": "Dieser Antrag konnte nicht erfasst werden. Wenden Sie sich an Ihren "
        "Lieferanten.",
    },
}
