"""Where each key of a plan file stands, so that findings name its line (cloudplan.plan.toml.keymap.scan)."""

from __future__ import annotations

import tomllib

import pytest

from cloudplan.plan import decode
from cloudplan.plan.toml import keymap

DOC = '''\
#:schema ../cloudplan.schema.json
# A comment with = signs and [[brackets]] and [plan] in it
version = 1

[plan]
title = "Feuille de route"   # trailing comment = with [brackets]
  owner = "DINSIC"
timezone = "Europe/Paris"

[[project]]
id = "cercle-1"
title = "Cercle [1] # not a comment"
owners = [
  "Ministère ]] de l'Économie",   # a comment ] inside the array
  "DINSIC",
]
tags = ["infra"]

  [[project.milestone]]
  id = "finalisation"
  notes = """
first line
id = "not-a-key"
[[project]]
"""
  title = "Finalisation"
  due = "2019"

  [[project.milestone]]
  id = "extension"
  title = "Extension"
  notes = \'\'\'
[plan]
due = 'nope'
\'\'\'
  due = "2020"

[[project]]
id = "cercle-2"
title = "Cercle 2"

  [[project.milestone]]
  id = "ouverture"
  depends_on = ["cercle-1/extension"]
  title = "Ouverture"

    [[project.milestone.slip]]
    from = "2020-Q4"
    to = "2021-Q1"
    on = 2020-09-01

    [[project.milestone.slip]]
    from = "2021-Q1"
    to = "2021-Q2"
    on = 2021-01-15

  [[project.milestone]]
  id = "bilan"
  title = "Bilan"

[[indicator]]
id = "apps-cloud"
title = "Applications"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2019-06-30
  value = 80

  [[indicator.measure]]
  on = 2020-06-30
  value = 110

[[indicator]]
id = "sites"
title = "Sites"
'''

MAP = keymap.scan(DOC)
LINES = DOC.split("\n")


def line_of(needle: str, nth: int = 0) -> int:
    """The 1-based number of the *nth* line that holds *needle* (a header: that is *needle*)."""
    if needle.startswith("["):
        found = [i for i, text in enumerate(LINES, start=1) if text.strip() == needle]
    else:
        found = [i for i, text in enumerate(LINES, start=1) if needle in text]
    return found[nth]


def col_of(needle: str, nth: int = 0) -> int:
    text = LINES[line_of(needle, nth) - 1]
    return len(text) - len(text.lstrip()) + 1


def at(needle: str, nth: int = 0) -> tuple[int, int]:
    return line_of(needle, nth), col_of(needle, nth)


def test_doc_is_valid_toml() -> None:
    doc = tomllib.loads(DOC)
    assert doc["project"][0]["milestone"][0]["notes"].startswith("first line")
    assert len(doc["project"][1]["milestone"][0]["slip"]) == 2


def test_doc_is_a_plan_whose_only_findings_are_on_the_incomplete_indicator() -> None:
    _, found = decode.build(tomllib.loads(DOC), "p.toml")
    assert [(f.code, f.key) for f in found] == [
        ("indicator-incomplete", ("indicator", 1, "baseline")),
        ("indicator-incomplete", ("indicator", 1, "target")),
    ]
    # the keys are missing, so the findings fall back to the indicator's header
    assert [MAP.locate(f.key) for f in found] == [at("[[indicator]]", 1)] * 2


def test_top_level_key() -> None:
    assert MAP.locate(("version",)) == at("version = 1")


def test_plan_table_and_its_keys() -> None:
    assert MAP.locate(("plan",)) == at("[plan]")
    assert MAP.locate(("plan", "title")) == at('title = "Feuille')
    assert MAP.locate(("plan", "timezone")) == at("timezone =")


def test_indented_key_has_its_column() -> None:
    assert MAP.locate(("plan", "owner")) == (line_of('owner = "DINSIC"'), 3)


def test_comments_with_equals_and_brackets_are_not_keys_nor_headers() -> None:
    assert ("plan",) in MAP.spans
    assert MAP.spans[("plan",)].line == line_of("[plan]")  # not the comment on line 2
    assert MAP.tables[0] == ("plan",)
    assert not any(k and k[0] in ("A", "#") for k in MAP.spans)


def test_project_headers_and_indices() -> None:
    assert MAP.locate(("project", 0)) == at("[[project]]", 0)
    assert MAP.locate(("project", 1)) == at("[[project]]", 2)  # the one in the string is skipped
    assert MAP.locate(("project", 0, "id")) == at('id = "cercle-1"')
    assert MAP.locate(("project", 1, "id")) == at('id = "cercle-2"')
    assert MAP.locate(("project", 1, "title")) == at('title = "Cercle 2"')


