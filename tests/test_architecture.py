"""The folder tree is the architecture: each package is a layer, and imports run one way.

Data flows one way: cli -> store / notify -> core -> words -> render / export -> cli prints.
`LAYERS` says what each package may import of cloudplan; ARCHITECTURE.md draws the same map
in words, and a test keeps the names it gives existing. The pure packages (base, core, words,
plan, export) touch no file, clock, environment, terminal or command line; a module elsewhere
whose docstring calls it pure is held to the same rules.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cloudplan"

# What each layer may import of cloudplan (besides itself). The top-level modules are layers of their own.
LAYERS: dict[str, set[str]] = {
    "base": set(),
    "core": {"base"},
    "words": {"base", "core"},
    "plan": {"base", "core", "words"},
    "export": {"base", "core", "words", "plan"},
    "render": {"base", "core", "words"},
    "store": {"base", "core", "plan"},
    "notify": {"base", "core", "words"},
    "cli": {"base", "core", "words", "plan", "export", "render", "store", "notify", "language"},
    "language": {"base", "store"},
    "__main__": {"language", "cli"},
    "__init__": set(),
}
PURE_LAYERS = {"base", "core", "words", "plan", "export"}

# The pure core: no files, no clock, no environment, no terminal, no command line.
PURE_WORDS = re.compile(r"\bpure\b|stdlib only|no I/O", re.IGNORECASE)


def _says_pure(path: Path) -> bool:
    doc = ast.get_docstring(ast.parse(path.read_text())) or ""
    return bool(PURE_WORDS.search(doc.split("\n\n")[0]))


def _layer(name: str) -> str:
    """Return the layer of a dotted module name: its package under cloudplan, or the module itself."""
    parts = name.split(".")
    if len(parts) == 1 or not ((PACKAGE / parts[1]).is_dir() or (PACKAGE / f"{parts[1]}.py").exists()):
        return "__init__"  # the package itself, or a name it holds (__version__)
    return parts[1]


def _pure_modules() -> list[Path]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if _layer(_name(path)) in PURE_LAYERS or _says_pure(path):
            found.append(path)
    return found


FORBIDDEN_IN_CORE = {"rich", "typer", "click", "cloudplan.cli", "cloudplan.store", "cloudplan.render", "os", "sys"}
FORBIDDEN_CALLS = {"today", "now", "open", "read_text", "read_bytes", "write_text", "write_bytes", "getenv"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py"))


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_only(tree: ast.AST) -> set[int]:
    """Return the ids of the nodes under `if TYPE_CHECKING:`: imports for annotations, which never run."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            inside |= {id(n) for statement in node.body for n in ast.walk(statement)}
    return inside


def _imports(tree: ast.AST, runtime: bool = False) -> set[str]:
    """Return the modules and names *tree* imports (with *runtime*, not those imported for annotations only)."""
    skipped = _type_only(tree) if runtime else set()
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
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


def test_the_tree_is_the_layers() -> None:
    """Every package is a layer the map knows, and at most eight modules stay at the top."""
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages <= set(LAYERS), f"a package the layers do not know: {sorted(packages - set(LAYERS))}"
    top = [p.name for p in PACKAGE.glob("*.py")]
    assert len(top) <= 8, top
    assert {p.stem for p in PACKAGE.glob("*.py")} <= set(LAYERS)


def test_the_pure_modules_are_the_pure_layers_and_those_that_say_so() -> None:
    names = {_name(p) for p in _pure_modules()}
    expected = {"base.errors", "base.findings", "core.model", "core.periods", "core.status", "plan.decode",
                "core.validate", "plan.edits", "core.alerts", "core.gantt", "export.json", "export.ics"}  # fmt: skip
    assert {f"cloudplan.{n}" for n in expected} <= names
    assert not any(n.startswith(("cloudplan.cli", "cloudplan.store", "cloudplan.render.status")) for n in names)


@pytest.mark.parametrize("path", _pure_modules(), ids=lambda p: _name(p))
def test_core_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text())
    assert not _forbidden(_imports(tree), FORBIDDEN_IN_CORE)
    assert not _calls(tree) & FORBIDDEN_CALLS


@pytest.mark.parametrize("path", _modules(), ids=_name)
def test_imports_run_one_way(path: Path) -> None:
    """A module imports of cloudplan only its own layer and the layers below it (annotations aside: a type named
    for the checker is no dependency at run time)."""
    name = _name(path)
    layer = _layer(name)
    used = {_layer(i) for i in _imports(ast.parse(path.read_text()), runtime=True) if i.startswith("cloudplan.")}
    against = used - LAYERS[layer] - {layer, "__init__"}
    assert not against, f"{name} ({layer}) imports {sorted(against)} against the flow"


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
        if _name(path) in {"cloudplan.core.status", "cloudplan.plan.schema"}:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Dict):
                keys = {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                assert len(keys & names) < 2, f"{_name(path)} spells statuses as strings: {sorted(keys & names)}"


# -- the map says the same as the tree ---------------------------------------------------------

MAP = ROOT / "ARCHITECTURE.md"


def _code_map_rows() -> list[tuple[str, list[str]]]:
    """Return (layer, names it holds) for each row of ARCHITECTURE.md's code map table."""
    text = MAP.read_text(encoding="utf-8")
    table = text.split("## Code map", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("/`"):
            rows.append((cells[0].strip("`/"), re.findall(r"`([a-z_]+)/?`", cells[1])))
    return rows


def test_the_map_names_every_layer_and_only_modules_that_exist() -> None:
    rows = _code_map_rows()
    layers = {layer for layer, _names in rows}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert layers == packages, "ARCHITECTURE.md's code map and the folders of src/cloudplan differ"
    for layer, names in rows:
        for name in names:
            found = [PACKAGE / layer / f"{name}.py", PACKAGE / layer / name, PACKAGE / layer / "toml" / f"{name}.py"]
            assert any(p.exists() for p in found), f"ARCHITECTURE.md names {layer}/{name}, which does not exist"


def test_the_map_names_every_module() -> None:
    """A module the map does not name is one a newcomer cannot find: each is named in its layer's row."""
    named = {layer: set(names) for layer, names in _code_map_rows()}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or path.name == "__init__.py":
            continue
        assert path.stem in named[parts[0]], f"ARCHITECTURE.md does not name {'/'.join(parts)}"


def test_the_map_says_what_each_layer_may_use_as_the_test_does() -> None:
    text = MAP.read_text(encoding="utf-8")
    table = text.split("## Code map", 1)[1].split("\n## ", 1)[0]
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].startswith("`") and cells[0].endswith("/`"):
            layer = cells[0].strip("`/")
            said = set() if cells[2] == "nothing of cloudplan" else {w.strip() for w in cells[2].split(",")}
            if said == {"everything"}:
                continue
            assert said == LAYERS[layer], f"{layer}: the map says {sorted(said)}, the test {sorted(LAYERS[layer])}"


def test_the_dotted_names_of_the_map_exist() -> None:
    import importlib

    for dotted in re.findall(r"`((?:base|core|words|plan|store|export|render|notify|cli)(?:\.[A-Za-z_]+)+)`",
                             MAP.read_text(encoding="utf-8")):  # fmt: skip
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            try:
                found: object = importlib.import_module("cloudplan." + ".".join(parts[:cut]))
            except ImportError:
                continue
            for attribute in parts[cut:]:
                assert hasattr(found, attribute), f"ARCHITECTURE.md names {dotted}, which does not exist"
                found = getattr(found, attribute)
            break
        else:
            raise AssertionError(f"ARCHITECTURE.md names {dotted}, which does not exist")
