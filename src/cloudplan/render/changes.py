"""What changed since a revision, as a Rich table for people."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from cloudplan.base.inert import inert_text
from cloudplan.words.changes import describe, heading, source_lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cloudplan.core.changes import Change, Revision, SourceRevision

from cloudplan.base.translate import _


def changes_view(revision: Revision, changes: list[Change], sources: Sequence[SourceRevision] = ()) -> Group:
    """Return a heading (and a line per source of a portfolio), and one row per change: ref, title, what happened."""
    rows = [(Text(inert_text(c.ref)), Text(inert_text(c.title)), Text(inert_text(describe(c)))) for c in changes]
    lines = [Text(inert_text(line), style="dim") for line in source_lines(sources)]
    return Group(Text(inert_text(heading(revision)), style="bold"), *lines, Text(""), _Changes(rows))


class _Changes:
    """The changes as a table (ref, title, change) where the width gives the title and the change
    ROOM columns each at least, else each change as its ref, then what happened and the title under it."""

    ROOM = 20

    def __init__(self, rows: list[tuple[Text, Text, Text]]) -> None:
        self.rows = rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        refs = max((ref.cell_len for ref, _t, _c in self.rows), default=0)
        if options.max_width - refs - 2 * 2 >= 2 * self.ROOM:
            t = Table(box=None, show_edge=False, pad_edge=False, header_style="bold")
            t.add_column(_("Ref"), no_wrap=True)
            t.add_column(_("Title"), ratio=1)
            t.add_column(_("Change"), ratio=2)
            for row in self.rows:
                t.add_row(*row)
            yield t
            return
        for ref, title, change in self.rows:
            yield Text(ref.plain, style="bold")
            yield Padding(change, (0, 0, 0, 2))
            yield Padding(Text(title.plain, style="dim"), (0, 0, 0, 2))
