"""Every ``relance`` command speaks the language asked with ``relance --language en``.

The commands are listed from the commands folders: a new command fails here until it is run
below in English. French stays the default: a run without ``--language`` says what it said.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.management import get_commands, load_command_class
from django.db import connections
from django.utils import translation
from django.utils.translation import gettext

import relance
from relance.cli import main
from relance.lib.cli import TranslatedCommand

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
COMMAND_FOLDERS = sorted(Path(relance.__file__).parent.glob("*/management/commands"))
# Words that give French away in a line meant for an English reader.
FRENCH_WORDS = re.compile(
    r"envoyé|relances du|écarté|aucun|à faire|introuvable|attention|simulation :|rien n'a"
    r"|fichier|relevé|créée|enregistré|mot de passe|taux légaux|prévision|semaine du|jours à"
    r"|démonstration|e-mails|opération|rapproch|jour traité|ignoré|rattaché",
    re.IGNORECASE,
)
DAY = "2026-06-30"


def commands_on_disk() -> set[str]:
    return {
        path.stem
        for folder in COMMAND_FOLDERS
        for path in folder.glob("*.py")
        if not path.stem.startswith("_")
    }


def english_runs(tmp: Path) -> dict[str, list[tuple[list[str], str]]]:
    """Per command: the runs in English and a phrase each must print (stdout or stderr)."""
    pdfs = tmp / "pdfs"
    pdfs.mkdir()
    (pdfs / "notes.txt").write_text("pas un PDF", encoding="utf-8")
    return {
        "org": [(["org", "list"], "acme")],
        "user": [(["user", "create", "bob@acme.example", "--role", "admin"], "Password:")],
        "import_data": [
            (["import", "invoices", str(FIXTURES / "ref-invoices.csv"), "--dry-run"],
             "Simulation: "),
            (["import", "bank-statement", str(FIXTURES / "bank/ofx/test.qif"), "--dry-run"],
             "Warning: sections skipped (only bank accounts are read): !Type:Class, "),
            (["import", "invoice-pdfs", str(pdfs), "--dry-run"], "notes.txt: skipped: not a PDF"),
        ],
        "plan": [(["plan", "--date", DAY], "skipped.")],
        "run_day": [(["run-day", "--date", DAY], "Reminders of 30 June 2026")],
        "segments": [
            (["segments", "recompute", "--date", DAY], "change"),
            (["segments", "show", "C000001"], "Scenario: "),
        ],
        "penalties": [
            (["penalties", "--amount", "1000", "--due", "2026-01-31", "--until", DAY],
             "From 1 February 2026 to 30 June 2026: 150 days at"),
        ],
        "rates": [(["rates", "--date", DAY], "Legal rates on 30 June 2026")],
        "letters": [(["letters", "print", "--date", DAY, "--out", str(tmp / "l.pdf")], "")],
        "mailbox": [(["mailbox", "poll"], "IMAP_URL")],
        "preview": [(["preview", "C000001", "--date", DAY], "Content score: ")],
        "scenarios": [(["scenarios", "export", str(tmp / "s.yaml")], "Scenarios written to")],
        "send_outbox": [(["send-outbox", "--now"], "Emails sent: ")],
        "send_sms": [(["send-sms"], "Sent: ")],
        "sending_domain": [
            (["sending-domain", "setup", "acme.example"], "Publish this TXT record")
        ],
        "check": [(["check"], "System check identified no issues")],
        "scheduler": [(["scheduler", "--once"], "[acme] Reminders of")],
        "search_index": [(["search_index"], "Search indexes rebuilt in")],
        "digest": [(["digest", "--date", DAY, "--dry-run"], "(week of 2026-06-29): ")],
        "forecast": [
            (["forecast", "--date", DAY], "open invoice"),
            (["forecast", "backtest"], "Mean absolute error (days):"),
        ],
        "report": [(["report", "dso", "--overdue", "nowhere"], "Invalid filter: ")],
        "reports": [(["reports", "backfill", "--date", DAY], "saved (current month included)")],
        "demo": [(["demo", "--help"], "Create the demonstration organisation")],
    }  # fmt: skip


def relance_says(capsys, *args: str) -> str:
    """What ``relance ARGS`` prints, run as the command line runs it (in this process)."""
    translation.activate("fr")  # the language of the previous run must not leak
    main(list(args))
    printed = capsys.readouterr()
    return f"{printed.out}{printed.err}"


def french_words(text: str) -> list[str]:
    return sorted({found.group(0) for found in FRENCH_WORDS.finditer(text)})


@pytest.fixture
def in_process(db, monkeypatch):
    """The command line run in this process: no ``LANGUAGE`` of the machine running the
    tests, and the test database left open (a command closes its connections on the way
    out, as a process that ends would)."""
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.setattr(connections, "close_all", lambda: None)


@pytest.fixture
def acme(in_process, settings, capsys):
    """An organisation with customers and invoices, set up through the command line."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RELANCE_EXECUTION = "inline"
    relance_says(capsys, "org", "create", "acme", "--name", "ACME SAS", "--country", "FR")
    relance_says(capsys, "import", "customers", str(FIXTURES / "ref-customers.csv"))
    relance_says(capsys, "import", "invoices", str(FIXTURES / "ref-invoices.csv"))


