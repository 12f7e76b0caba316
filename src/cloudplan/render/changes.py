"""What changed since a revision, as a Rich table for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from cloudplan.base.inert import inert_text
from cloudplan.export.changes import describe, heading, source_lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cloudplan.core.changes import Change, Revision, SourceRevision

from cloudplan.base.translate import _


def changes_view(revision: Revision, changes: list[Change], sources: Sequence[SourceRevision] = ()) -> Group:
    """Return a heading (and a line per source of a portfolio), and one row per change: ref, title, what happened."""
    t = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
    t.add_column(_("Ref"), no_wrap=True)
    t.add_column(_("Title"), ratio=1)
    t.add_column(_("Change"), ratio=2)
    for c in changes:
        t.add_row(Text(inert_text(c.ref)), Text(inert_text(c.title)), Text(inert_text(describe(c))))
    lines = [Text(inert_text(line), style="dim") for line in source_lines(sources)]
    return Group(Text(inert_text(heading(revision)), style="bold"), *lines, Text(""), t)
