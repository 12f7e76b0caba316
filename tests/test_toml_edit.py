"""Surgical TOML edits (toml.edit): each change touches only its lines; everything else stays byte for byte."""

from __future__ import annotations

import difflib
import tomllib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cloudplan.base.errors import CannotEdit
from cloudplan.plan.toml import keymap
from cloudplan.plan.toml.splice import Append, Change, Drop, Outline, Remove, Set, apply, expect, spell
from tests.conftest import ROADMAP

PLAN = """\
#:schema ./cloudplan.schema.json
# A plan with comments everywhere.

version = 1

[plan]
title = "Plan"   # the title

[[project]]
id = "alpha"
title = "Alpha"
owners = [
  "DINSIC",   # a comment inside an array
  "DINUM",
]

    [[project.milestone]]
    id = "one"
    title = 'One'          # literal string, kept
    due = "2020-Q1"        # aligned comment
    # about the notes:
    notes = \"\"\"
[[not.a.header]]
spans lines\"\"\"

    [[project.milestone]]
    id = "two"
    title = "Two"
    due = 2020-12-31
    depends_on = ["one"]
    # trailing comment of two

# --- Indicators ---

[[indicator]]
id = "i"
title = "I"
baseline = { value = 1, on = "2018" }
target = { value = 2, by = "2022" }
"""

MS1 = ("project", 0, "milestone", 0)
MS2 = ("project", 0, "milestone", 1)
ORDER = ("id", "title", "start", "due")


def diff(before: str, after: str) -> list[str]:
    """The lines removed (-) and added (+), without context."""
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and line[:3] not in ("+++", "---")
    ]


def check(text: str, changes: list[Change]) -> str:
    """Apply *changes*; the new text must parse to the old document with exactly those changes."""
    new = apply(text, changes)
    assert tomllib.loads(new) == expect(tomllib.loads(text), changes)
    return new


def test_set_adds_a_line_after_the_key_before_it_in_house_order() -> None:
    new = check(PLAN, [Set(MS2, "done", date(2021, 1, 5), ORDER)])
    assert diff(PLAN, new) == ["+    done = 2021-01-05"]
    assert new.splitlines()[new.splitlines().index("    due = 2020-12-31") + 1] == "    done = 2021-01-05"


def test_set_replaces_a_value_and_keeps_its_comment_in_its_column() -> None:
    new = check(PLAN, [Set(MS1, "due", "2020-H2")])
    assert diff(PLAN, new) == [
        '-    due = "2020-Q1"        # aligned comment',
        '+    due = "2020-H2"        # aligned comment',
    ]
    new = check(PLAN, [Set(MS1, "due", date(2021, 3, 15))])
    assert "    due = 2021-03-15       # aligned comment" in new.splitlines()


def test_set_replaces_a_multiline_value_with_one_line() -> None:
    new = check(PLAN, [Set(("project", 0), "owners", ["DINUM"])])
    assert diff(PLAN, new) == [
        "-owners = [",
        '-  "DINSIC",   # a comment inside an array',
        '-  "DINUM",',
        "-]",
        '+owners = ["DINUM"]',
    ]


def test_set_after_a_multiline_string_goes_after_its_last_line() -> None:
    new = check(PLAN, [Set(MS1, "owners", ["X"], ("id", "title", "due", "done", "cancelled", "notes"))])
    assert diff(PLAN, new) == ['+    owners = ["X"]']
    lines = new.splitlines()
    assert lines[lines.index('    owners = ["X"]') - 1] == 'spans lines"""'


def test_drop_removes_only_that_key() -> None:
    new = check(PLAN, [Drop(MS2, "depends_on")])
    assert diff(PLAN, new) == ['-    depends_on = ["one"]']


def test_append_a_nested_table_after_the_block_with_its_indentation() -> None:
    slip = Append(MS2, "slip", (("from", "2020-12"), ("to", "2021-Q1"), ("on", date(2020, 9, 1)), ("reason", "late")))
    new = check(PLAN, [Set(MS2, "due", "2021-Q1"), slip])
    assert diff(PLAN, new) == [
        "-    due = 2020-12-31",
        '+    due = "2021-Q1"',
        "+",
        "+      [[project.milestone.slip]]",
        '+      from = "2020-12"',
        '+      to = "2021-Q1"',
        "+      on = 2020-09-01",
        '+      reason = "late"',
    ]
    # The comment that trails the milestone stays with it, above the new table.
    lines = new.splitlines()
    assert lines[lines.index("      [[project.milestone.slip]]") - 2] == "    # trailing comment of two"


