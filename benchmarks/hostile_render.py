"""Hostile templates and drafts: each refused or checked in under 5 s and under 300 MB.

    python -m benchmarks.hostile_render [--out benchmarks/results]

A fresh SQLite database gets one organisation, one customer with an overdue invoice and the
day's reminder. Each case then runs alone in a child process, through the code a request or
the morning run goes through: the editor's preview (render, CSS inlining, content check), the
to-do's e-mail editor (form, then preview) or the morning run (the organisation's template
saved, then ``outbox_fill``). The child reports its wall time and its peak memory (the
process's maximum resident size, Rust's CSS inliner included), before and after the case.
The baseline measured in the same run is the preview of the shipped default template.
Figures go to ``<out>/hostile_render.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

DAY = date(2026, 3, 9)
TARGET_SECONDS = 5.0
TARGET_MB = 300.0
CHILD_TIMEOUT = 120

HEAVY_STYLES = (
    "<style>p{" + "".join(f"--v{i}:{i}px;" for i in range(2_500)) + "}</style>"
    "{% for i in range(100) %}{% for j in range(200) %}<p></p>{% endfor %}{% endfor %}"
)
# Just under the bound checked before inlining: the inliner runs, and its result is refused.
STYLES_UNDER_BOUND = (
    "<style>p{" + "".join(f"--v{i}:{i}px;" for i in range(170)) + "}</style>"
    "{% for i in range(2) %}{% for j in range(600) %}<p></p>{% endfor %}{% endfor %}"
)
# Each case: where it goes (preview, draft, morning), and what it puts there.
CASES: dict[str, tuple[str, dict[str, str]]] = {
    "baseline: default template": ("preview", {}),
    "text {{ 'x' * 60000 }}": ("preview", {"text": "{{ 'x' * 60000 }}"}),
    "text {{ 'x' * 100000 }}": ("preview", {"text": "{{ 'x' * 100000 }}"}),
    "text {{ 'x' * 199000 }} (just under the cap)": ("preview", {"text": "{{ 'x' * 199000 }}"}),
    "text {{ 'x' * 10**7 }}": ("preview", {"text": "{{ 'x' * 10**7 }}"}),
    "html {{ 'x' * 100000 }}": ("preview", {"html": "<p>{{ 'x' * 100000 }}</p>"}),
    "thousands chain 1,000,000,...": (
        "preview", {"text": "1{% for i in range(1000) %}{{ ',000' * 45 }}{% endfor %}"}
    ),
    "unclosed tags <a <a <a ...": (
        "preview", {"html": "{% for i in range(1000) %}" + "<a " * 60 + "{% endfor %}"}
    ),
    "unclosed comments <!--<!--...": (
        "preview", {"html": "{% for i in range(1000) %}" + "<!--" * 45 + "{% endfor %}"}
    ),
    "nested loops 1000 x 1000": (
        "preview", {"text": "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}"
                            "{% endfor %}"}
    ),
    "styles copied into 20,000 tags": ("preview", {"html": HEAVY_STYLES}),
    "styles copied into 1,200 tags (under the bound)": ("preview", {"html": STYLES_UNDER_BOUND}),
    "to-do draft of 30,000 characters": ("draft", {"body": "x" * 30_000}),
    "to-do draft of 20,000 characters (the cap)": ("draft", {"body": "x" * 20_000}),
    "morning run, template {{ 'x' * 100000 }}": ("morning", {"text": "{{ 'x' * 100000 }}"}),
}  # fmt: skip


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def setup(folder: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from relance.accounts.audit import Actor
    from relance.accounts.services import organisation_create, user_create
    from relance.dunning.run import run_day
    from relance.imports.services import import_file

    call_command("migrate", verbosity=0)
    actor = Actor.system("benchmark")
    organisation = organisation_create(
        slug="bench", legal_name="Bench SAS", country="FR", iban="FR7630006000011234567890189",
        sender_email="relances@bench.example", actor=actor,
    )  # fmt: skip
    user_create(email="collector@bench.example", organisation=organisation, role="collector",
                actor=actor)  # fmt: skip
    files = {
        "customers": "id,name,email\nC1,Client SARL,compta@client.example\n",
        "invoices": "number,customer_id,issue_date,due_date,amount_incl_tax\n"
        "F-1,C1,2026-02-01,2026-03-02,1234.56\n",
    }
    for kind, data in files.items():
        assert import_file(organisation=organisation, kind=kind, data=data.encode(),
                           filename=kind, actor=actor).ok  # fmt: skip
    run_day(organisation=organisation, day=DAY, actor=actor)
    from django.db import connections

    connections.close_all()  # the last connection closed writes the WAL into the file copied


def run_case(name: str) -> dict[str, Any]:
    """In the child: one case, from a database of its own."""
    import django

    django.setup()
    from relance.accounts.audit import Actor
    from relance.accounts.models import Organisation
    from relance.channels.compose import outbox_fill
    from relance.channels.manual import preview_email
    from relance.channels.message_templates import TemplateEditError, message_template_save
    from relance.channels.templating.default_templates import default_source
    from relance.dunning.models import Reminder
    from relance.web.templates_editor.preview import build_preview
    from relance.web.todo.forms import EmailDraftForm

    organisation = Organisation.objects.get(slug="bench")
    reminder = Reminder.objects.select_related("customer", "organisation").get()
    where, change = CASES[name]
    parts = {part: default_source("reminder_1", "fr", part) for part in ("subject", "text", "html")}
    before = peak_mb()
    started = time.perf_counter()
    if where == "preview":
        shown = build_preview(organisation=organisation, key="reminder_1", language="fr",
                              sources={**parts, **change}, customer=reminder.customer,
                              tone="courteous", penalties="none", today=DAY)  # fmt: skip
        report = shown.report
        outcome = (f"refused: {shown.errors[0].message}" if shown.errors
                   else f"checked: score {report.score if report else '?'}")  # fmt: skip
    elif where == "draft":
        form = EmailDraftForm({"body": change["body"], "statement": "all", "penalties": "none"})
        if form.is_valid():
            composed = preview_email(reminder, form.draft(), today=DAY).composed
            outcome = f"checked: score {composed.report.score}"
        else:
            outcome = f"refused: {' '.join(str(error) for error in form.errors['body'])}"
    else:
        actor = Actor.system("benchmark")
        try:
            message_template_save(organisation=organisation, key="reminder_1", language="fr",
                                  sources={**parts, **change}, actor=actor)  # fmt: skip
            counts = outbox_fill(organisation=organisation, day=DAY, actor=actor)
            outcome = f"morning run: {counts}"
        except TemplateEditError as exc:
            outcome = f"refused when saved: {exc}"
    seconds = time.perf_counter() - started
    return {"case": name, "outcome": outcome[:160], "seconds": round(seconds, 3),
            "peak_mb": round(peak_mb(), 1), "case_mb": round(peak_mb() - before, 1)}  # fmt: skip


def child(name: str, folder: Path) -> dict[str, Any]:
    database = folder / f"case-{abs(hash(name))}.sqlite3"
    shutil.copy(folder / "relance.sqlite3", database)
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    started = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "benchmarks.hostile_render", "--case", name],
                              env=environment, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT, check=False)  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"case": name, "outcome": f"did not finish in {CHILD_TIMEOUT} s",
                "seconds": round(time.perf_counter() - started, 1)}  # fmt: skip
    if done.returncode != 0:
        return {"case": name, "outcome": "failed: " + done.stderr.strip().splitlines()[-1]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"))
    parser.add_argument("--case", help=argparse.SUPPRESS)  # the child process's own work
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case)))
        return
    folder = Path(tempfile.mkdtemp(prefix="relance-hostile-"))
    os.environ.update({
        "DATABASE_URL": f"sqlite:///{folder / 'relance.sqlite3'}",
        "RELANCE_VAR_DIR": str(folder / "var"),
        "DJANGO_SETTINGS_MODULE": "relance.settings",
    })  # fmt: skip
    setup(folder)
    cases = [child(name, folder) for name in CASES]
    for case in cases:
        case["within_target"] = (case.get("seconds", 1e9) < TARGET_SECONDS
                                 and case.get("case_mb", 1e9) < TARGET_MB)  # fmt: skip
        print(f"{case['case']:46} {case.get('seconds', '-'):>6} s {case.get('case_mb', '-'):>5} MB "
              f"(peak {case.get('peak_mb', '-'):>5} MB)  {case['outcome'][:80]}")  # fmt: skip
    result = {"benchmark": "hostile_render", "target_seconds": TARGET_SECONDS,
              "target_mb": TARGET_MB, "cases": cases,
              "all_within_target": all(case["within_target"] for case in cases)}  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "hostile_render.json").write_text(json.dumps(result, indent=2) + "\n")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