def test_milestone_indices_restart_per_project() -> None:
    assert MAP.locate(("project", 0, "milestone", 0)) == at("[[project.milestone]]", 0)
    assert MAP.locate(("project", 0, "milestone", 1)) == at("[[project.milestone]]", 1)
    assert MAP.locate(("project", 1, "milestone", 0)) == at("[[project.milestone]]", 2)
    assert MAP.locate(("project", 1, "milestone", 1)) == at("[[project.milestone]]", 3)
    assert MAP.locate(("project", 1, "milestone", 0, "id")) == at('id = "ouverture"')
    assert MAP.locate(("project", 1, "milestone", 1, "id")) == at('id = "bilan"')
    assert ("project", 1, "milestone", 2) not in MAP.spans


def test_slip_headers_and_keys() -> None:
    assert MAP.locate(("project", 1, "milestone", 0, "slip", 0)) == at("[[project.milestone.slip]]", 0)
    assert MAP.locate(("project", 1, "milestone", 0, "slip", 1)) == at("[[project.milestone.slip]]", 1)
    assert MAP.locate(("project", 1, "milestone", 0, "slip", 0, "to")) == at('to = "2021-Q1"')
    assert MAP.locate(("project", 1, "milestone", 0, "slip", 1, "from")) == at('from = "2021-Q1"')
    assert MAP.locate(("project", 1, "milestone", 0, "slip", 1, "on")) == at("on = 2021-01-15")


def test_a_new_milestone_forgets_the_slips_of_the_one_before() -> None:
    assert ("project", 1, "milestone", 1, "slip", 0) not in MAP.spans
    assert ("project", 1, "milestone", 1, "slip", 2) not in MAP.spans
    assert MAP.locate(("project", 1, "milestone", 1, "title")) == at('title = "Bilan"')


def test_indicator_headers_and_measures() -> None:
    assert MAP.locate(("indicator", 0)) == at("[[indicator]]", 0)
    assert MAP.locate(("indicator", 1)) == at("[[indicator]]", 1)
    assert MAP.locate(("indicator", 0, "measure", 0)) == at("[[indicator.measure]]", 0)
    assert MAP.locate(("indicator", 0, "measure", 1)) == at("[[indicator.measure]]", 1)
    assert MAP.locate(("indicator", 0, "measure", 1, "value")) == at("value = 110")
    assert MAP.locate(("indicator", 1, "id")) == at('id = "sites"')


def inner(needle: str, key: str) -> tuple[int, int]:
    """The line of *needle*, and the 1-based column of *key* inside it (e.g. a key in an inline table)."""
    line = line_of(needle)
    return line, LINES[line - 1].index(key) + 1


def test_inline_tables() -> None:
    assert MAP.locate(("indicator", 0, "baseline")) == at("baseline = {")
    assert MAP.locate(("indicator", 0, "target")) == at("target = {")
    # keys inside an inline table are on the line of the table's key, at their own column
    assert MAP.locate(("indicator", 0, "baseline", "on")) == inner("baseline = {", "on = ")
    assert MAP.locate(("indicator", 0, "baseline", "value")) == inner("baseline = {", "value = ")
    assert MAP.locate(("indicator", 0, "target", "value")) == inner("target = {", "value = ")
    assert MAP.locate(("indicator", 0, "target", "by")) == inner("target = {", "by = ")
    # a key the inline table lacks falls back to the table's key
    assert MAP.locate(("indicator", 0, "target", "on")) == at("target = {")


def test_multi_line_array() -> None:
    span = MAP.spans[("project", 0, "owners")]
    assert (span.line, span.col) == at("owners = [")
    # the line that closes it, after the brackets in its strings and comments
    assert span.last == line_of('  "DINSIC",') + 1
    assert LINES[span.last - 1] == "]"
    # its elements have lines of their own
    assert MAP.locate(("project", 0, "owners", 0)) == at('"Ministère ]]')
    assert MAP.locate(("project", 0, "owners", 1)) == at('  "DINSIC",')
    assert MAP.locate(("project", 0, "tags")) == at('tags = ["infra"]')
    # an array on one line, without inline tables, has no spans inside: its elements are at its key
    assert ("project", 0, "tags", 0) not in MAP.spans
    assert MAP.locate(("project", 0, "tags", 0)) == at('tags = ["infra"]')