def test_append_a_sibling_copies_the_indentation_of_the_last_one() -> None:
    new = check(PLAN, [Append(("project", 0), "milestone", (("id", "three"), ("title", "Three")))])
    assert len(diff(PLAN, new)) == 4
    assert (
        '    # trailing comment of two\n\n    [[project.milestone]]\n    id = "three"\n    title = "Three"\n\n# ---'
        in new
    )


def test_a_first_table_goes_before_the_tables_its_caller_names_and_their_comments() -> None:
    text = PLAN[: PLAN.index("[[project]]")] + PLAN[PLAN.index("# --- Indicators") :]
    assert check(text, [Append((), "project", (("id", "b"),))]).endswith('\n\n[[project]]\nid = "b"\n')
    new = check(text, [Append((), "project", (("id", "b"), ("title", "B")), before=("indicator",))])
    assert new.index('id = "b"') < new.index("# --- Indicators")
    assert 'title = "Plan"   # the title\n\n[[project]]\nid = "b"\ntitle = "B"\n\n# --- Indicators' in new


def test_remove_a_table_takes_its_nested_tables_and_trailing_comments() -> None:
    new = check(PLAN, [Remove(MS2)])
    assert "two" not in new
    assert "# trailing comment of two" not in new
    assert "# --- Indicators ---" in new
    assert diff(PLAN, new) == [
        "-    [[project.milestone]]",
        '-    id = "two"',
        '-    title = "Two"',
        "-    due = 2020-12-31",
        '-    depends_on = ["one"]',
        "-    # trailing comment of two",
        "-",
    ]


def test_remove_the_last_table_leaves_no_blank_line_at_the_end() -> None:
    new = check(PLAN, [Remove(("indicator", 0))])
    assert new.endswith("# --- Indicators ---\n")


def test_remove_a_table_with_its_comment_block_right_above() -> None:
    text = (
        '[plan]\ntitle = "P"\n\n# about alpha\n# more\n[[project]]\nid = "a"\ntitle = "A"\n\n'
        '[[project]]\nid = "b"\ntitle = "B"\n'
    )
    new = check(text, [Remove(("project", 0))])
    assert new == '[plan]\ntitle = "P"\n\n[[project]]\nid = "b"\ntitle = "B"\n'


def test_a_table_split_across_the_file_is_not_removed() -> None:
    text = '[[project]]\nid = "a"\ntitle = "A"\n\n[plan]\ntitle = "P"\n\n[[project.milestone]]\nid = "m"\ntitle = "M"\n'
    with pytest.raises(CannotEdit):
        apply(text, [Remove(("project", 0))])


def test_an_inline_table_cannot_be_edited() -> None:
    text = '[plan]\ntitle = "P"\n\n[[project]]\nid = "a"\ntitle = "A"\nmilestone = [{ id = "m", title = "M" }]\n'
    with pytest.raises(CannotEdit, match="by hand"):
        apply(text, [Set(("project", 0, "milestone", 0), "done", date(2020, 1, 1))])


def test_crlf_files_stay_crlf() -> None:
    text = PLAN.replace("\n", "\r\n")
    new = check(
        text,
        [Set(MS2, "done", date(2021, 1, 5), ORDER), Append(("project", 0), "milestone", (("id", "x"), ("title", "X")))],
    )
    assert new.count("\r\n") == new.count("\n")
    assert diff(text, new) == diff(
        PLAN,
        check(
            PLAN,
            [
                Set(MS2, "done", date(2021, 1, 5), ORDER),
                Append(("project", 0), "milestone", (("id", "x"), ("title", "X"))),
            ],
        ),
    )


def test_a_file_without_a_final_newline_keeps_none() -> None:
    text = PLAN.rstrip("\n")
    new = check(text, [Append(("indicator", 0), "measure", (("on", date(2020, 1, 1)), ("value", 3)))])
    assert new.endswith("value = 3")
    assert new.startswith(text)


def test_unicode_line_separators_inside_strings_do_not_shift_lines() -> None:
    text = '[plan]\ntitle = "a\u2028b\x85c"\n\n[[project]]\nid = "a"\ntitle = "A"\n'
    new = check(text, [Set(("project", 0), "description", "D", ("id", "title"))])
    assert diff(text, new) == ['+description = "D"']


