"""The tables of a spreadsheet export (projects, milestones, slips, indicators, measures), typed cells; pure.

xlsx.py and ods.py draw the same tables: each column says how its cells are written (text,
a number, a date, a percentage, a status to colour). The files are for people, so they
follow the user's language: headers, sheet names, statuses (`en retard`) and how dates are
shown (31/12/2019), and periods (2e trimestre 2027 in French, 2027-Q2 as written in English);
what the plan says (ids, refs, titles) is kept as it is. A status cell holds the status's
keyword, which the writers colour by and spell with `human.status`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from enum import Enum
from typing import NamedTuple

from cloudplan.base import human
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _, pgettext
from cloudplan.export.formats import PortfolioView
from cloudplan.words import statuses


class Cell(Enum):
    """How a column's values are written."""

    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    PERCENT = "percent"
    STATUS = "status"  # text, coloured by its value


Value = str | float | int | date | None


class Sheet(NamedTuple):
    """One table: its name, its columns (header, kind, width in characters) and its rows."""

    name: str
    headers: tuple[str, ...]
    kinds: tuple[Cell, ...]
    widths: tuple[int, ...]
    rows: list[tuple[Value, ...]]


MIN_WIDTH, MAX_WIDTH = 6, 60
# A text column wider than this wraps its cells (and its header) on several lines instead: every column
# of a sheet must fit one landscape page wide and stay readable once printed.
WRAP_AT = 26
# A number cell shows the decimals its value was written with (110, 2 500.5, 99.71), at most two: an
# expected value of 33.094891 shows 33.09, and the cell keeps all of them.
MAX_DECIMALS = 2


def decimals(value: float) -> int:
    """Return how many decimals *value* is written with, at most MAX_DECIMALS: 110 -> 0, 161250.5 -> 1."""
    for n in range(MAX_DECIMALS):
        if round(value, n) == value:
            return n
    return MAX_DECIMALS


def shown(value: float, places: int) -> str:
    """Return a number as a cell formatted with *places* decimals and grouped thousands shows it."""
    text = f"{value:,.{places}f}"
    return text.translate({ord(","): human.NARROW_NBSP, ord("."): ","}) if human.french() else text


def lines(text: str, width: int) -> int:
    """Return how many lines *text* takes once wrapped between its words in a column *width* characters wide.

    A character of a column's width is a digit's; a line of ordinary text holds about a quarter more
    letters (measured in LibreOffice and Excel with their default fonts), a little less here to be safe.
    """
    room = max(int(width * 1.2) - 1, 1)
    if len(text) <= room:
        return 1
    count, used = 1, 0
    for word in text.split():
        need = len(word) + (1 if used else 0)
        if used and used + need > room:
            count, used, need = count + 1, 0, len(word)
        while need > room:  # a word longer than the column is cut where it meets the edge
            count, need = count + 1, need - room
        used += need
    return count


_NONCHARACTERS = {0xFFFE: 0xFFFD, 0xFFFF: 0xFFFD}
_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))  # characters no sheet name may hold


def _sheet(name: str, columns: Sequence[tuple[str, Cell]], rows: list[tuple[Value, ...]]) -> Sheet:
    headers = tuple(h for h, _k in columns)
    kinds = tuple(k for _h, k in columns)
    widths = []
    for i, (header, kind) in enumerate(columns):
        if kind is Cell.DATE:
            longest = 11  # 31/12/2019 and a margin: a date never touches the next column
        elif kind is Cell.TEXT:
            # The longest of a sample: 10,000 rows need not all be measured to size a column.
            longest = max((len(r[i]) for r in rows[:500] if isinstance(r[i], str)), default=0)  # type: ignore[arg-type]
            longest = min(longest, WRAP_AT)
        elif kind is Cell.STATUS:
            longest = max((len(statuses.label(str(r[i]))) for r in rows[:500] if r[i] is not None), default=0)
            longest = min(longest, WRAP_AT // 2)
        elif kind is Cell.NUMBER:
            # As shown, grouped and with its decimals, and a margin: a number never fills its cell to the
            # edge, where it would seem to run into the next column or turn into "###".
            numbers = [v for r in rows[:500] if isinstance(v := r[i], int | float) and math.isfinite(v)]
            longest = max((len(shown(v, decimals(v))) for v in numbers), default=0) + 2
        else:
            longest = 8
        # The header wraps between its words; its longest word, bold, beside the filter's button.
        heading = max(map(len, header.split()), default=0) + 3
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, heading, longest + 1)))
    return Sheet(name.translate(_FORBIDDEN)[:31], headers, kinds, tuple(widths), rows)


