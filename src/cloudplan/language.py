"""The language of a run, decided once before the command line is built, and its catalogue.

The order, first found: `--lang fr|en` anywhere on the command line, $CLOUDPLAN_LANG, the
first of $LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG that is set and is not C or POSIX, the
plan's `[plan] language`, else English.

Why before: the help texts of the options are made when the command modules are imported,
and Typer builds its commands from them, so the language must be known before
`cloudplan.cli` is imported. The plan's language is needed then too, when nothing else
decides (a cron job has an empty environment): it is read by a peek at the `[plan]` table
of the first plan file the command line or the usual discovery names, without parsing the
TOML. Peeking costs a directory walk and the read of the file's first 64 KiB, which the
run reads again at once (from the page cache); a run that the command line or the
environment decides pays nothing.

This module reads files (the plan, the catalogue); cloudplan.base.translate, the gate that messages
pass through, stays pure.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from cloudplan.base import translate

OPTION = "--lang"
ENV_VAR = "CLOUDPLAN_LANG"
LOCALE_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
DOMAIN = "cloudplan"
LOCALE_DIR = Path(__file__).parent / "locale"

PEEK_BYTES = 64 * 1024


class BadLanguage(ValueError):
    """`--lang` without a value, or with one cloudplan does not speak."""


def from_tag(tag: str) -> str | None:
    """Return 'fr' or 'en' for a language tag or locale name ('fr', 'fr_FR.UTF-8', 'en-GB'); None for C/POSIX or empty.

    Any other language is English: the only other one cloudplan speaks.
    """
    base = tag.strip().split(".")[0].split("@")[0]
    if base in ("", "C", "POSIX"):
        return None
    return "fr" if base.replace("-", "_").split("_")[0].lower() == "fr" else "en"


def split_option(args: Sequence[str]) -> tuple[list[str], str | None]:
    """Return the command line without its `--lang X` / `--lang=X`, and X ('fr' or 'en'; None when absent).

    Accepted anywhere before a `--`, so that every command takes it; the last one wins.
    Raises BadLanguage for a missing or unknown value.
    """
    rest: list[str] = []
    chosen: str | None = None
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest += args[i:]
            break
        if arg == OPTION or arg.startswith(OPTION + "="):
            if arg == OPTION:
                if i + 1 >= len(args):
                    raise BadLanguage("--lang needs a value: fr or en")
                value = args[i + 1]
                i += 2
            else:
                value = arg.partition("=")[2]
                i += 1
            if value.lower() not in translate.LANGUAGES:
                raise BadLanguage(f"--lang {value!r}: cloudplan speaks fr and en")
            chosen = value.lower()
            continue
        rest.append(arg)
        i += 1
    return rest, chosen


def from_environment(env: Mapping[str, str]) -> str | None:
    """Return the language the environment asks for, or None when it says nothing."""
    explicit = env.get(ENV_VAR, "").strip()
    if explicit:
        return from_tag(explicit) or translate.DEFAULT
    for name in LOCALE_VARS:
        value = env.get(name, "")
        if name == "LANGUAGE":
            # A list of preferences, as GNU gettext reads it: the first that cloudplan speaks.
            tags = [t for t in value.split(":") if from_tag(t)]
            spoken = [t for t in tags if from_tag(t) == "fr" or t.lower().startswith("en")]
            if spoken:
                return from_tag(spoken[0])
            if tags:
                return translate.DEFAULT
            continue
        found = from_tag(value)
        if found:
            return found
    return None


def decide(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> tuple[list[str], str]:
    """Return the command line without `--lang`, and the language of the run.

    Raises BadLanguage for a bad `--lang`.
    """
    rest, chosen = split_option(args)
    language = chosen or from_environment(env) or plan_language(rest, env, cwd) or translate.DEFAULT
    return rest, language


# -- the plan's language ---------------------------------------------------------------------


def plan_language(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> str | None:
    """Return the `[plan] language` of the first plan file the command line names, else of the usual plans.

    The plan files are those of the PLAN arguments and of `--plan/-f`, else $CLOUDPLAN_PLAN, else the
    nearest `plans/` folder or `cloudplan.toml` (as the commands find them).
    """
    for path in _plan_files(args, env, cwd):
        found = peek(path)
        if found:
            return found
    return None


def _plan_files(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[Path]:
    named: list[str] = []
    for i, arg in enumerate(args):
        if arg in ("-f", "--plan") and i + 1 < len(args):
            named.append(args[i + 1])
        elif arg.startswith("--plan="):
            named.append(arg.partition("=")[2])
        elif i > 0 and not arg.startswith("-") and (arg.endswith(".toml") or os.path.isdir(arg)):
            named.append(arg)
    if not named:  # the rule every command finds its plans by (the store is imported by them all anyway)
        from cloudplan.base.errors import PlanNotFound
        from cloudplan.store.reader import plan_args

        try:
            named = plan_args([], env, cwd)
        except PlanNotFound:
            return []
    files: list[Path] = []
    for name in named:
        path = Path(name)
        if path.is_dir():
            files += sorted(p for p in path.glob("*.toml") if p.is_file())
        elif path.is_file():
            files.append(path)
    return files


def peek(path: Path) -> str | None:
    """Return the `language` of a plan file's `[plan]` table (or a portfolio file's `[portfolio]` one: 'fr' or
    'en'), or None, without parsing the TOML.

    A scan of lines, not a regular expression: compiling one would cost the run more than the scan.
    """
    try:
        with open(path, "rb") as f:
            data = f.read(PEEK_BYTES)
            found, finished = _scan(data)
            if not finished:
                found, finished = _scan(data + f.read())  # the table may start or go on past the first bytes
    except OSError:
        return None
    return found


def _scan(data: bytes) -> tuple[str | None, bool]:
    """Return the [plan] table's language in *data*, and whether the table was seen to its end."""
    inside = False
    for raw in data.split(b"\n"):
        line = raw.strip()
        if line.startswith(b"["):
            if inside:
                return None, True
            inside = b"".join(line.partition(b"#")[0].split()) in (b"[plan]", b"[portfolio]")
        elif inside and line.startswith(b"language"):
            key, equals, value = line.partition(b"=")
            if equals and key.strip() == b"language":
                word = value.partition(b"#")[0].strip()
                if len(word) >= 2 and word[:1] == word[-1:] and word[:1] in (b'"', b"'"):
                    text = word[1:-1].decode("utf-8", "replace")
                    return (text if text in translate.LANGUAGES else None), True
                return None, True
    return None, False


