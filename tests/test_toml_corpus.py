"""The official TOML test suite's valid files: every key tomllib gives is placed where the text holds it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from cloudplan.plan.toml import keymap, lexer
from cloudplan.plan.toml.splice import Outline

CORPUS = Path(__file__).resolve().parent / "toml-test" / "valid"
FILES = sorted(CORPUS.rglob("*.toml"))
# A key as written (bare, "basic" or 'literal', dotted), read back by tomllib itself.
_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
KEY_PATH = re.compile(rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*")
HEADER = re.compile(rf"\[\[?[ \t]*({KEY_PATH.pattern})[ \t]*\]")


def _decoded(spelled: str) -> tuple[str, ...]:
    """The names of a dotted key as tomllib reads them."""
    doc: Any = tomllib.loads(f"{spelled} = 0")
    names: list[str] = []
    while isinstance(doc, dict):
        ((name, doc),) = doc.items()
        names.append(name)
    return tuple(names)


def test_the_corpus_is_there_and_has_keys_to_place() -> None:
    assert len(FILES) > 200
    assert sum(len(_keys(tomllib.loads(p.read_bytes().decode("utf-8")), ())) for p in FILES) > 1000


def _keys(value: Any, path: tuple[str | int, ...]) -> list[tuple[tuple[str | int, ...], Any]]:
    """Every key path in a parsed document, with its value; elements of arrays of tables too."""
    found: list[tuple[tuple[str | int, ...], Any]] = []
    if isinstance(value, dict):
        for k, v in value.items():
            found.append(((*path, k), v))
            found += _keys(v, (*path, k))
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for i, v in enumerate(value):
            found += _keys(v, (*path, i))
    return found


def _held(text: str, span: keymap.Span) -> str:
    lines = text.split("\n")
    line = lines[span.line - 1]
    return line[span.col - 1 :]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_every_key_is_placed_on_its_own_line_and_column(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    doc = tomllib.loads(text)
    found = keymap.scan(text)
    for key, value in _keys(doc, ()):
        span = found.spans.get(key)
        leaf = not isinstance(value, dict) and not (isinstance(value, list) and value and isinstance(value[0], dict))
        if span is None:
            # Only tables that no line declares (made by a dotted key or a deeper header) go unplaced.
            assert not leaf, (key, "a key with a value has no place")
            continue
        held = _held(text, span)
        if held.startswith("["):
            header = HEADER.match(held)
            assert header is not None, (key, held)
            names = _decoded(header[1])
            assert tuple(k for k in key if isinstance(k, str)) == names, (key, held)
            continue
        if not isinstance(key[-1], str):
            continue  # an element of an array: placed at its bracket
        spelled = KEY_PATH.match(held)
        assert spelled is not None, (key, held)
        names = _decoded(spelled[0])
        strings = tuple(k for k in key if isinstance(k, str))
        assert strings[-len(names) :] == names, (key, held)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(CORPUS)))
def test_the_headers_alone_are_the_headers_of_every_statement(path: Path) -> None:
    text = path.read_bytes().decode("utf-8")
    every = [s for s in lexer.statements(text) if isinstance(s, lexer.Header)]
    assert lexer.headers(text) == every
    assert Outline(text).paths == keymap.scan(text).tables
