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

import os
from collections.abc import Callable, Mapping, Sequence
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


class MoCatalog:
    """A compiled catalogue (.mo) read by binary search, message by message.

    gettext.GNUTranslations decodes every entry when it opens a file: about a millisecond and a
    half for cloudplan's 400 messages, on every run. A .mo's ids are sorted, so a run that says
    thirty things looks up thirty, and pays nothing to open the catalogue.
    """

    def __init__(self, data: bytes) -> None:
        import struct

        magic = struct.unpack_from("<I", data)[0]
        self._order = "<" if magic == 0x950412DE else ">"
        _magic, _rev, self._count, self._ids, self._strs = struct.unpack_from(self._order + "5I", data)
        self._data = data
        self._unpack = struct.Struct(self._order + "2I").unpack_from
        self._found: dict[bytes, str | None] = {}
        self._plural: Callable[[int], int] | None = None

    def _lookup(self, key: bytes) -> str | None:
        if key in self._found:
            return self._found[key]
        data, lo, hi = self._data, 0, self._count
        found = None
        while lo < hi:
            mid = (lo + hi) // 2
            length, at = self._unpack(data, self._ids + 8 * mid)
            probe = data[at : at + length]
            if probe < key:
                lo = mid + 1
            elif probe > key:
                hi = mid
            else:
                length, at = self._unpack(data, self._strs + 8 * mid)
                found = data[at : at + length].decode("utf-8")
                break
        self._found[key] = found
        return found

    def gettext(self, message: str, /) -> str:
        """Return the translation of *message*, or *message* itself."""
        found = self._lookup(message.encode("utf-8"))
        return found if found else message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        """Return the form of *singular*/*plural* for *n*, by the catalogue's Plural-Forms rule."""
        found = self._lookup(f"{singular}\0{plural}".encode())
        if not found:
            return singular if n == 1 else plural
        if self._plural is None:
            self._plural = self._rule()
        forms = found.split("\0")
        return forms[min(self._plural(n), len(forms) - 1)]

    def _rule(self) -> Callable[[int], int]:
        import gettext

        header = self._lookup(b"") or ""
        for line in header.splitlines():
            if line.lower().startswith("plural-forms:"):
                expression = line.partition("plural=")[2].strip().rstrip(";")
                return gettext.c2py(expression)
        return lambda n: int(n != 1)


def load(language: str) -> translate.Catalog | None:
    """Return the catalogue of *language*: the compiled .mo of an installed cloudplan.

    A source checkout has the .po (the build compiles it): it is compiled in memory, unless a .mo
    at least as new lies beside it. None when there is neither, and messages stay English.
    """
    mo, po = catalog_path(language), catalog_path(language, ".po")
    try:
        source = po.stat().st_mtime_ns  # only a source checkout has the .po
    except FileNotFoundError:
        source = None
    try:
        if source is None or mo.stat().st_mtime_ns >= source:
            return MoCatalog(mo.read_bytes())
    except FileNotFoundError:
        pass
    try:
        text = po.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    from cloudplan import pofile

    return MoCatalog(pofile.write_mo(pofile.read_po(text)))


def install(language: str) -> None:
    """Speak *language* in this process from now on."""
    translate.use(language, load)
