"""What changed since a revision, as a Rich table for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from cloudplan.base.inert import inert_text
from cloudplan.export.changes import describe, heading

if TYPE_CHECKING:
    from cloudplan.core.changes import Change, Revision

from cloudplan.base.translate import _


def changes_view(revision: Revision, changes: list[Change]) -> Group:
    """Return a heading and one row per change: ref, title, what happened."""
    t = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    t.add_column(_("Ref"), no_wrap=True)
    t.add_column(_("Title"), ratio=1)
    t.add_column(_("Change"), ratio=2)
    for c in changes:
        t.add_row(Text(inert_text(c.ref)), Text(inert_text(c.title)), Text(inert_text(describe(c))))
    return Group(Text(inert_text(heading(revision)), style="bold"), Text(""), t)