def test_string_with_brackets_and_hash() -> None:
    assert MAP.locate(("project", 0, "title")) == at('title = "Cercle [1]')
    assert MAP.spans[("project", 0, "title")].last == line_of('title = "Cercle [1]')


def test_multi_line_basic_string() -> None:
    span = MAP.spans[("project", 0, "milestone", 0, "notes")]
    assert (span.line, span.last) == (line_of('notes = """'), line_of('"""', 1))
    # lines inside it that look like keys or headers are not
    assert MAP.locate(("project", 0, "milestone", 0, "id")) == at('id = "finalisation"')
    assert MAP.locate(("project", 0, "milestone", 0, "title")) == at('title = "Finalisation"')
    assert MAP.locate(("project", 0, "milestone", 0, "due")) == at('due = "2019"')


def test_multi_line_literal_string() -> None:
    span = MAP.spans[("project", 0, "milestone", 1, "notes")]
    assert (span.line, span.last) == (line_of("notes = '''"), line_of("'''", 1))
    assert MAP.locate(("project", 0, "milestone", 1, "due")) == at('due = "2020"')
    assert MAP.tables.count(("plan",)) == 1


def test_missing_keys_fall_back_to_their_table() -> None:
    assert MAP.locate(("project", 1, "milestone", 1, "due")) == at("[[project.milestone]]", 3)
    assert MAP.locate(("project", 1, "milestone", 0, "slip", 0, "reason")) == at("[[project.milestone.slip]]", 0)
    assert MAP.locate(("indicator", 1, "baseline")) == at("[[indicator]]", 1)
    assert MAP.locate(("plan", "warn_days")) == at("[plan]")
    assert MAP.locate(("project", 0, "description")) == at("[[project]]", 0)


def test_missing_table_falls_back_to_its_parent_or_the_top() -> None:
    # an array of tables is where its first element is declared
    assert MAP.locate(("project",)) == at("[[project]]", 0)
    assert MAP.locate(("project", 1, "milestone")) == at("[[project.milestone]]", 2)
    assert MAP.locate(("project", 1, "milestone", 0, "slip")) == at("[[project.milestone.slip]]", 0)
    assert MAP.locate(("project", 0, "milestone", 7, "id")) == at("[[project.milestone]]", 0)
    assert MAP.locate(("project", 9)) == at("[[project]]", 0)
    # an array of tables this element does not have falls back to the element itself
    assert ("project", 0, "milestone", 0, "slip") not in MAP.spans
    assert MAP.locate(("project", 0, "milestone", 0, "slip", 0)) == at("[[project.milestone]]", 0)
    assert MAP.locate(("project", 1, "milestone", 1, "slip", 0, "on")) == at("[[project.milestone]]", 3)
    assert MAP.locate(()) == (1, 1)
    assert MAP.locate(("nowhere",)) == (1, 1)
    assert MAP.locate(("nowhere", 0, "id")) == (1, 1)


def test_tables_in_order() -> None:
    assert MAP.tables == [
        ("plan",),
        ("project", 0),
        ("project", 0, "milestone", 0),
        ("project", 0, "milestone", 1),
        ("project", 1),
        ("project", 1, "milestone", 0),
        ("project", 1, "milestone", 0, "slip", 0),
        ("project", 1, "milestone", 0, "slip", 1),
        ("project", 1, "milestone", 1),
        ("indicator", 0),
        ("indicator", 0, "measure", 0),
        ("indicator", 0, "measure", 1),
        ("indicator", 1),
    ]


def test_ends_are_the_last_line_of_each_table() -> None:
    assert MAP.ends[("project", 0)] == line_of('tags = ["infra"]')
    assert MAP.ends[("project", 0, "milestone", 1)] == line_of('due = "2020"')
    assert MAP.ends[("indicator", 1)] == line_of('title = "Sites"')
    assert MAP.ends[()] == line_of("version = 1")


# -- smaller documents ----------------------------------------------------------------------


def test_empty_and_comment_only_documents() -> None:
    assert keymap.scan("").locate(("plan",)) == (1, 1)
    assert keymap.scan("# just = a [comment]\n").spans == {}


def test_dotted_and_quoted_keys() -> None:
    text = 'plan.title = "P"\n[[project]]\n"id" = "p"\n\'title\' = "T"\nowners . x = 1\n'
    tomllib.loads(text)
    m = keymap.scan(text)
    assert m.locate(("plan", "title")) == (1, 1)
    assert m.locate(("project", 0, "id")) == (3, 1)
    assert m.locate(("project", 0, "title")) == (4, 1)
    assert m.locate(("project", 0, "owners", "x")) == (5, 1)


