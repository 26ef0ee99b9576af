"""Every action code a service records in the audit trail has words people read."""

from __future__ import annotations

import ast
from pathlib import Path

import relance
from relance.accounts.audit_labels import ACTION_LABELS, action_label

RECORDERS = ("audit_record", "audit_record_many")
SOURCE = Path(relance.__file__).parent


def _name(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None) or ""


def _strings(node: ast.AST, constants: dict[str, str]) -> list[str]:
    """The strings written in an expression, module constants (``SEGMENT_MANUAL``) read."""
    found = []
    for n in ast.walk(node):
        if isinstance(n, ast.Constant) and isinstance(n.value, str):
            found.append(n.value)
        elif isinstance(n, ast.Name) and n.id in constants:
            found.append(constants[n.id])
    return found


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: statement.value.value
        for statement in tree.body
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
        for target in statement.targets
        if isinstance(target, ast.Name) and target.id.isupper()
    }  # fmt: skip


def _forwarders(tree: ast.Module) -> tuple[dict[str, int], set[ast.Call]]:
    """Functions of a module that pass one of their parameters on as the action
    (``def _audit(scenario, action, ...)``): name -> that parameter's position; and the
    recording calls inside them, whose codes are read at the functions' own calls."""
    found: dict[str, int] = {}
    inner: set[ast.Call] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef):
            continue
        params = [arg.arg for arg in function.args.args]
        for call in ast.walk(function):
            if not (isinstance(call, ast.Call) and _name(call) in RECORDERS):
                continue
            given = next((k.value for k in call.keywords if k.arg == "action"), None)
            if isinstance(given, ast.Name) and given.id in params:
                found[function.name] = params.index(given.id)
                inner.add(call)
    return found, inner


def _action_given(call: ast.Call, forwarders: dict[str, int]) -> ast.AST | None:
    keyword = next((k.value for k in call.keywords if k.arg == "action"), None)
    index = forwarders.get(_name(call))
    if index is not None and len(call.args) > index:
        return call.args[index]
    return keyword


def recorded_codes(root: Path) -> tuple[set[str], list[str]]:
    """The action codes written in the source under ``root``, and the places where an
    action is given in a way this reading cannot follow."""
    codes: set[str] = set()
    unread: list[str] = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        forwarders, inner = _forwarders(tree)
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or call in inner:
                continue
            if _name(call) not in RECORDERS and _name(call) not in forwarders:
                continue
            given = _action_given(call, forwarders)
            strings = _strings(given, _constants(tree)) if given is not None else []
            if not strings:
                unread.append(f"{path.relative_to(root.parent)}:{call.lineno}")
            codes.update(strings)
    return codes, unread


def test_every_recorded_action_has_words():
    codes, unread = recorded_codes(SOURCE)
    assert not unread, f"actions given in a way the scan cannot read: {unread}"
    assert len(codes) > 80  # the scan does find the services' codes
    assert sorted(codes - set(ACTION_LABELS)) == []


def test_the_scan_finds_codes_given_directly_through_a_condition_and_through_a_function(
    tmp_path,
):
    package = tmp_path / "app"
    package.mkdir()
    (package / "services.py").write_text(
        "def a(x):\n"
        "    audit_record(organisation=o, actor=x, action='thing_done', entity_type='t',\n"
        "                 entity_id='1')\n"
        "    audit_record_many(organisation=o, actor=x, changes=[], entity_type='t',\n"
        "                      action='made' if x else 'unmade')\n"
        "def _audit(obj, action, actor):\n"
        "    audit_record(organisation=o, actor=actor, action=action, entity_type='t',\n"
        "                 entity_id='1')\n"
        "def b(x):\n"
        "    _audit(x, 'forwarded', x)\n"
        "DONE = 'named_done'\n"
        "def c(x):\n"
        "    _audit(x, DONE if x else 'other', x)\n",
        encoding="utf-8",
    )
    assert recorded_codes(package) == (
        {"thing_done", "made", "unmade", "forwarded", "named_done", "other"},
        [],
    )
    (package / "more.py").write_text(
        "def c(x, code):\n    audit_record(organisation=o, actor=x, action=CODES[code])\n",
        encoding="utf-8",
    )
    assert recorded_codes(package)[1] == ["app/more.py:2"]


def test_an_unknown_code_reads_as_words():
    assert action_label("note_add") == "Note ajoutée"
    assert action_label("old_thing_done") == "Old thing done"
