"""The limits a plan file is held to before anything parses it: parts of a key, depth of nesting (plan.toml.limits)."""

from __future__ import annotations

import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest

from cloudplan import store
from cloudplan.plan.toml import limits
from cloudplan.plan.toml.limits import MAX_KEY_PARTS, MAX_NESTING, Breach

HEAD = '[plan]\ntitle = "P"\n\n[[project]]\nid = "a"\ntitle = "A"\n'


def dotted(n: int, part: str = "a", sep: str = ".") -> str:
    return sep.join([part] * n)


def nest(n: int, inner: str = "1") -> str:
    return "[" * n + inner + "]" * n


def test_the_limits_are_those_documented() -> None:
    assert (MAX_KEY_PARTS, MAX_NESTING) == (16, 32)
    docs = (Path(__file__).parents[1] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    assert "at most 16 parts" in docs
    assert "32 deep" in docs


# -- keys -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        "[{key}]\nx = 1\n",
        "[[{key}]]\nx = 1\n",
        "{key} = 1\n",
        "  [ {key} ]  # a table\n",
        "t = {{ {key} = 1 }}\n",
        "t = [{{ x = 1 }}, {{ {key} = 2 }}]\n",
        "t = {{ x = [1, 2], {key} = 3 }}\n",
    ],
    ids=["header", "array-header", "dotted-key", "spaced-header", "inline-table", "inline-in-array", "after-an-array"],
)
def test_a_key_of_more_parts_than_allowed_is_refused_where_it_stands(shape: str) -> None:
    at_limit = HEAD + shape.format(key=dotted(MAX_KEY_PARTS))
    tomllib.loads(at_limit)  # valid TOML either way: the limit is ours
    assert limits.check(at_limit) is None
    over = HEAD + shape.format(key=dotted(MAX_KEY_PARTS + 1))
    tomllib.loads(over)
    line = over.count("\n", 0, over.index("a." * MAX_KEY_PARTS)) + 1
    col = over.index("a." * MAX_KEY_PARTS) - over.rfind("\n", 0, over.index("a." * MAX_KEY_PARTS))
    found = limits.check(over)
    assert found is not None
    assert (found.line, found.kind, found.size) == (line, "key", MAX_KEY_PARTS + 1)
    if "header" not in found.kind and shape.startswith(("t =", "a")):
        assert found.col == col
    if "header" in shape or shape.startswith("["):
        assert found.col in (1, 3), "a header is placed at its bracket"


def test_a_header_is_placed_at_its_bracket_a_key_at_its_first_part() -> None:
    text = HEAD + "\n  [" + dotted(20) + "]\n"
    assert limits.check(text) == Breach(8, 3, "key", 20)
    text = HEAD + "\n    " + dotted(17, "b", " . ") + " = 1\n"
    assert limits.check(text) == Breach(8, 5, "key", 17)
    text = HEAD + "x = 1\ny = { z = 2, " + dotted(18) + " = 3 }\n"
    assert limits.check(text) == Breach(8, 14, "key", 18)


@pytest.mark.parametrize(
    "part",
    ['"a b"', "'a.b'", '"a.b.c"', "a-b_c1", '"x\\"y"'],
)
def test_quoted_parts_count_as_one_each(part: str) -> None:
    assert limits.check(HEAD + dotted(MAX_KEY_PARTS, part) + " = 1\n") is None
    found = limits.check(HEAD + dotted(MAX_KEY_PARTS + 1, part) + " = 1\n")
    assert found is not None
    assert found.size == MAX_KEY_PARTS + 1
    assert (found.line, found.col) == (7, 1)


