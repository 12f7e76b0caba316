"""The layers stay apart: a pure core, the store touching files, render and cli printing.

Data flows one way: cli -> store -> pure core -> render/export -> cli prints. A module
whose docstring calls it pure ("pure", "stdlib only", "no I/O"), or that sits in a
package whose docstring does (export/), is checked as pure: the list is read from the
modules themselves, so a new pure module is checked the day it is written.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cloudplan"

# The pure core: no files, no clock, no environment, no terminal, no command line.
PURE_WORDS = re.compile(r"\bpure\b|stdlib only|no I/O", re.IGNORECASE)


def _says_pure(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    return bool(PURE_WORDS.search(doc.split("\n\n")[0]))


def _pure_modules() -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        package = path.parent / "__init__.py"
        if _says_pure(path) or (path.parent != PACKAGE and _says_pure(package)):
            found.append(path)
    return found


CORE = _pure_modules()
FORBIDDEN_IN_CORE = {"rich", "typer", "click", "cloudplan.cli", "cloudplan.store", "cloudplan.render", "os", "sys"}
FORBIDDEN_CALLS = {"today", "now", "open", "read_text", "read_bytes", "write_text", "write_bytes", "getenv"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(tree: ast.AST) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def _calls(tree: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))
    return names


def _forbidden(imported: set[str], banned: set[str]) -> set[str]:
    return {i for i in imported for b in banned if i == b or i.startswith(b + ".")}


def test_the_pure_modules_are_found_from_their_docstrings() -> None:
    names = {_name(p) for p in CORE}
    expected = {"errors", "findings", "model", "periods", "safe", "build", "status", "validate", "edits", "alerts"}
    assert {f"cloudplan.{n}" for n in expected} <= names
    assert {"cloudplan.gantt", "cloudplan.export.json", "cloudplan.export.formats", "cloudplan.export.ics"} <= names
    assert not any(n.startswith(("cloudplan.cli", "cloudplan.store", "cloudplan.render.status")) for n in names)


@pytest.mark.parametrize("path", CORE, ids=lambda p: _name(p))
def test_core_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text())
    # render.theme is data (styles and colours by status), itself pure: pages and pictures share it.
    imported = {i for i in _imports(tree) if not i.startswith("cloudplan.render.theme")}
    assert not _forbidden(imported, FORBIDDEN_IN_CORE)
    assert not _calls(tree) & FORBIDDEN_CALLS


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_only_cli_imports_typer_and_only_render_and_cli_import_rich(path: Path) -> None:
    name = _name(path)
    imported = _imports(ast.parse(path.read_text()))
    if not name.startswith("cloudplan.cli"):
        assert not _forbidden(imported, {"typer", "click"}), name
    if not name.startswith(("cloudplan.cli", "cloudplan.render")):
        assert not _forbidden(imported, {"rich"}), name


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_only_cli_reads_the_clock_and_nothing_imports_cli(path: Path) -> None:
    name = _name(path)
    tree = ast.parse(path.read_text())
    if not name.startswith("cloudplan.cli") and name not in {"cloudplan.__main__"}:
        assert not _forbidden(_imports(tree), {"cloudplan.cli"}), name
        assert not _calls(tree) & {"today", "now"}, name


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_every_module_states_its_job(path: Path) -> None:
    doc = ast.get_docstring(ast.parse(path.read_text()))
    assert doc, f"{_name(path)} has no module docstring"


def test_cli_modules_stay_short() -> None:
    for path in (PACKAGE / "cli").glob("*.py"):
        assert len(path.read_text().splitlines()) <= 400, f"{path.name}: past 400 lines, split it by command group"


def test_status_names_are_spelled_only_by_the_engine() -> None:
    """The status names live in status.Status and status.IndicatorStatus; nowhere else spells them as strings."""
    names = {"overdue", "due-soon", "upcoming", "unscheduled", "done-late", "no-data", "on-track", "behind"}
    for path in _modules():
        if _name(path) in {"cloudplan.status", "cloudplan.planschema"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                assert len(keys & names) < 2, f"{_name(path)} spells statuses as strings: {sorted(keys & names)}"
