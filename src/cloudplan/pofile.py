"""Gettext catalogues: read a .po file, write the .mo that gettext reads; stdlib only, pure.

The build compiles the French .po into a .mo with this module (setup.py), so that a wheel
built anywhere carries it without Babel or GNU msgfmt; a source checkout, which has the
.po but no .mo, compiles it in memory the same way (cloudplan.language).
Fuzzy entries are left out, as msgfmt leaves them out: a guess never reaches a user.
"""

from __future__ import annotations

import ast
import struct
from typing import NamedTuple


class Entry(NamedTuple):
    """One message of a catalogue: its id (and plural id), its translations, and whether it is fuzzy."""

    msgid: str
    msgid_plural: str | None
    msgstr: tuple[str, ...]
    fuzzy: bool
    context: str | None = None


def read_po(text: str) -> list[Entry]:
    """Return the entries of a .po file's text, the header (msgid "") first when it has one.

    Obsolete entries (#~) are skipped.
    """
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    current: str | None = None

    def flush() -> None:
        nonlocal fields, flags, current
        if "msgid" in fields:
            forms = sorted((k for k in fields if k.startswith("msgstr")), key=_form_index)
            entries.append(
                Entry(
                    fields["msgid"],
                    fields.get("msgid_plural"),
                    tuple(fields[k] for k in forms),
                    "fuzzy" in flags,
                    fields.get("msgctxt"),
                )
            )
        fields, flags, current = {}, set(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            flush()
        elif line.startswith("#,"):
            if current is not None and current != "comment":
                flush()
            flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            if current is not None and current != "comment":
                flush()
            if line.startswith("#~"):
                continue
        elif line.startswith('"'):
            if current is None:
                raise ValueError(f"a string outside an entry: {raw!r}")
            fields[current] += _unquote(line)
        else:
            keyword, _sep, rest = line.partition(" ")
            if keyword in ("msgctxt", "msgid") and "msgstr" in fields:
                flush()
            current = keyword
            fields[keyword] = _unquote(rest.strip())
    flush()
    return entries


def _form_index(key: str) -> int:
    return int(key[7:-1]) if key.startswith("msgstr[") else 0


def _unquote(text: str) -> str:
    if not (text.startswith('"') and text.endswith('"')):
        raise ValueError(f"not a quoted string: {text!r}")
    # A .po string is a C string; its escapes are Python's for what catalogues hold.
    value = ast.literal_eval(text)
    assert isinstance(value, str)
    return value


def write_mo(entries: list[Entry]) -> bytes:
    """Return the .mo file of *entries*: the translated, non-fuzzy ones and the header."""
    messages: dict[bytes, bytes] = {}
    for e in entries:
        if e.fuzzy and e.msgid:
            continue
        if not any(e.msgstr):
            continue
        key = e.msgid if e.msgid_plural is None else f"{e.msgid}\0{e.msgid_plural}"
        if e.context is not None:
            key = f"{e.context}\x04{key}"
        messages[key.encode()] = "\0".join(e.msgstr).encode()
    keys = sorted(messages)
    ids = strs = b""
    offsets = []
    for k in keys:
        offsets.append((len(ids), len(k), len(strs), len(messages[k])))
        ids += k + b"\0"
        strs += messages[k] + b"\0"
    start = 7 * 4 + 16 * len(keys)  # header, then the two tables of (length, offset)
    key_table, value_table = [], []
    for id_at, id_len, str_at, str_len in offsets:
        key_table += [id_len, start + id_at]
        value_table += [str_len, start + len(ids) + str_at]
    header = struct.pack("Iiiiiii", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    return (
        header
        + struct.pack(f"{len(key_table)}i", *key_table)
        + struct.pack(f"{len(value_table)}i", *value_table)
        + ids
        + strs
    )
