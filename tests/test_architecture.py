"""The layers stay as STYLE.md draws them: a pure core, one module touching files, one printing."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "cloudplan"

# The pure core: no files, no clock, no environment, no terminal, no command line.
CORE = ["errors", "findings", "i18n", "model", "periods", "safe", "build", "status", "tomlmap", "validate"]
CORE += [p.stem for p in PACKAGE.glob("*.py") if p.stem in {"edits", "tomledit", "planschema", "statefile", "changes"}]
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


@pytest.mark.parametrize("module", CORE)
def test_core_is_pure(module: str) -> None:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    assert not _forbidden(_imports(tree), FORBIDDEN_IN_CORE)
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
        assert len(path.read_text().splitlines()) <= 400, f"{path.name}: split it (STYLE.md)"


def test_the_cli_spells_the_statuses_of_the_engine() -> None:
    from cloudplan.cli.common import MILESTONE_STATUSES
    from cloudplan.status import Status

    assert tuple(s.value for s in Status) == MILESTONE_STATUSES