def inert(value: str | None) -> str | None:
    """Return plan text as one inert line (control characters shown), or None when empty."""
    if not value:
        return None
    value = inert_text(value)
    # U+FFFE and U+FFFF are no characters of XML, which both spreadsheet formats are made of.
    return value.translate(_NONCHARACTERS) if "\ufffe" in value or "\uffff" in value else value


def _join(values: Sequence[str]) -> str | None:
    return inert("; ".join(values))


def sheets(snapshot: PortfolioView) -> list[Sheet]:
    """Return the five tables of *snapshot*: projects, milestones, slips, indicators, measures."""
    T, N, D, P, S = Cell.TEXT, Cell.NUMBER, Cell.DATE, Cell.PERCENT, Cell.STATUS
    projects: list[tuple[Value, ...]] = []
    milestones: list[tuple[Value, ...]] = []
    slips: list[tuple[Value, ...]] = []
    for ps in snapshot.projects:
        p = ps.project
        projects.append((p.id, inert(p.title), _join(p.owners), _join(p.tags), ps.status.value, ps.done, ps.total,
                         inert(p.source)))  # fmt: skip
        for s in ps.milestones:
            m = s.milestone
            due = m.due
            # No id and no plan file: the ref holds the id, the Projects sheet the file. Every
            # column is 10,000 more cells on a national portfolio, and cells are what costs.
            milestones.append((
                m.ref, m.project, inert(m.title), _join(m.owners), human.period(m.start) if m.start else None,
                human.period(due) if due else None, due.last if due else None, m.done, m.cancelled, s.status.value,
                s.days_left, s.slipped_days or None,  # blank, not 0, for the many that never slipped
            ))  # fmt: skip
            for slip in m.slips:
                slips.append((m.ref, inert(m.title), human.period(slip.from_) if slip.from_ else None,
                              human.period(slip.to) if slip.to else None, slip.on, inert(slip.reason)))  # fmt: skip
    indicators: list[tuple[Value, ...]] = []
    measures: list[tuple[Value, ...]] = []
    for st in snapshot.indicators:
        i = st.indicator
        base, target = i.baseline, i.target
        indicators.append((
            i.id, inert(i.title), inert(i.unit), i.project, base.value if base else None,
            human.period(base.when) if base else None, target.value if target else None,
            human.period(target.when) if target else None,
            st.latest, st.latest_on, None if st.expected is None else round(st.expected, 6),
            None if st.progress is None else round(st.progress, 6), st.status.value, inert(i.source),
        ))  # fmt: skip
        measures += [(i.id, ms.on, ms.value, inert(ms.note)) for ms in i.measures]
    return [
        _sheet(_("Projects"), [
            (_("Id"), T), (_("Title"), T), (_("Owners"), T), (_("Tags"), T), (_("Status"), S),
            (pgettext("count", "Done"), N), (_("Milestones"), N), (_("Plan"), T),
        ], projects),
        _sheet(_("Milestones"), [
            (_("Ref"), T), (_("Project"), T), (_("Title"), T), (_("Owners"), T), (_("Start"), T),
            (_("Due"), T), (_("Deadline"), D), (pgettext("day", "Done"), D), (_("Cancelled"), D), (_("Status"), S),
            (_("Days left"), N), (_("Days slipped"), N),
        ], milestones),
        _sheet(_("Slips"), [
            (_("Milestone"), T), (_("Title"), T), (_("From"), T), (_("To"), T), (_("On"), D), (_("Reason"), T),
        ], slips),
        _sheet(_("Indicators"), [
            (_("Id"), T), (_("Title"), T), (_("Unit"), T), (_("Project"), T), (_("Baseline"), N),
            (_("Baseline on"), T), (_("Target"), N), (_("Target by"), T), (_("Latest"), N), (_("Latest on"), D),
            (_("Expected"), N), (_("Progress"), P), (_("Status"), S), (_("Plan"), T),
        ], indicators),
        _sheet(_("Measures"), [(_("Indicator"), T), (_("Measured on"), D), (_("Value"), N), (_("Note"), T)], measures),
    ]  # fmt: skip