@pytest.mark.parametrize(
    "text",
    [
        'version = "{key}"\n',
        "notes = '{key}'\n",
        "# {key}\n",
        "x = 1  # {key} = 2\n",
        'notes = """\n{key} = 1\n[{key}]\n"""\n',
        "notes = '''\n{key} = 1\n'''\n",
        'owners = ["{key}", "{key}"]\n',
        't = {{ s = "{key}" }}\n',
        "x = 1.5\ny = 2.5\n",
    ],
    ids=[
        "basic-string",
        "literal-string",
        "comment",
        "trailing-comment",
        "multi-line-basic",
        "multi-line-literal",
        "array-of-strings",
        "string-in-inline-table",
        "floats",
    ],
)
def test_dots_in_strings_and_comments_are_no_key(text: str) -> None:
    full = HEAD + text.format(key=dotted(40))
    tomllib.loads(full)
    assert limits.check(full) is None


def test_what_the_lexer_cannot_read_is_taken_for_a_long_key_when_it_looks_like_one() -> None:
    """Not TOML (tomllib would say so), with something that looks like a key of 30 parts: refused before tomllib."""
    text = HEAD + "x = = 1\n" + "  " + dotted(30) + " = 1\n"
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert limits.check(text) == Breach(8, 3, "key", 30)


def test_a_file_that_is_not_toml_and_has_no_long_key_is_left_to_tomllib() -> None:
    assert limits.check(HEAD + "x = = 1\ny = [1,\n") is None
    assert limits.check(HEAD + 'x = """never closed\n') is None
    assert limits.check(HEAD + "x = [1, 2\n") is None


# -- nesting ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        "notes = {value}\n",
        "notes = [1, {value}]\n",
        "notes = [\n  1,\n  {value},\n]\n",
        'notes = ["]", {value}]\n',
        "notes = [ # it's a comment\n  {value}]\n",
        'notes = ["""\n]]""", {value}]\n',
        "notes = [[], [[], {value}]]\n",
        "t = {{ a = {value} }}\n",
    ],
    ids=[
        "alone",
        "second",
        "over-lines",
        "after-a-closing-string",
        "after-a-comment",
        "after-a-long-string",
        "after-empty-arrays",
        "in-an-inline-table",
    ],
)
def test_values_nested_deeper_than_allowed_are_refused_where_they_go_too_deep(shape: str) -> None:
    extra = shape.count("[[], [[],") * 2  # the shape's own arrays around the value
    extra += 1 if shape.startswith(("notes = [1", "notes = [\n", 'notes = ["', "notes = [ #")) else 0
    extra += 1 if shape.startswith("t = {") else 0
    ok = HEAD + shape.format(value=nest(MAX_NESTING - extra))
    tomllib.loads(ok)
    assert limits.check(ok) is None
    deep = HEAD + shape.format(value=nest(MAX_NESTING + 1 - extra))
    tomllib.loads(deep)
    found = limits.check(deep)
    assert found is not None
    assert (found.kind, found.size) == ("nesting", MAX_NESTING + 1)
    offset = deep.index(nest(MAX_NESTING + 1 - extra)) + MAX_NESTING - extra  # the opening one too many
    assert (found.line, found.col) == (
        deep.count("\n", 0, offset) + 1,
        offset - deep.rfind("\n", 0, offset),
    )


def test_inline_tables_count_as_nesting() -> None:
    value = "{ a = " * (MAX_NESTING + 1) + "1" + " }" * (MAX_NESTING + 1)
    found = limits.check(HEAD + "t = " + value + "\n")
    assert found is not None
    assert (found.line, found.col, found.kind) == (7, 5 + 6 * MAX_NESTING, "nesting")


def test_nesting_in_strings_and_comments_is_none() -> None:
    for text in (
        f'notes = """\nx = {nest(40)}\n"""\n',
        f"notes = '''\nx = {nest(40)}\n'''\n",
        f'notes = "{nest(40)}"\n',
        f"# x = {nest(40)}\n",
        f'notes = ["""\nx = {nest(40)}\n""", 1]\n',
    ):
        full = HEAD + text
        tomllib.loads(full)
        assert limits.check(full) is None, text


