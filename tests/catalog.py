"""The messages cloudplan says to people, found in its code, and the French catalogue's upkeep.

Two sources: every literal passed to `_()` or `ngettext()` in the package (an AST walk),
and the help the command line shows (commands' docstrings, options' help and metavars, and
the words of Typer that cloudplan.cli.framework sends through the gate), read from the app
itself as Typer builds it.

    python -m tests.catalog    # rewrite the .pot, and add the new messages to the .po (empty, to translate)
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cloudplan"
LOCALE = PACKAGE / "locale"
POT = LOCALE / "cloudplan.pot"
PO = LOCALE / "fr" / "LC_MESSAGES" / "cloudplan.po"


class Message(NamedTuple):
    """A message to translate: its id, its plural id, where it is used."""

    msgid: str
    plural: str | None
    where: str


def code_messages() -> list[Message]:
    """Return the literals passed to `_()` and `ngettext()` in the package, in file order."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            # `_()` and `ngettext()`, and a translator's `t.gettext()` / `t.ngettext()` (cloudplan.core.routing).
            if isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
                name = node.func.id
            elif isinstance(node.func, ast.Attribute) and node.func.attr in ("gettext", "ngettext"):
                name = "_" if node.func.attr == "gettext" else "ngettext"
            else:
                continue
            texts = [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            where = f"{path.relative_to(PACKAGE.parent)}:{node.lineno}"
            if name == "_" and texts:
                found.append(Message(texts[0], None, where))
            elif name == "ngettext" and len(texts) >= 2:
                found.append(Message(texts[0], texts[1], where))
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

    found = [Message(w, None, "typer") for w in TYPER_WORDS]

    def walk(command: object, path: str) -> None:
        for name in ("help", "short_help", "epilog"):
            text = getattr(command, name, None)
            if text:
                found.append(Message(inspect.cleandoc(text), None, f"help of {path}"))
        for param in getattr(command, "params", []):
            if getattr(param, "help", None):
                found.append(Message(inspect.cleandoc(param.help), None, f"help of {path} {param.name}"))
            if isinstance(getattr(param, "metavar", None), str) and param.metavar.isupper():
                found.append(Message(param.metavar, None, f"metavar of {path} {param.name}"))
        # The root group builds its commands only when asked (a lazy group): ask it for each.
        lister = getattr(command, "list_commands", None)
        if lister is not None:
            ctx = click.Context(command)
            for name in lister(ctx):
                walk(command.get_command(ctx, name), f"{path} {name}")

    walk(typer.main.get_group(app), "cloudplan")
    return found


def messages() -> dict[tuple[str, str | None], list[str]]:
    """Return every message to translate, once each, with the places it is used."""
    every: dict[tuple[str, str | None], list[str]] = {}
    for m in code_messages() + help_messages():
        every.setdefault((m.msgid, m.plural), []).append(m.where)
    return every


def quote(text: str) -> str:
    """Return *text* as a .po string, split after newlines as msgmerge does."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    lines = escaped.split("\n")
    if len(lines) == 1:
        return f'"{escaped}"'
    parts = [line + "\\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])
    return '""\n' + "\n".join(f'"{p}"' for p in parts)


HEADER = """\
msgid ""
msgstr ""
"Project-Id-Version: cloudplan\\n"
"Language: {lang}\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=n > 1;\\n"
"""


def entry(msgid: str, plural: str | None, where: list[str], translation: tuple[str, ...] = ()) -> str:
    """Return one .po entry."""
    lines = [f"#: {w}" for w in where[:3]]
    lines.append(f"msgid {quote(msgid)}")
    if plural is None:
        lines.append(f"msgstr {quote(translation[0] if translation else '')}")
    else:
        lines.append(f"msgid_plural {quote(plural)}")
        forms = translation or ("", "")
        lines += [f"msgstr[{i}] {quote(f)}" for i, f in enumerate(forms)]
    return "\n".join(lines) + "\n"


def update() -> tuple[int, int]:
    """Rewrite the .pot; keep the .po's translations, add new messages, drop those no longer used."""
    from cloudplan import pofile

    found = messages()
    POT.parent.mkdir(parents=True, exist_ok=True)
    POT.write_text(
        HEADER.format(lang="")
        + "\n"
        + "\n".join(entry(msgid, plural, where) for (msgid, plural), where in found.items()),
        encoding="utf-8",
    )
    known = {}
    if PO.exists():
        known = {(e.msgid, e.msgid_plural): e for e in pofile.read_po(PO.read_text(encoding="utf-8")) if e.msgid}
    parts = [HEADER.format(lang="fr")]
    new = 0
    for (msgid, plural), where in found.items():
        old = known.get((msgid, plural))
        if old is None or not any(old.msgstr):
            new += 1
        text = entry(msgid, plural, where, old.msgstr if old else ())
        parts.append(("#, fuzzy\n" if old is not None and old.fuzzy else "") + text)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_text("\n".join(parts), encoding="utf-8")
    return len(found), new


if __name__ == "__main__":
    total, untranslated = update()
    print(f"{total} messages, {untranslated} to translate in {PO.relative_to(ROOT)}")