# -- the catalogue ---------------------------------------------------------------------------


def catalog_path(language: str, suffix: str = ".mo") -> Path:
    """Return where the catalogue of *language* lives in the package."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def load(language: str) -> translate.Catalog | None:
    """Return the catalogue of *language*, read by the standard library's gettext, or None (English).

    An installed cloudplan has the .mo that the build compiled. A source checkout has the .po
    (the catalogue's source, which the build compiles): there a .mo at least as new beside it
    is read (`pybabel compile` and an editable install write one), else the .po is compiled in
    memory with Babel, as the build compiles it. A catalogue that cannot be read (an empty or
    truncated .mo, a source checkout without Babel) leaves the messages in English, with one
    warning on standard error: the run goes on, in the language it can speak.
    """
    mo, po = catalog_path(language), catalog_path(language, ".po")
    source, compiled = _mtime(po), _mtime(mo)  # only a source checkout has the .po
    if source is None and compiled is None:
        _warn_unreadable(mo, FileNotFoundError())
        return None
    fresh = compiled is not None and (source is None or compiled >= source)
    path = mo if fresh else po
    import gettext
    import io

    try:
        data = mo.read_bytes() if fresh else compile_po(po)
        return gettext.GNUTranslations(io.BytesIO(data))
    except Exception as e:  # an empty or truncated .mo (struct.error, OSError...), no Babel in a checkout
        _warn_unreadable(path, e)
        return None


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except FileNotFoundError:
        return None


def compile_po(po: Path) -> bytes:
    """Return the .mo of the .po at *po*, compiled by Babel as the build compiles it (fuzzy entries left out)."""
    import io

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as f:
        catalog = read_po(f, abort_invalid=True)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _warn_unreadable(path: Path, error: Exception) -> None:
    """Say once, on standard error, that the catalogue cannot be read and the run speaks English."""
    import sys

    if isinstance(error, ImportError):
        why = "Babel is needed to compile it: pip install babel, or run pybabel compile"
    elif isinstance(error, FileNotFoundError):
        why = "it is missing"
    else:
        why = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.write(f"cloudplan: warning: cannot read the catalogue {path} ({why}); speaking English\n")


def install(language: str) -> None:
    """Speak *language* in this process from now on."""
    translate.use(language, load)
