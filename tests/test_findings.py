"""Every finding, with its code, at the line of its key: the broken-plan corpus and the locator (issue 3)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan import store
from cloudplan.base.findings import CODES, Finding
from tests.conftest import MINIMAL

PLANS = Path(__file__).resolve().parent / "plans"
BROKEN = PLANS / "broken"
CHECK_AS_OF = date(2021, 6, 30)  # the day the corpus and the docs' examples are checked as of
EXPECT = re.compile(r"# expect: ([a-z0-9-]+):(\d+)")

# Codes that no file in a git repository can show: made by the tests below instead; and `bad-source`, a
# portfolio file's, not a plan's (tests/test_portfolio.py makes it, each case at its line).
MADE_BY_TESTS = {"too-large", "unreadable", "bad-source"}


def load(*paths: Path) -> list[Finding]:
    """Return the findings on *paths* read together, as of CHECK_AS_OF."""
    files = [store.PlanFile(p, p.name) for p in paths]
    return list(store.load_with_findings(files, lambda _tz: CHECK_AS_OF).findings)


def plan_file(tmp_path: Path, text: str) -> Path:
    """Return a plan file holding *text* as it is (line ends kept)."""
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8", newline="")
    return path


def load_text(text: str, tmp_path: Path) -> list[tuple[str, int, int]]:
    """Return (code, line, col) of each finding on a plan with *text*."""
    return [(f.code, f.line, f.col) for f in load(plan_file(tmp_path, text))]


def expected(path: Path) -> tuple[str, int]:
    """Return the code and line that a corpus file's first line, `# expect: CODE:LINE`, announces."""
    first = path.read_bytes().split(b"\n", 1)[0].decode("ascii")
    match = EXPECT.fullmatch(first)
    assert match, f"{path.name}: the first line must be '# expect: CODE:LINE'"
    return match[1], int(match[2])


# -- the corpus: one broken file per case, one finding each, at its exact line --------------------


@pytest.mark.parametrize("path", sorted(BROKEN.glob("*.toml")), ids=lambda p: p.stem)
def test_each_broken_file_gives_its_one_finding_at_its_line(path: Path) -> None:
    code, line = expected(path)
    found = load(path)
    assert [(f.code, f.line) for f in found] == [(code, line)], [str(f) for f in found]
    assert found[0].severity is CODES[code]
    assert found[0].col >= 1


def test_the_corpus_is_large_and_covers_every_code() -> None:
    corpus = sorted(BROKEN.glob("*.toml"))
    assert len(corpus) >= 30
    covered = {expected(p)[0] for p in corpus}
    assert covered | MADE_BY_TESTS == set(CODES)


def test_a_file_over_the_size_limit_is_a_finding(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    with path.open("wb") as f:
        f.truncate(80 * 2**20)  # sparse: nothing is written, and cloudplan must not read it
    assert [str(f) for f in load(path)] == [
        "plan.toml:1:1: error too-large: the file is 80 MB; plan files are limited to 64 MB"
    ]


def test_a_file_that_cannot_be_read_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(MINIMAL, encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert [str(f) for f in load(path)] == ["plan.toml:1:1: error unreadable: cannot read the file: Permission denied"]


# -- locations ----------------------------------------------------------------------------------------


def test_line_separators_inside_values_do_not_shift_lines(tmp_path: Path) -> None:
    # U+2028 and U+0085 are plain characters to TOML, but line breaks to str.splitlines().
    text = '[plan]\ntitle = "one\u2028two\u0085three"\n# \u2029\ntimezon = "UTC"\n'
    assert load_text(text, tmp_path) == [("unknown-key", 4, 1)]


def test_crlf_line_ends(tmp_path: Path) -> None:
    assert load_text('[plan]\r\ntitle = "P"\r\n\r\n  timezon = "UTC"\r\n', tmp_path) == [("unknown-key", 4, 3)]


def test_an_unknown_array_of_tables_is_at_its_first_header(tmp_path: Path) -> None:
    text = '[plan]\ntitle = "P"\n\n[[indicators]]\nid = "a"\n\n[[indicators]]\nid = "b"\n'
    assert load_text(text, tmp_path) == [("unknown-key", 4, 1)]


def test_what_is_left_open_is_reported_at_the_last_line(tmp_path: Path) -> None:
    assert load_text('[plan]\ntitle = "P"\nowner = """DINSIC\n\n', tmp_path) == [("toml-syntax", 3, 18)]


def test_a_missing_key_is_at_its_tables_header_and_named_in_its_key_path(tmp_path: Path) -> None:
    found = load(plan_file(tmp_path, MINIMAL.replace('  title = "Two"\n', "")))
    assert [(f.code, f.line, f.key) for f in found] == [("missing-key", 14, ("project", 0, "milestone", 1, "title"))]


def test_a_milestone_dropped_for_its_id_does_not_leave_its_project_empty(tmp_path: Path) -> None:
    text = '[plan]\ntitle = "P"\n[[project]]\nid = "a"\ntitle = "A"\n[[project.milestone]]\nid = "X"\ntitle = "X"\n'
    assert load_text(text, tmp_path) == [("bad-slug", 7, 1)]


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("version = 1.0", "unsupported-version"),
        ("version = true", "unsupported-version"),
        ('done = "20210315"', "bad-date"),
        ('done = "2021-W10-1"', "bad-date"),
        ('due = "\u0662\u0660\u0662\u0661"', "bad-period"),  # Arabic-Indic digits: int() reads them, TOML does not
        ("done = 2021-03-15T10:00:00Z", "bad-date"),
        ("due = 2021.5", "bad-period"),
        ("due = 10:00:00", "bad-period"),
    ],
)
def test_values_that_look_almost_right_are_refused(line: str, code: str, tmp_path: Path) -> None:
    if line.startswith("version"):
        text = line + "\n" + MINIMAL
    elif line.startswith("due"):
        text = MINIMAL.replace('  due = "2020-12"\n', f"  {line}\n")
    else:
        text = f"{MINIMAL}  {line}\n"
    assert [c for c, _line, _col in load_text(text, tmp_path)] == [code]


