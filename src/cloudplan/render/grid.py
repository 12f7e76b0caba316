"""Tables laid out to the width they have: short columns that never wrap, long text beside them or under."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from rich.text import Text

GAP = "  "
RULE = "─"
FLEX_MIN = 40  # a column of titles narrower than this wraps them over four lines: they go under their rows


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, whether its cells line up on the right (numbers), whether it wraps.

    A flexible column (titles) takes the width the others leave, its cells wrapped between words.
    """

    header: str
    right: bool = False
    flex: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """A table row: one cell per column (a cell may hold several lines), and text to print under it."""

    cells: Sequence[Text]
    under: Sequence[Text] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Layout:
    """One way to lay a table out: its columns and its rows."""

    columns: Sequence[Column]
    rows: Sequence[Row]
    least: Sequence[int] = ()  # widths to keep at least: those of sibling tables, so that all line up

    def widths(self) -> list[int]:
        """Return each column's width: its widest line, header included."""
        widths = [max(len(c.header), least) for c, least in zip(self.columns, self.least or [0] * 99, strict=False)]
        for row in self.rows:
            for i, cell in enumerate(row.cells):
                widths[i] = max([widths[i]] + [len(line) for line in cell.plain.split("\n")])
        return widths

    def fit(self, width: int, beside: bool = False) -> list[int] | None:
        """Return the columns' widths in *width*, or None when the layout does not fit.

        With *beside*, the first column (ids, refs) counts only its header's width: a longer
        value goes on a line of its own above its row, the rest beside it.
        """
        widths = self.widths()
        total = sum(widths) + len(GAP) * (len(widths) - 1)
        if beside and total > width:
            total -= widths[0] - max(len(self.columns[0].header), 1)
            widths[0] = max(len(self.columns[0].header), 1)
        if total <= width:
            return widths
        for i, column in enumerate(self.columns):
            if column.flex and width - (total - widths[i]) >= FLEX_MIN:
                widths[i] = width - (total - widths[i])
                return widths
        return None


class Grid:
    """The first of several layouts of a table that fits the console's width (else the last).

    Short values (dates, statuses, numbers) stay whole on their lines; an id or a ref is
    never cut: one too long for its column goes on a line of its own. Titles either have a
    column of their own, when the width allows, or go under their row across the whole
    width, wrapped between words, so that they take two lines rather than five.
    """

    def __init__(
        self,
        layouts: Sequence[Layout],
        title: Text | None = None,
        notes: Sequence[Text] = (),
        beside: int | None = None,
    ) -> None:
        self.layouts = layouts
        self.title = title
        self.notes = notes
        self.beside = len(layouts) if beside is None else beside  # from this layout on, ids may go above their rows

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        fits = ((lay, lay.fit(width, n >= self.beside)) for n, lay in enumerate(self.layouts))
        layout, fitted = next(((lay, w) for lay, w in fits if w is not None), (self.layouts[-1], None))
        widths = fitted or layout.widths()
        if fitted is None:
            # The first column (an id, a ref) gives way when the rest needs the room; a value
            # longer than what is left goes on a line of its own above its row.
            rest = sum(widths[1:]) + len(GAP) * (len(widths) - 1)
            widths[0] = max(min(widths[0], width - rest), len(layout.columns[0].header), 1)
        if self.title is not None:
            yield self.title
        # Lines are made to fit, so they go out as segments: letting Rich wrap each line
        # again took half the time of a 10,000-milestone `status`.
        yield from _out(
            console, _line([Text(c.header, style="bold") for c in layout.columns], widths, layout.columns), width
        )
        yield from _out(console, Text(RULE * min(width, sum(widths) + len(GAP) * (len(widths) - 1))), width)
        for row in layout.rows:
            cells = [
                list(cell.wrap(console, w)) if column.flex else list(cell.split("\n"))
                for cell, w, column in zip(row.cells, widths, layout.columns, strict=True)
            ]
            first = cells[0]
            if any(len(line) > widths[0] for line in first):
                for line in first:
                    yield from _out(console, line, width)
                cells[0] = [Text("")]
            for n in range(max(len(c) for c in cells)):
                parts = [c[n] if n < len(c) else Text("") for c in cells]
                yield from _out(console, _line(parts, widths, layout.columns), width)
            for text in row.under:
                for line in text.wrap(console, max(width - 2, 10)):
                    line.rstrip()
                    yield from _out(console, Text("  ") + line, width)
        yield from self.notes


def _line(cells: Sequence[Text], widths: Sequence[int], columns: Sequence[Column]) -> Text:
    line = Text()
    for i, (cell, width, column) in enumerate(zip(cells, widths, columns, strict=True)):
        if i:
            line.append(GAP)
        padded = cell.copy()
        padded.align("right" if column.right else "left", width)
        line.append_text(padded)
    line.rstrip()
    return line


def _out(console: Console, line: Text, width: int) -> Iterable[Segment]:
    """Return the segments of one line, cut with '…' should it be wider than *width*."""
    if line.cell_len > width:
        line.truncate(width, overflow="ellipsis")
    yield from line.render(console)
    yield Segment.line()
