"""Streams that cannot carry every character, and arguments that are not text.

Under PYTHONIOENCODING=ascii or latin-1 (or a terminal so configured), cloudplan writes what the
stream can carry and '?' for the rest; an argument whose bytes are not text in the locale's
encoding is refused with one clear line, exit 2, and nothing written.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from cloudplan import cli as cli_module
from tests.conftest import ROADMAP, ROOT

Cli = Callable[..., Result]

# What Python makes of the byte 0xff in an argument under a UTF-8 locale (surrogateescape).
BYTE_FF = b"\xff".decode("utf-8", "surrogateescape")


def run(*args: str | bytes, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "LC_ALL": "C.UTF-8"}
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"cloudplan", *(a if isinstance(a, bytes) else a.encode() for a in args)],
        cwd=cwd, env={**base, **env}, capture_output=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_status_writes_what_the_stream_carries(tmp_path: Path, encoding: str, lang: str) -> None:
    """The roadmap's titles have accents, and French output narrow no-break spaces."""
    result = run("status", "--as-of", "2020-06-30", "--lang", lang, str(ROADMAP),
                 env={"PYTHONIOENCODING": encoding}, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stderr == b""
    text = result.stdout.decode(encoding)
    assert "cercle-2/ouverture" in text
    if encoding == "ascii":
        assert "Cloud interne ? l'?tat" in text
    else:
        assert "Cloud interne à l'État" in text
    if lang == "fr":
        assert "30/06/2020" in text


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_an_error_in_french_reaches_a_narrow_stream(tmp_path: Path, encoding: str) -> None:
    result = run("status", "--lang", "fr", str(tmp_path / "none.toml"), env={"PYTHONIOENCODING": encoding},
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2
    assert b"internal" not in result.stderr
    assert b"none.toml" in result.stderr


def test_an_argument_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "cloudplan.toml"
    plan.write_bytes(ROADMAP.read_bytes())
    before = plan.read_bytes()
    result = run("set", "cercle-2", b"title=ab\xffc", str(plan), "--lang", "en", env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.decode() == (
        "cloudplan: the argument 'title=ab\\xffc' is not text: its bytes are not UTF-8\n  give it as UTF-8 text\n"
    )
    assert result.stdout == b""
    assert plan.read_bytes() == before


def test_an_argument_that_is_not_text_is_refused_in_process(cli: Cli, write_plan: Callable[..., Path]) -> None:
    plan = write_plan(ROADMAP.read_text(encoding="utf-8"))
    before = plan.read_bytes()
    for args in (
        ("set", "cercle-2", f"title=x{BYTE_FF}", str(plan)),
        ("status", str(plan), "--owner", BYTE_FF),
        ("check", str(plan.parent / f"{BYTE_FF}.toml")),
    ):
        result = cli(*args)
        assert result.exit_code == 2, result.output
        assert "is not text: its bytes are not" in result.output
        assert "\\xff" in result.output
        assert "internal error" not in result.output
    assert plan.read_bytes() == before


@pytest.mark.parametrize(
    ("arg", "shown"),
    [("a" * 100 + BYTE_FF, "..." + "a" * 56 + "\\xff"), (BYTE_FF + "b" * 100, "\\xff" + "b" * 56 + "..."),
     ("a" * 50 + BYTE_FF + "b" * 50, "..." + "a" * 30 + "\\xff" + "b" * 26 + "..."),
     ("a" * 30 + BYTE_FF + "b" * 26, "a" * 30 + "\\xff" + "b" * 26), ("c" + BYTE_FF, "c\\xff")],
)  # fmt: skip
def test_a_long_argument_is_shown_around_its_first_wrong_byte(cli: Cli, arg: str, shown: str) -> None:
    result = cli("status", "--owner", arg)
    assert result.exit_code == 2
    assert result.output.startswith(f"cloudplan: the argument '{shown}' is not text: its bytes are not UTF-8\n")


class _Narrow(io.TextIOWrapper):
    """A stream in ASCII, strict, as PYTHONIOENCODING=ascii makes standard output."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="ascii", errors="strict")

    def written(self) -> bytes:
        self.flush()
        buffer = self.buffer
        assert isinstance(buffer, io.BytesIO)
        return buffer.getvalue()


def test_the_boundary_makes_narrow_streams_tolerant(monkeypatch: pytest.MonkeyPatch) -> None:
    out, err = _Narrow(), _Narrow()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)

    def command() -> Any:
        sys.stdout.write("Minist\u00e8re\u202f: \u00e0 l'\u00c9tat\n")
        return 0

    assert cli_module.outcome(command) == 0
    assert out.written() == b"Minist?re?: ? l'?tat\n"
    assert (out.errors, err.errors) == ("replace", "replace")


def test_a_stream_that_already_tolerates_is_left_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    err = io.TextIOWrapper(io.BytesIO(), encoding="ascii", errors="backslashreplace")
    monkeypatch.setattr(sys, "stderr", err)
    assert cli_module.outcome(lambda: 0) == 0
    assert err.errors == "backslashreplace"