def test_the_first_breach_is_reported() -> None:
    text = HEAD + "x = " + nest(40) + "\n" + dotted(20) + " = 1\n"
    assert limits.check(text) == Breach(7, 5 + MAX_NESTING, "nesting", MAX_NESTING + 1)
    text = HEAD + dotted(20) + " = 1\n" + "x = " + nest(40) + "\n"
    assert limits.check(text) == Breach(7, 1, "key", 20)


def test_a_long_string_left_open_ends_the_search() -> None:
    assert limits.check(HEAD + 'notes = """\nnever closed\nx = ' + nest(40) + "\n") is None


def test_a_plan_of_every_shape_breaks_no_limit() -> None:
    for path in [*Path(__file__).parents[1].glob("plans/*.toml"), *(Path(__file__).parent / "plans").rglob("*.toml")]:
        text = path.read_text(encoding="utf-8", errors="replace")
        if text.startswith("# expect: too-deep:"):
            assert limits.check(text) is not None
            continue
        assert limits.check(text) is None, path


# -- what a user sees --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        ("[" + dotted(50_000) + "]\n", "8:1", "a key or table header of 50000 parts; keys may have at most 16 parts"),
        (dotted(50_000) + " = 1\n", "8:1", "a key or table header of 50000 parts"),
        ("notes = " + nest(50_000) + "\n", f"8:{9 + MAX_NESTING}", "arrays or inline tables nested more than 32 deep"),
    ],
    ids=["header", "dotted-key", "nested"],
)
def test_check_and_every_command_say_where_and_what_to_do(
    cli: Callable[..., object], write_plan: Callable[..., Path], body: str, where: str, says: str
) -> None:
    """A 100 KB file of 50,000 parts took minutes and gigabytes: now a finding at once, before any parse."""
    write_plan(HEAD + "\n" + body, "hostile.toml")
    start = time.monotonic()
    checked = cli("check", "hostile.toml")
    assert checked.exit_code == 1, checked.output  # type: ignore[attr-defined]
    assert f"hostile.toml:{where}: error too-deep: {says}" in checked.output  # type: ignore[attr-defined]
    status = cli("status", "hostile.toml")
    assert status.exit_code == 2, status.output  # type: ignore[attr-defined]
    assert f"hostile.toml:{where}: error too-deep" in status.output  # type: ignore[attr-defined]
    assert time.monotonic() - start < 10
    parsed = store.parse((HEAD + "\n" + body).encode(), "hostile.toml")
    assert parsed.plan is None
    assert [f.code for f in parsed.findings] == ["too-deep"]


def test_the_patterns_copied_from_the_lexer_are_the_lexers() -> None:
    """limits reads keys and long strings as the lexer does, without importing it for every plan."""
    from cloudplan.plan.toml import lexer

    assert limits._KEY == lexer._KEY
    for text in ('"""a\nb"""', "'''a\nb'''", '"""a""""', '"""a\\"""b"""', "'''a''''' x"):
        token = lexer._TOKEN.match(text)
        assert token is not None
        assert token.lastgroup == "str"
        string = limits._LONG_STRING.match(text)
        assert string is not None
        assert string[0] == token[0]
    assert limits._LONG_STRING.match('"""never closed') is None


def test_a_plan_of_one_line_values_and_long_strings_never_loads_the_lexer(tmp_path: Path) -> None:
    import subprocess
    import sys

    script = (
        "import sys; from cloudplan.plan.toml import limits; "
        "assert limits.check(open(sys.argv[1], encoding='utf-8').read()) is None; "
        "print('cloudplan.plan.toml.lexer' in sys.modules)"
    )
    loaded = []
    for body in ('notes = """\nx = [\n"""\nowners = ["a", "b"]\n', "owners = [\n  'a',\n]\n"):
        plan = tmp_path / "p.toml"
        plan.write_text(HEAD + body, encoding="utf-8")
        done = subprocess.run([sys.executable, "-c", script, str(plan)], capture_output=True, text=True, check=True)
        loaded.append(done.stdout.strip())
    assert loaded == ["False", "True"]
