"""Uploading a file to import, and correcting how its columns are read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from relance.imports.limits import upload_max_bytes
from relance.imports.parsers.headers import FileSpec
from relance.imports.uploads import UPLOAD_SUFFIXES
from relance.web.imports.labels import field_label

KINDS = [
    ("customers", _("Clients")),
    ("invoices", _("Factures et avoirs")),
    ("payments", _("Paiements")),
]
# Imports that are not a table of rows: named on the list of imports only.
OTHER_KINDS = [("bank_statement", _("Relevé bancaire")), ("invoice_pdfs", _("PDF des factures"))]
NO_COLUMN = ""
# The encodings of relance.imports.parsers.encoding.ENCODINGS, as a person reads them.
ENCODING_CHOICES = [
    ("", _("Détection automatique (UTF-8, sinon Windows-1252)")),
    ("utf-8", "UTF-8"),
    ("windows-1252", _("Windows-1252 (Excel sous Windows)")),
    ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
    ("latin-1", "ISO-8859-1 (Latin-1)"),
    ("cp850", _("CP850 (anciens logiciels sous DOS)")),
    ("mac-roman", "Mac Roman"),
    ("utf-16", "UTF-16"),
]


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Contenu du fichier"), choices=KINDS)
    file = forms.FileField(
        label=_("Fichier"),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)}),
    )
    encoding = forms.ChoiceField(
        label=_("Encodage (fichiers CSV)"),
        choices=ENCODING_CHOICES,
        required=False,
        help_text=_(
            "À changer seulement si le fichier est refusé pour un caractère illisible, ou si "
            "ses accents sont mal lus."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "CSV (séparé par ; , tabulation ou |) ou classeur Excel .xlsx, %(size)s Mo au plus. "
            "Importez d'abord les clients, puis les factures, puis les paiements."
        ) % {"size": upload_max_bytes() // 2**20}

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = _sized(
            self.cleaned_data["file"],
            _(
                "Fichier trop volumineux (%(size)s Mo) : %(most)s Mo au plus par cette page. "
                "Importez-le avec la commande « relance import »."
            ),
        )
        if not (upload.name or "").lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(
                _(
                    "Type de fichier non pris en charge : importez un fichier CSV (.csv, .txt) "
                    "ou Excel (.xlsx)."
                )
            )
        return upload


class PdfBundleForm(forms.Form):
    """A ZIP of invoice PDFs (``relance.imports.invoice_pdfs``)."""

    file = forms.FileField(
        label=_("Archive ZIP des PDF"),
        allow_empty_file=True,  # refused below, in words saying what to do
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
    dry_run = forms.BooleanField(
        label=_("Simulation : montrer ce qui serait rattaché, sans rien enregistrer"),
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "Un PDF par facture ; le nom du fichier contient le numéro de la facture, ou le PDF "
            "est une facture Factur-X. %(size)s Mo au plus par cette page."
        ) % {"size": upload_max_bytes() // 2**20}

    def clean_file(self) -> UploadedFile:
        return _sized(
            self.cleaned_data["file"],
            _(
                "Fichier trop volumineux (%(size)s Mo) : %(most)s Mo au plus par cette page. "
                "Importez-le avec la commande « relance import invoice-pdfs »."
            ),
        )


def _sized(upload: UploadedFile, too_large: Any) -> UploadedFile:
    """The upload, unless empty or over this page's cap (``too_large`` says what to do)."""
    if not upload.size:
        raise forms.ValidationError(_("Le fichier est vide (0 octet)."))
    if upload.size > upload_max_bytes():
        raise forms.ValidationError(
            too_large,
            params={"size": round(upload.size / 2**20), "most": upload_max_bytes() // 2**20},
        )
    return upload


class MappingForm(forms.Form):
    """One choice per field among the file's columns, as the command line's ``--map``."""

    def __init__(self, *args: Any, spec: FileSpec, headers: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        columns: list[tuple[str, Any]] = [(NO_COLUMN, _("— aucune colonne —"))]
        columns.extend((header, header) for header in dict.fromkeys(headers) if header.strip())
        alone = {group[0] for group in spec.required if len(group) == 1}
        for name, field in spec.fields.items():
            self.fields[name] = forms.ChoiceField(
                label=field_label(field.label), choices=columns, required=name in alone
            )
            if name in alone:
                self.fields[name].error_messages["required"] = _(
                    "Ce champ est obligatoire : choisissez la colonne qui le contient."
                )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        taken: dict[str, str] = {}
        for name in self.spec.fields:
            header = data.get(name, NO_COLUMN)
            if header and header in taken:
                self.add_error(
                    name,
                    _("La colonne « %(column)s » est déjà choisie pour « %(field)s ».")
                    % {
                        "column": header,
                        "field": field_label(self.spec.fields[taken[header]].label),
                    },
                )
            elif header:
                taken[header] = name
        for group in self.spec.required:
            if len(group) > 1 and not any(data.get(name) for name in group):
                labels = " / ".join(field_label(self.spec.fields[name].label) for name in group)
                self.add_error(
                    None, _("Choisissez une colonne pour au moins un de ces champs : %(fields)s.")
                    % {"fields": labels},
                )  # fmt: skip
        return data

    def chosen(self) -> dict[str, str]:
        """Field -> header ("" for none), for every field of the file's kind."""
        return {name: self.cleaned_data.get(name, NO_COLUMN) for name in self.spec.fields}
