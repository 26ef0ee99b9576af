"""What people read for the audit trail's action codes, in the reader's language.

Events are stored with the code a service recorded (``message_held``, ``note_add``): the code
stays in the CSV export, as evidence that does not depend on a translation; the pages show
these words instead. Every code a service records has its words here (a test reads the
services' source to make sure of it).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ACTION_LABELS: dict[str, str | Promise] = {
    # Organisation, people and access
    "organisation_create": _("Organisation créée"),
    "organisation_update": _("Organisation modifiée"),
    "membership_set": _("Accès donné à une personne"),
    "membership_role_set": _("Rôle d'une personne changé"),
    "membership_remove": _("Accès d'une personne retiré"),
    "membership_digest": _("Résumé de la semaine activé ou coupé"),
    "user_profile": _("Nom, fonction ou téléphone d'une personne modifié"),
    "sign_in_locked": _("Connexion bloquée après trop d'essais"),
    # Customers and contacts
    "customer_create": _("Client créé"),
    "customer_update": _("Client modifié par un import"),
    "customer_address": _("Adresse postale modifiée"),
    "customer_collector": _("Chargé de recouvrement changé"),
    "customer_pause": _("Relances suspendues"),
    "customer_resume": _("Relances reprises"),
    "customer_scenario": _("Scénario du client changé"),
    "customer_segment": _("Segment changé par les règles"),
    "customer_segment_manual": _("Segment choisi à la main"),
    "customer_segment_automatic": _("Segment rendu aux règles"),
    "contact_add": _("Contact ajouté"),
    "contact_update": _("Contact modifié"),
    "note_add": _("Note ajoutée"),
    "payer_iban_forget": _("IBAN de payeur oublié"),
    # Invoices, payments and bank statements
    "invoice_create": _("Facture créée"),
    "invoice_update": _("Facture modifiée par un import"),
    "credit_note_create": _("Avoir créé"),
    "payment_record": _("Paiement enregistré"),
    "payment_reverse": _("Paiement annulé"),
    "import_commit": _("Import enregistré"),
    "bank_statement_import": _("Relevé bancaire importé"),
    "bank_entry_ignore": _("Ligne de relevé ignorée"),
    "bank_entry_checked": _("Ligne de relevé vérifiée"),
    "rate_added": _("Taux légal ajouté"),
    # Reminders and the to-do
    "reminder_plan": _("Relance prévue"),
    "reminder_draft": _("Brouillon de relance enregistré"),
    "reminder_send": _("Relance envoyée à la main"),
    "reminder_done": _("Tâche faite"),
    "reminder_skip": _("Relance sautée"),
    "reminder_postpone": _("Relance reportée"),
    "reminder_cancel": _("Relance annulée"),
    "reminder_attachment_add": _("Pièce jointe ajoutée à une relance"),
    "reminder_attachment_remove": _("Pièce jointe retirée d'une relance"),
    "message_held": _("Message retenu avant l'envoi"),
    "call_outcome": _("Résultat d'appel enregistré"),
    "letters_print": _("Courriers imprimés"),
    "letter_posted": _("Courrier posté"),
    "letter_acknowledged": _("Accusé de réception enregistré"),
    "sms_sent": _("SMS envoyé"),
    "sms_opt_out": _("Numéro ajouté à la liste STOP SMS"),
    "sms_opt_out_remove": _("Numéro retiré de la liste STOP SMS"),
    # Disputes, promises, payment plans, debtor requests
    "dispute_open": _("Litige ouvert"),
    "dispute_close": _("Litige résolu"),
    "dispute_attachment": _("Pièce jointe ajoutée à un litige"),
    "promise_record": _("Promesse de paiement enregistrée"),
    "promise_broken": _("Promesse de paiement non tenue"),
    "payment_plan_create": _("Échéancier accordé"),
    "payment_plan_defaulted": _("Échéancier non respecté"),
    "debtor_request": _("Demande reçue d'un client"),
    "debtor_request_resolved": _("Demande d'un client traitée"),
    # Portal and online payment
    "portal_link_issued": _("Lien du portail client créé"),
    "portal_link_revoked": _("Liens du portail client révoqués"),
    "portal_viewed": _("Portail client consulté"),
    "online_payment_started": _("Paiement en ligne commencé"),
    "online_payment_error": _("Le prestataire n'a pas ouvert le paiement en ligne"),
    "online_payment_processing": _("Paiement en ligne en cours de traitement"),
    "online_payment_paid": _("Payé en ligne"),
    "online_payment_failed": _("Paiement en ligne échoué"),
    "online_payment_refused": _("Paiement en ligne non enregistré"),
    "online_payment_reversed": _("Paiement en ligne repris par le prestataire"),
    "online_payment_given_back": _(
        "Paiement en ligne rendu par le prestataire (contestation gagnée)"
    ),
    "payment_provider_set": _("Prestataire de paiement configuré"),
    "payment_provider_remove": _("Prestataire de paiement retiré"),
    # Segments, scenarios, templates and rules
    "segments_recompute": _("Segments recalculés"),
    "segment_create": _("Segment créé"),
    "segment_update": _("Segment modifié"),
    "scenario_import": _("Scénario importé"),
    "scenario_create": _("Scénario créé"),
    "scenario_update": _("Scénario renommé"),
    "scenario_delete": _("Scénario supprimé"),
    "scenario_step_add": _("Étape ajoutée à un scénario"),
    "scenario_step_update": _("Étape d'un scénario modifiée"),
    "scenario_step_delete": _("Étape d'un scénario supprimée"),
    "scenario_step_move": _("Étape d'un scénario déplacée"),
    "message_template_create": _("Modèle de message créé"),
    "message_template_save": _("Modèle de message modifié"),
    "message_template_reset": _("Modèle de message remis par défaut"),
    "dunning_settings_update": _("Règles de relance modifiées"),
    # Sending
    "smtp_settings_set": _("Serveur d'envoi configuré"),
    "smtp_settings_remove": _("Serveur d'envoi retiré"),
    "dkim_key_created": _("Clé DKIM créée"),
}


def action_label(code: str) -> str:
    """The words for an action code; an unknown code (an older release's) reads as words."""
    label = ACTION_LABELS.get(code)
    if label is not None:
        return str(label)
    words = code.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def action_choices() -> list[tuple[str, str]]:
    """(code, words) of every action, in the reader's alphabetical order, for a filter list."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda choice: choice[1].casefold())  # fmt: skip
