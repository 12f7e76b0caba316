"""`cloudplan blame`: each key of a milestone, its value, and the commit that set it, who and when."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cloudplan.base import human
from cloudplan.base.errors import BadPeriod
from cloudplan.base.translate import _
from cloudplan.core.blame import Field
from cloudplan.core.periods import parse_file_value
from cloudplan.render.status import plain


def blame_view(ref: str, title: str, fields: list[Field]) -> RenderableType:
    """Return the milestone's head line, then a row per key: key, value, commit, author, day, signature."""
    head = Text()
    head.append_text(plain(ref, style="bold"))
    head.append("  ")
    head.append_text(plain(title))
    table = Table(box=None, padding=(0, 2, 0, 0), pad_edge=False, show_edge=False)
    for column in (_("Key"), _("Value"), _("Commit"), _("Author"), _("Date"), _("Signature")):
        table.add_column(column, no_wrap=column not in (_("Value"), _("Author")), overflow="fold")
    signatures = {"good": _("good signature"), "bad": _("bad signature"), "none": _("unsigned")}
    for f in fields:
        c = f.commit
        cells = [
            plain(f.key),
            plain(_value(f.value, f.key)),
            plain(c.commit[:10] if c else "-"),
            plain(c.name if c else _("not committed yet")),
            plain(human.day(datetime.fromisoformat(c.date).date()) if c else "-"),
            Text(signatures.get(c.signature, c.signature) if c else "-",
                 style={"good": "green", "bad": "bold red"}.get(c.signature, "") if c else ""),
        ]  # fmt: skip
        table.add_row(*cells)
    return Group(head, Text(""), table)


def _value(value: Any, key: str) -> str:
    """A value for people: days and periods in the language of the run, lists comma-separated, a slip in words."""
    if value is None:
        return _("(removed)")
    if isinstance(value, dict):  # a slip
        moved = f"{_value(value.get('from'), 'from')} -> {_value(value.get('to'), 'to')}"
        on = _value(value.get("on"), "on") if value.get("on") is not None else "?"
        reason = value.get("reason")
        return _("{moved} on {on}").format(moved=moved, on=on) + (f": {reason}" if reason else "")
    if isinstance(value, list):
        return ", ".join(_value(v, key) for v in value)
    if isinstance(value, date) and not isinstance(value, datetime):
        return human.day(value)
    if key in ("start", "due", "from", "to"):
        try:
            return human.period(parse_file_value(value))
        except BadPeriod:
            pass
    return str(value)