def test_every_command_module_has_an_english_run(tmp_path):
    assert set(english_runs(tmp_path)) == commands_on_disk()


def test_every_command_says_everything_in_english(acme, capsys, tmp_path):
    unclear = {}
    for command, runs in english_runs(tmp_path).items():
        for args, phrase in runs:
            said = relance_says(capsys, "--language", "en", *args)
            if command == "preview":  # the message itself is in the customer's language
                said = "\n".join(line for line in said.splitlines() if "score" in line)
            if phrase not in said or french_words(said):
                unclear[" ".join(args)] = (phrase, french_words(said), said[:600])
    assert unclear == {}


def test_french_stays_the_default(acme, capsys):
    said = relance_says(capsys, "run-day", "--date", DAY)
    assert said.startswith("Relances du 30/06/2026\n")
    assert "Prêts à partir : " in said and "Dans l'outbox : " in said
    plan = relance_says(capsys, "plan", "--date", "2026-07-01")
    assert re.search(r"\d+ message\(s\), \d+ écarté\(s\)\.", plan)
    qif = str(FIXTURES / "bank/ofx/test.qif")
    statement = relance_says(capsys, "import", "bank-statement", qif, "--dry-run")
    assert (
        "Attention : sections ignorées (seuls les comptes bancaires sont lus) : !Type:Class, "
        in statement
    )
    assert "Simulation : rien n'a été écrit." in statement


def test_bank_statement_warning_in_english_with_its_amounts(acme, capsys):
    """The statement opens at 15568.27 and books -12.99: 15555.28 expected at the close, the
    bank says 15121.12, a difference of 15121.12 - 15555.28 = -434.16."""
    camt = str(FIXTURES / "bank/camt/test-camt053")
    said = relance_says(capsys, "--language", "en", "import", "bank-statement", camt, "--dry-run")
    assert (
        "Warning: statement 1234Test/1: the closing balance (15121.12) does not match the "
        "opening balance (15568.27) plus the movements (-12.99); difference -434.16. Check "
        "that no movement is missing."
    ) in said
    french = relance_says(capsys, "import", "bank-statement", camt, "--dry-run")
    assert (
        "Attention : relevé 1234Test/1 : le solde final (15121.12) ne correspond pas au solde "
        "initial (15568.27) plus les opérations (-12.99) ; écart -434.16."
    ) in french


@pytest.mark.parametrize("command", sorted(commands_on_disk() - {"check"}))
def test_help_in_both_languages(command, capsys, in_process):
    described = load_command_class(get_commands()[command], command)
    assert isinstance(described, TranslatedCommand)
    french = relance_says(capsys, command, "--help")
    english = relance_says(capsys, "--language", "en", command, "--help")
    assert " ".join(described.help.split())[:40] in " ".join(french.split())
    with translation.override("en"):
        worded = gettext(type(described).help)
    assert worded != type(described).help
    assert " ".join(worded.split())[:40] in " ".join(english.split())
    assert french_words(english) == [], english


def test_help_knows_the_names_people_type(in_process, capsys):
    said = relance_says(capsys, "--language", "en", "help", "import")
    assert "Import a file of customers, invoices or payments" in " ".join(said.split())
