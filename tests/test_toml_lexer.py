"""The lexer's statements, headers and names, each position exact (cloudplan.plan.toml.lexer)."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator

import pytest

from cloudplan.plan.toml import lexer
from cloudplan.plan.toml.lexer import Entry, Header, LexError


@pytest.fixture(autouse=True)
def _names_read_afresh() -> Iterator[None]:
    """The names of dotted keys are cached across calls: each test reads them afresh, so that it tests the reading."""
    lexer._NAMES.clear()
    yield
    lexer._NAMES.clear()


# -- names ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "names"),
    [
        ("a", ("a",)),
        ("a.b.c", ("a", "b", "c")),
        ("a . b\t.\tc", ("a", "b", "c")),
        ("'x.y'.z", ("x.y", "z")),
        ('"x.y".z', ("x.y", "z")),
        ("a.'b c'.\"d\"", ("a", "b c", "d")),
        ("'a\\tb'", ("a\\tb",)),
        ('"a\\tb"', ("a\tb",)),
        ('"\\b\\t\\n\\f\\r\\"\\\\"', ('\b\t\n\f\r"\\',)),
        ('"caf\\u00e9"', ("café",)),
        ('"\\U0001F600!"', ("\U0001f600!",)),
        ('"\\u00E9\\U000000e9"', ("éé",)),
        ('""', ("",)),
        ("''", ("",)),
        ('"plain"', ("plain",)),
    ],
)
def test_names_are_decoded_as_tomllib_decodes_them(written: str, names: tuple[str, ...]) -> None:
    assert lexer.names(written) == names
    assert lexer.names(written) == names, "the same from the cache"
    parsed = tomllib.loads(f"{written} = 1")
    for name in names[:-1]:
        parsed = parsed[name]
    assert list(parsed) == [names[-1]]


@pytest.mark.parametrize("escape", ["\\q", "\\x41", "\\a", "\\e"])
def test_an_unknown_escape_is_a_lex_error(escape: str) -> None:
    with pytest.raises(LexError, match="unknown escape"):
        lexer.names(f'"a{escape}"')


def test_the_cache_of_names_is_bounded() -> None:
    for i in range(5000):
        assert lexer.names(f"k{i}.x") == (f"k{i}", "x")
    assert len(lexer._NAMES) == 4096
    assert lexer.names("k4999.x") == ("k4999", "x"), "past the bound: read, not cached"


# -- statements ---------------------------------------------------------------------------------------


def test_statements_say_where_each_begins_and_ends() -> None:
    text = 'a = 1\n\n  [t]  # c\nb.c = "x"  # d\nlong = [\n  1,\n]\n[[arr]]\ne = { f = 1 }\n'
    found = lexer.statements(text)
    assert found == [
        Entry(("a",), 0, 1, 1, 4, 5, 1, 6, False),
        Header(("t",), False, 7, 3, 3, 18),
        Entry(("b", "c"), 18, 4, 1, 24, 27, 4, 33, False),
        Entry(("long",), 33, 5, 1, 40, 48, 7, 49, True),
        Header(("arr",), True, 49, 8, 1, 57),
        Entry(("e",), 57, 9, 1, 61, 70, 9, 71, True),
    ]
    assert [text[s.start : s.end] for s in found] == [
        "a = 1\n",  # a blank line belongs to no statement
        "  [t]  # c\n",
        'b.c = "x"  # d\n',
        "long = [\n  1,\n]\n",
        "[[arr]]\n",
        "e = { f = 1 }\n",
    ]
    assert text[found[3].value : found[3].value_end] == "[\n  1,\n]"


def test_a_value_over_exactly_two_lines_ends_on_the_second() -> None:
    text = 'x = """\nb"""\ny = [\n1]\nz = 2\n'
    x, y, z = lexer.statements(text)
    assert (x.line, x.last, x.end, x.nests) == (1, 2, 13, True)
    assert (y.line, y.last, y.end, y.nests) == (3, 4, 22, True)
    assert (text[x.start : x.end], text[y.start : y.end]) == ('x = """\nb"""\n', "y = [\n1]\n")
    assert (z.line, z.last) == (5, 5)


def test_statements_from_the_middle_of_a_text() -> None:
    text = "a = 1\nb = 2\n[t]\nc = 3\n"
    found = lexer.statements(text, 6, None, 2)
    assert [(type(s).__name__, s.names, s.line, s.start) for s in found] == [
        ("Entry", ("b",), 2, 6),
        ("Header", ("t",), 3, 12),
        ("Entry", ("c",), 4, 16),
    ]
    assert [s.names for s in lexer.statements(text, 0, 12)] == [("a",), ("b",)]


def test_a_date_time_with_a_space_is_one_value() -> None:
    text = "when = 2020-01-02 10:00:00Z\nlocal = 2020-01-02 10:00\nafter = [\n1]\n"
    text += "end = 1979-05-27 07:32:00-07:00  # c\n"
    found = lexer.statements(text)
    assert [text[s.value : s.value_end] for s in found if isinstance(s, Entry)] == [
        "2020-01-02 10:00:00Z",
        "2020-01-02 10:00",
        "[\n1]",
        "1979-05-27 07:32:00-07:00",
    ]


def test_a_date_time_in_a_nested_value() -> None:
    text = "x = [\n  2020-01-02 10:00:00Z,\n]\ny = { a = [1979-05-27 07:32:00] }\n"
    x, y = lexer.statements(text)
    assert (x.value_end, x.last) == (text.index("]") + 1, 3)
    assert text[y.value : y.value_end] == "{ a = [1979-05-27 07:32:00] }"


@pytest.mark.parametrize(
    "text",
    ["a = \n", "= 1\n", "a = [1\n", "a = [1]]\n", "a = { b = 1\n", "[a\n", "a = 1 # c\n!\n", "a = [1, ?]\n"],
)
def test_what_is_not_toml_is_a_lex_error(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    with pytest.raises(LexError):
        lexer.statements(text)


def test_a_value_followed_by_something_else_is_a_lex_error() -> None:
    with pytest.raises(LexError, match="something after a value"):
        lexer.statements("a = [1] 2\n")
    with pytest.raises(LexError, match="does not end"):
        lexer.statements("a = [1, 2\n")


# -- headers ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "[a]\nx = 1\n\n[b]\n",
        "\n[a]\nx = 1\n\n[b]\n",
        "\n\n  [a]\n[[b]]\n",
        "# c\n[a]\n",
        "x = 1\n[a]\n",
        "x = [\n  1,\n]\n[a]\n",
        'x = """\n[not]\n"""\n[a]\n',
        "[[a]]\n[a.b]\n  [[a.c]]  # c\n",
        "x = [[1], [2]]\n[a]\n",
        "x = { a = [1] }\n[b]\n",
        'x = "= ["\n[a]\n',
        "x = 1 # = [\n[a]\n",
        "[a]",
        "",
    ],
)
def test_headers_are_every_header_statement_at_its_line(text: str) -> None:
    tomllib.loads(text)
    every = [s for s in lexer.statements(text) if isinstance(s, Header)]
    assert lexer.headers(text) == every
    for h in every:
        assert text.count("\n", 0, h.start) + 1 == h.line
        assert text[h.start + h.col - 1] == "["


def test_headers_of_a_file_that_starts_with_blank_lines() -> None:
    text = "\n\n[a]\nx = 1\n[[b]]\n"
    assert lexer.headers(text) == [Header(("a",), False, 2, 3, 1, 6), Header(("b",), True, 12, 5, 1, 18)]


def test_headers_after_a_value_over_lines() -> None:
    text = "[a]\nx = [\n  1,\n]\n  [b]\ny = '''\n[c]\n'''\n[d]\n"
    found = lexer.headers(text)
    assert [(h.names, h.line, h.col) for h in found] == [(("a",), 1, 1), (("b",), 5, 3), (("d",), 9, 1)]
    assert [text[h.start : h.end] for h in found] == ["[a]\n", "  [b]\n", "[d]\n"]


def test_a_header_at_the_very_end_has_its_end_there() -> None:
    text = "x = 1\n[a]"
    assert lexer.headers(text) == [Header(("a",), False, 6, 2, 1, 9)]


# -- the resolver ---------------------------------------------------------------------------------------


def test_the_resolver_follows_arrays_of_tables() -> None:
    r = lexer.Resolver()
    assert r.path(("project",), True) == ("project", 0)
    assert r.path(("project", "milestone"), True) == ("project", 0, "milestone", 0)
    assert r.path(("project", "milestone"), True) == ("project", 0, "milestone", 1)
    assert r.path(("project", "milestone", "slip"), True) == ("project", 0, "milestone", 1, "slip", 0)
    assert r.path(("project",), True) == ("project", 1)
    assert r.path(("project", "milestone"), True) == ("project", 1, "milestone", 0)
    assert r.path(("project", "meta"), False) == ("project", 1, "meta")
    assert r.path(("other", "x"), False) == ("other", "x")
    assert r.paths([Header(("project",), True, 0, 1, 1, 1)]) == [("project", 2)]


def test_the_resolver_starts_where_it_is_told() -> None:
    r = lexer.Resolver({("project",): 5})
    assert r.path(("project",), True) == ("project", 5)
    assert r.path(("indicator",), True) == ("indicator", 0)


def test_an_element_counts_only_while_its_table_is_current() -> None:
    r = lexer.Resolver()
    assert r.path(("a",), True) == ("a", 0)
    assert r.path(("a", "b"), True) == ("a", 0, "b", 0)
    assert r.path(("c",), False) == ("c",)
    assert r.path(("c", "b", "x"), False) == ("c", "b", "x")


# -- inside a value ---------------------------------------------------------------------------------------


def test_inside_places_keys_and_elements() -> None:
    text = 'p = [\n  { id = "a", t = [1, 2] },\n  { id = "b" },\n]\n'
    (entry,) = lexer.statements(text)
    found = lexer.inside(text, entry, ("p",))
    assert found == {
        ("p", 0): (2, 3, 2),
        ("p", 0, "id"): (2, 5, 2),
        ("p", 0, "t"): (2, 15, 2),
        ("p", 0, "t", 0): (2, 20, 2),
        ("p", 0, "t", 1): (2, 23, 2),
        ("p", 1): (3, 3, 3),
        ("p", 1, "id"): (3, 5, 3),
    }


def test_inside_a_one_line_array_of_scalars_places_nothing() -> None:
    text = "x = [1, 2]\ny = { a = 1, b.c = 2 }\n"
    x, y = lexer.statements(text)
    assert lexer.inside(text, x, ("x",)) == {}
    assert lexer.inside(text, y, ("y",)) == {("y", "a"): (2, 7, 2), ("y", "b", "c"): (2, 14, 2)}


def test_inside_after_a_multi_line_string_counts_its_lines() -> None:
    text = 'x = [\n  """a\nb""",\n  # c\n  [1],\n]\n'
    (entry,) = lexer.statements(text)
    assert lexer.inside(text, entry, ("x",)) == {("x", 0): (2, 3, 3), ("x", 1): (5, 3, 5), ("x", 1, 0): (5, 4, 5)}


# -- what mutation testing found unpinned ----------------------------------------------------------------


def test_bare_parts_are_stripped_of_spaces_and_tabs_only() -> None:
    assert lexer.names("aX.Xb") == ("aX", "Xb")
    assert lexer.names(" a\t. b ") == ("a", "b")


def test_a_one_line_array_nests() -> None:
    x, y, z = lexer.statements('x = [1]\ny = "x" \nz = { a = 1 }\n')
    assert (x.nests, y.nests, z.nests) == (True, False, True)


def test_a_statement_cut_by_stop_is_not_read_past_it() -> None:
    with pytest.raises(LexError, match="a value that does not end, at offset 3"):
        lexer.statements("a = 1\n", 0, 3)
    with pytest.raises(LexError, match="not a TOML statement at offset 6"):
        lexer.statements("a = 1\n!\n")
    text = "a = [\n1]  # c\nb = 2\n"
    (a,) = lexer.statements(text, 0, 8)
    assert (a.value_end, a.end) == (8, 8)
    with pytest.raises(LexError, match="does not end"):
        lexer.statements("a = [\n1,\n2]\n", 0, 8)


@pytest.mark.parametrize(
    ("value", "end", "nests"),
    [
        ("2020-01-02 10:00:00Z, x", 20, False),
        ("1979-05-27 07:32:00-07:00 #", 25, False),
        ("2020-01-02 x", 10, False),
        ('"x" # c', 3, False),
        ("'x'", 3, False),
        ('"""a\nb"""', 9, True),
        ("[1, 2]", 6, True),
        ("{ a = 1 }", 9, True),
        ("[\n1]", 4, True),
        ("[[1], {}]", 9, True),
    ],
)
def test_where_a_value_ends(value: str, end: int, nests: bool) -> None:
    assert lexer._value_end(value, 0, len(value)) == (end, nests)


@pytest.mark.parametrize("value", ["]", "# c", ",", "\n", "=", "!", "[1, 2"])
def test_what_is_no_value_is_a_lex_error(value: str) -> None:
    with pytest.raises(LexError, match="a value that does not end, at offset 0"):
        lexer._value_end(value, 0, len(value))


def test_a_value_ends_at_stop() -> None:
    with pytest.raises(LexError):
        lexer._value_end("[1, 2]", 0, 5)
    assert lexer._value_end("[1] [2]", 0, 7) == (3, True)


def test_headers_on_a_line_with_an_opening_value_in_its_comment() -> None:
    text = "[a]  # x = [\n[b]\n"
    assert [h.names for h in lexer.headers(text)] == [("a",), ("b",)]
    text = "x = 1\n[a]  # y = [\n[b]\n"
    assert [(h.names, h.line) for h in lexer.headers(text)] == [(("a",), 2), (("b",), 3)]


def test_headers_read_only_what_may_hide_one() -> None:
    """What follows a value over lines is not lexed when no candidate is there: a tail the lexer cannot read."""
    text = "x = [\n1]\n[a]\n!!! not toml\n"
    with pytest.raises(LexError):
        lexer.statements(text)
    assert [h.names for h in lexer.headers(text)] == [("a",)]


def test_inside_an_array_on_a_later_line_places_no_scalar() -> None:
    text = "a = 1\nx = [1, 2]\n"
    _a, x = lexer.statements(text)
    assert lexer.inside(text, x, ("x",)) == {}


def test_inside_an_array_over_exactly_two_lines_places_each_element() -> None:
    text = "x = [1,\n  2]\n"
    (x,) = lexer.statements(text)
    assert lexer.inside(text, x, ("x",)) == {("x", 0): (1, 6, 1), ("x", 1): (2, 3, 2)}


def test_inside_an_array_with_an_inline_table_places_its_scalars() -> None:
    text = "y = [1, { a = 2 }]\n"
    (y,) = lexer.statements(text)
    assert lexer.inside(text, y, ("y",)) == {("y", 0): (1, 6, 1), ("y", 1): (1, 9, 1), ("y", 1, "a"): (1, 11, 1)}


def test_inside_a_one_line_array_of_arrays_places_the_arrays() -> None:
    text = "x = [[1, 2], 3]\n"
    (x,) = lexer.statements(text)
    assert lexer.inside(text, x, ("x",)) == {("x", 0): (1, 6, 1)}


def test_inside_an_element_of_two_words_is_placed_at_its_first() -> None:
    text = "x = [\n  1979-05-27 07:32:00,\n  2,\n]\n"
    (x,) = lexer.statements(text)
    assert lexer.inside(text, x, ("x",)) == {("x", 0): (2, 3, 2), ("x", 1): (3, 3, 3)}


def test_inside_a_key_is_stripped_of_spaces_and_tabs_only() -> None:
    text = 'y = { keyX = 1, "q"\t= 2 }\n'
    (y,) = lexer.statements(text)
    assert lexer.inside(text, y, ("y",)) == {("y", "keyX"): (1, 7, 1), ("y", "q"): (1, 17, 1)}
