"""The French catalogue's upkeep with the standard tools, and the independent checks of what they find.

The template (.pot) is extracted by Babel's `pybabel extract` with babel.cfg, and merged into the
French .po by `pybabel update`, exactly as docs/language.md tells a translator to run them:

    python -m tests.catalog    # runs both: rewrite the .pot, add the new messages to the .po (empty, to translate)

The tests check the extraction against two independent sources: every literal passed to the gate
(`_()`, `ngettext()`, `pgettext()`, `npgettext()`, `N_()`, a translator's `t.gettext()`...) found by an
AST walk of the package, and the help the command line shows, read from the app as Typer builds it.
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cloudplan"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "cloudplan.pot"
PO = LOCALE / "fr" / "LC_MESSAGES" / "cloudplan.po"

# The two commands, as docs/language.md writes them (run from the repository's root).
EXTRACT = [
    "pybabel", "extract", "-F", "babel.cfg", "--add-location=file", "--no-wrap", "--sort-by-file",
    "--project=cloudplan", "--copyright-holder=cloudplan developers", "-o", "src/cloudplan/locale/cloudplan.pot",
    "src",
]  # fmt: skip
UPDATE = [
    "pybabel", "update", "-i", "src/cloudplan/locale/cloudplan.pot", "-d", "src/cloudplan/locale", "-D", "cloudplan",
    "-l", "fr", "--no-wrap", "--ignore-obsolete", "--ignore-pot-creation-date",
]  # fmt: skip

Key = tuple[str | None, str, str | None]  # (msgctxt, msgid, msgid_plural)


class Message(NamedTuple):
    """A message to translate: its context, id, plural id, and where it is used."""

    context: str | None
    msgid: str
    plural: str | None
    where: str

    @property
    def key(self) -> Key:
        return self.context, self.msgid, self.plural


# The gate's functions, and where their context, message and plural are among the arguments.
_CALLS = {"_": (None, 0, None), "gettext": (None, 0, None), "N_": (None, 0, None), "ngettext": (None, 0, 1),
          "pgettext": (0, 1, None), "npgettext": (0, 1, 2)}  # fmt: skip


def code_messages() -> list[Message]:
    """Return the literals passed to the gate in the package, found by an AST walk (f-strings included)."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if name not in _CALLS:
                continue
            texts = [a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None for a in node.args]
            context, msgid, plural = (
                None if i is None else (texts[i] if i < len(texts) else None) for i in _CALLS[name]
            )
            if msgid is None or (_CALLS[name][0] is not None and context is None):
                continue  # not a literal: a variable passed through the gate
            if _CALLS[name][2] is not None and plural is None:
                continue
            found.append(Message(context, msgid, plural, f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"))
    return found


def help_messages() -> list[Message]:
    """Return the help texts and metavars of every command, as the app builds them, in English.

    Read in a fresh interpreter: the help texts are made when a command's module is imported, in
    the language of that moment, and a test run may have imported them in French already.
    """
    import json
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "CLOUDPLAN_LANG": "en",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run(
        [sys.executable, "-c", "import json, tests.catalog as c; print(json.dumps(c.help_messages_here()))"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [Message(*m) for m in json.loads(out)]


def help_messages_here() -> list[Message]:
    """Return the help texts and metavars of every command as this process's app builds them."""
    import typer.main
    from typer import _click as click

    from cloudplan.cli import app
    from cloudplan.cli.framework import TYPER_WORDS

    found = [Message(None, w, None, "typer") for w in TYPER_WORDS]

    def walk(command: object, path: str) -> None:
        for name in ("help", "short_help", "epilog"):
            text = getattr(command, name, None)
            if text:
                found.append(Message(None, inspect.cleandoc(text), None, f"help of {path}"))
        for param in getattr(command, "params", []):
            if getattr(param, "help", None):
                found.append(Message(None, inspect.cleandoc(param.help), None, f"help of {path} {param.name}"))
            if isinstance(getattr(param, "metavar", None), str) and param.metavar.isupper():
                found.append(Message(None, param.metavar, None, f"metavar of {path} {param.name}"))
        # The root group builds its commands only when asked (a lazy group): ask it for each.
        lister = getattr(command, "list_commands", None)
        if lister is not None:
            ctx = click.Context(command)
            for name in lister(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}")

    walk(typer.main.get_group(app), "cloudplan")
    return found


def extracted() -> dict[Key, list[str]]:
    """Return what `pybabel extract` finds with babel.cfg, run here through Babel's API: each message and its files."""
    import os

    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
    from babel.messages.frontend import parse_mapping_cfg

    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[Key, list[str]] = {}
    cwd = os.getcwd()
    os.chdir(ROOT)  # babel.cfg's extractor is imported by name; its patterns are relative to src
    try:
        for filename, _lineno, message, _comments, context in extract_from_dir(
            "src", method_map, options_map, keywords=DEFAULT_KEYWORDS
        ):
            msgid, plural = (message, None) if isinstance(message, str) else (message[0], message[1])
            found.setdefault((context, msgid, plural), []).append(filename)
    finally:
        os.chdir(cwd)
    return found


def read(path: Path) -> object:
    """Return the catalogue at *path*, read by Babel."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        return read_po(f, abort_invalid=True)


def keys(catalog: object) -> dict[Key, object]:
    """Return the messages of a Babel catalogue by (context, id, plural id), the header left out."""
    found = {}
    for m in catalog:  # type: ignore[attr-defined]
        if not m.id:
            continue
        msgid, plural = (m.id, None) if isinstance(m.id, str) else (m.id[0], m.id[1])
        found[(m.context, msgid, plural)] = m
    return found


def update() -> tuple[int, int]:
    """Run `pybabel extract` then `pybabel update` as docs/language.md writes them; return (messages, untranslated).

    The template's creation date is kept when nothing else changed, so that an idle run leaves git clean.
    """
    import os

    from babel.messages.frontend import CommandLineInterface

    before = POT.read_text(encoding="utf-8") if POT.exists() else ""
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        CommandLineInterface().run([EXTRACT[0], "--quiet", *EXTRACT[1:]])
        after = POT.read_text(encoding="utf-8")
        if _undated(after) == _undated(before):
            POT.write_text(before, encoding="utf-8")
        CommandLineInterface().run([UPDATE[0], "--quiet", *UPDATE[1:]])
    finally:
        os.chdir(cwd)
    messages = keys(read(PO))
    return len(messages), sum(1 for m in messages.values() if not _translated(m))


def _undated(text: str) -> str:
    return re.sub(r'"POT-Creation-Date: [^"]*"', "", text)


def _translated(message: object) -> bool:
    strings = message.string  # type: ignore[attr-defined]
    forms = (strings,) if isinstance(strings, str) else strings
    return all(forms) and not message.fuzzy  # type: ignore[attr-defined]


if __name__ == "__main__":
    total, untranslated = update()
    print(f"{total} messages, {untranslated} to translate in {PO.relative_to(ROOT)}")
