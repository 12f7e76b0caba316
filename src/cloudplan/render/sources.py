"""The sources a view was read from (through a portfolio file): each one's commit and the age of its data."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _
from cloudplan.core.model import Snapshot
from cloudplan.words.sources import fetched


def sources_view(snapshots: Sequence[Snapshot], now: datetime | None) -> RenderableType:
    """Return a heading and a line per source: its name, where it is, its commit and how old its data is."""
    table = Table.grid(padding=(0, 2))
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for s in snapshots:
        table.add_row(Text(inert_text(s.name), style="bold"), Text(inert_text(f"{fetched(s, now)} · {s.git}")))
    return Group(Text(""), Text(_("Sources"), style="bold"), table)
