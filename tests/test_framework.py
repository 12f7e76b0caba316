"""Typer's internals are touched in one module, cli/framework.py; a Typer that changed them fails here, by name.

.ci/run runs these tests, with the command-line tests, against each minor release of
Typer that pyproject.toml allows.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer

from cloudplan.cli import framework

CLI = Path(framework.__file__).parent


def test_the_installed_typer_has_every_internal_cloudplan_touches() -> None:
    gone = framework.missing()
    assert not gone, (
        f"typer {typer.__version__} no longer has {', '.join(gone)}: adapt src/cloudplan/cli/framework.py "
        "(or narrow the typer pin in pyproject.toml)"
    )


def test_missing_names_what_a_typer_release_took_away(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.models

    monkeypatch.delattr(typer.models, "CommandInfo")
    assert framework.missing() == ["typer.models.CommandInfo"]


def _private_imports(path: Path) -> set[str]:
    """Return `module.name` for each import of a Typer module that is not its public top level."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("typer."):
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module in ("typer", "rich"):
            found |= {f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("rich._"):
            found |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("typer.")}
    return found


@pytest.mark.parametrize("path", sorted(CLI.glob("*.py")), ids=lambda p: p.name)
def test_only_the_adapter_imports_typer_internals(path: Path) -> None:
    if path.name == "framework.py":
        return
    assert not _private_imports(path), f"{path.name} reaches into Typer or Rich: go through cli/framework.py"


def test_the_adapter_lists_every_internal_it_imports() -> None:
    listed = {f"{module}.{name}" for module, names in framework.INTERNALS.items() for name in names}
    imported = _private_imports(CLI / "framework.py") - {"typer.core"}  # `import typer.core`: its names are listed
    unlisted = imported - listed - set(framework.INTERNALS)
    assert not unlisted, f"add to framework.INTERNALS: {sorted(unlisted)}"