def test_a_ref_suggestion_compares_ids_within_the_project(tmp_path: Path) -> None:
    text = MINIMAL.replace('depends_on = ["one"]', 'depends_on = ["alpha/construction", "oen"]')
    messages = [f.message for f in load(plan_file(tmp_path, text))]
    # 'alpha/construction' shares only its project with 'alpha/one': no suggestion.
    assert messages == [
        "depends on 'alpha/construction', which no plan holds",
        "depends on 'alpha/oen', which no plan holds; did you mean 'alpha/one'?",
    ]


def test_status_refuses_an_invalid_plan_with_its_first_error(
    cli: Callable[..., Result], write_plan: Callable[..., Path]
) -> None:
    write_plan('[plan]\ntitle = "A"\nowner = 1\ntimezone = "Mars/Olympus"\n')
    result = cli("status")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "cloudplan: cloudplan.toml:3:1: error wrong-type: 'owner' must be a string, not a number\n"
        "  run `cloudplan check` to see every finding\n"
    )


def test_findings_inside_arrays_written_over_several_lines_are_at_their_element(tmp_path: Path) -> None:
    text = """\
[plan]
title = "P"

[[indicator]]
id = "apps"
title = "Applications"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }
measure = [
  { on = 2020-06-30, value = 110 },
  { on = 2020-12-31, valeur = 120 },
  { on = "2021-02-30", value = 130, note = \"\"\"a note, ] with } brackets
over # two lines\"\"\" },
]

[[project]]
id = "alpha"
title = "Alpha"
owners = [
  "DINSIC",
  42,
]
milestone = [{ id = "one", title = "One" }, { id = "two", title = "Two", depends_on = ["one", "a/b/c"] }]
"""
    assert load_text(text, tmp_path) == [
        ("missing-key", 11, 3),  # 'value', at the element
        ("unknown-key", 11, 22),  # 'valeur', at the key itself
        ("bad-date", 12, 5),  # the element after a string that holds brackets and a newline
        ("wrong-type", 21, 3),  # 42, at the element
        ("bad-ref", 23, 95),  # 'a/b/c', in an inline table in an inline array
    ]


def test_a_file_that_cannot_be_read_does_not_hide_the_others_findings(tmp_path: Path) -> None:
    broken = tmp_path / "a.toml"
    broken.write_text('[plan]\ntitle = "A\n', encoding="utf-8")
    other = tmp_path / "b.toml"
    other.write_text(MINIMAL.replace('depends_on = ["one"]', 'depends_on = ["two", "elsewhere/one"]'), encoding="utf-8")
    found = [(f.source, f.code) for f in load(broken, other)]
    # The cycle is reported; the ref into what a.toml may hold is not, until a.toml can be read.
    assert found == [("a.toml", "toml-syntax"), ("b.toml", "dependency-cycle")]
    assert [f.code for f in load(other)] == ["unknown-ref", "dependency-cycle"]