def test_headers_with_spaces_and_comments() -> None:
    text = '[ plan ]  # [x]\ntitle = "P"\n[[ project ]]\nid = "a"\n[[ project . milestone ]] # ]]\nid = "m"\n'
    tomllib.loads(text)
    m = keymap.scan(text)
    assert m.locate(("plan", "title")) == (2, 1)
    assert m.locate(("project", 0, "milestone", 0)) == (5, 1)
    assert m.locate(("project", 0, "milestone", 0, "id")) == (6, 1)


def test_plain_subtable_inside_an_array_element() -> None:
    text = '[[indicator]]\nid = "a"\n[indicator.baseline]\nvalue = 1\non = "2018"\n[[indicator]]\nid = "b"\n'
    tomllib.loads(text)
    m = keymap.scan(text)
    assert m.locate(("indicator", 0, "baseline")) == (3, 1)
    assert m.locate(("indicator", 0, "baseline", "on")) == (5, 1)
    assert m.locate(("indicator", 1, "id")) == (7, 1)


def test_array_of_inline_tables_over_several_lines() -> None:
    text = 'measure = [\n  { on = 2020-01-01, value = 1 },\n  { on = 2021-01-01, value = 2 },\n]\nafter = "x"\n'
    tomllib.loads(text)
    m = keymap.scan(text)
    assert m.spans[("measure",)].last == 4
    assert m.locate(("after",)) == (5, 1)
    # each element, and each key in it, on its own line
    assert m.locate(("measure", 0)) == (2, 3)
    assert m.locate(("measure", 1)) == (3, 3)
    assert m.locate(("measure", 1, "on")) == (3, 5)
    assert m.locate(("measure", 1, "value")) == (3, 22)


def test_nested_multi_line_arrays() -> None:
    text = "a = [\n  [1, 2],\n  [\n    3,\n  ],\n]\nb = 1\n"
    tomllib.loads(text)
    m = keymap.scan(text)
    assert (m.spans[("a",)].line, m.spans[("a",)].last) == (1, 6)
    assert m.locate(("b",)) == (7, 1)


@pytest.mark.parametrize(
    "value",
    [
        '"""one line"""',
        '"""ends with quotes"""""',
        "'''one line'''",
        '"a \\" quote [ ]"',
        '"a \\\\"',
        "'C:\\\\path\\\\'",
        '""',
        "''",
        '"""\nescaped \\""" still inside\n"""',
        '"""\nbackslash at end \\\n  continues"""',
    ],
)
def test_strings_do_not_swallow_the_next_key(value: str) -> None:
    text = f"a = {value}\nb = 1\n"
    tomllib.loads(text)
    m = keymap.scan(text)
    b_line = text.split("\n").index("b = 1") + 1
    assert m.locate(("b",)) == (b_line, 1)
    assert m.spans[("a",)].last == b_line - 1


def test_crlf_line_endings() -> None:
    text = '[plan]\r\ntitle = "P"\r\n[[project]]\r\nid = "p"\r\nowners = [\r\n  "a",\r\n]\r\ntitle = "T"\r\n'
    tomllib.loads(text)
    m = keymap.scan(text)
    assert m.locate(("plan", "title")) == (2, 1)
    assert m.locate(("project", 0, "id")) == (4, 1)
    assert m.locate(("project", 0, "title")) == (8, 1)


@pytest.mark.parametrize("odd", ["\u2028", "\u2029", "\x85", "\u2028\u2029"])
def test_unicode_line_separators_in_strings_are_not_newlines(odd: str) -> None:
    # TOML ends lines with LF (or CRLF) only; a title may hold any character
    text = f'[plan]\ntitle = "a{odd}b"\n# a comment{odd}too\n[[project]]\nid = "p"\n'
    assert tomllib.loads(text)["plan"]["title"] == f"a{odd}b"
    m = keymap.scan(text)
    assert m.locate(("project", 0)) == (4, 1)
    assert m.locate(("project", 0, "id")) == (5, 1)


def test_unicode_keys_and_values_keep_columns_in_characters() -> None:
    text = '[plan]\ntitle = "État ✓"\n    "clé" = 1\n'
    tomllib.loads(text)
    assert keymap.scan(text).locate(("plan", "clé")) == (3, 5)