def test_spell() -> None:
    assert spell('l\'État "x"\n') == '"l\'État \\"x\\"\\n"'
    assert spell(date(2021, 3, 15)) == "2021-03-15"
    assert spell(["a", "b"]) == '["a", "b"]'
    assert spell({"value": 60, "on": "2018"}) == '{ value = 60, on = "2018" }'
    assert spell(12.5) == "12.5"


def test_outline_finds_the_same_tables_as_the_full_scan() -> None:
    for text in (ROADMAP.read_text(encoding="utf-8"), PLAN, PLAN.replace('"""', "'")):
        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError:
            continue
        full = keymap.scan(text)
        outline = Outline(text)
        assert outline.paths == full.tables
        assert all(h.line == full.spans[t].line for h, t in zip(outline.headers, outline.paths, strict=True))
        for i, table in enumerate(outline.paths):
            own = {(*table, *e.names): (e.line, e.col, e.last) for e in outline.entries(i)}
            assert own == {
                k: tuple(s)
                for k, s in full.spans.items()
                if k[: len(table)] == table
                and len(k) == len(table) + 1
                and k not in full.tables
                and (*k, 0) not in full.tables  # an array of tables, spanned at its first element
            }
            assert (outline.entries(i)[-1].last if outline.entries(i) else outline.headers[i].line) == full.ends[table]


# -- any edit of the roadmap keeps every other line ------------------------------------------------

_ROADMAP = ROADMAP.read_text(encoding="utf-8")
_DOC = tomllib.loads(_ROADMAP)
_MILESTONES = [
    ("project", p, "milestone", m) for p, proj in enumerate(_DOC["project"]) for m in range(len(proj["milestone"]))
]
_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@st.composite
def _changes(draw: st.DrawFn) -> list[Change]:
    table = draw(st.sampled_from(_MILESTONES))
    kind = draw(st.sampled_from(["set", "drop", "append", "remove"]))
    if kind == "set":
        name = draw(st.sampled_from(["done", "notes", "due", "title"]))
        value: object = draw(st.dates()) if name == "done" else draw(_TEXT)
        return [Set(table, name, value, ORDER)]  # type: ignore[arg-type]
    if kind == "drop":
        return [Drop(table, draw(st.sampled_from(["due", "notes", "depends_on", "nothing"])))]
    if kind == "append":
        return [
            Append(table, "slip", (("from", "2020"), ("to", "2021"), ("on", draw(st.dates())), ("reason", draw(_TEXT))))
        ]
    return [Remove(table)]


@settings(max_examples=150, deadline=None)
@given(_changes())
def test_any_edit_of_the_roadmap_parses_to_exactly_that_edit(changes: list[Change]) -> None:
    new = apply(_ROADMAP, changes)
    assert tomllib.loads(new) == expect(tomllib.loads(_ROADMAP), changes)
    # Every comment line of the roadmap is still there, unless it went with a removed milestone.
    if not isinstance(changes[0], Remove):
        comments = [line for line in _ROADMAP.splitlines() if line.lstrip().startswith("#")]
        assert all(c in new.splitlines() for c in comments)


def test_outline_skips_header_lines_inside_multiline_strings() -> None:
    text = (
        '[plan]\ntitle = "P"  # a """ in a comment\n\n[[project]]\nid = "a"\ntitle = \'say """hi"""\'\n'
        'description = """\n[[project]]\nescaped \\""" still inside\n[plan]\n"""\n\n'
        "  [[project.milestone]]\n  id = \"m\"\n  title = \"M\"\n  notes = '''\n[[project.milestone]]\n'''\n\n"
        '[[project]]\nid = "b"\ntitle = "B"\n'
    )
    assert tomllib.loads(text)["project"][1]["id"] == "b"
    outline = Outline(text)
    full = keymap.scan(text)
    assert outline.paths == full.tables == [("plan",), ("project", 0), ("project", 0, "milestone", 0), ("project", 1)]
    assert all(h.line == full.spans[t].line for h, t in zip(outline.headers, outline.paths, strict=True))
    new = check(text, [Set(("project", 0, "milestone", 0), "done", date(2020, 1, 1), ORDER)])
    assert diff(text, new) == ["+  done = 2020-01-01"]
