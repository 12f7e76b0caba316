"""Days, periods, numbers and durations as people read them, in the language of the run; stdlib only, pure.

Every message and view for people (findings, errors, terminal, lines for mail, report)
spells them through here; machine formats (JSON, CSV, iCalendar) never do. It sits in
base, below the core, because the core's own messages (a finding's day, a period in an
error) are for people too; it knows a period by its `kind`'s value, so that it needs
nothing of the core at run time. In English each function gives what cloudplan
has always written (ISO days, the plan's period spellings, status keywords), so English
output does not change; in French:

- days `31/12/2019`; periods `2019`, `1er semestre 2019`, `2e trimestre 2021`,
  `décembre 2019`, `semaine 53 de 2020`;
- numbers `112,4` and `12 000` (a narrow no-break space, U+202F, between thousands).

The labels of statuses are words.statuses'.

Written by hand rather than with Babel: importing babel.dates costs about 60 ms and its
first French format 20 ms more, against a whole `overdue` run of about 100 ms (measured
with python -X importtime); and CLDR has no semesters anyway.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from cloudplan.base.translate import _, language, ngettext

if TYPE_CHECKING:
    from cloudplan.core.periods import Period

MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
NARROW_NBSP = "\u202f"
HUGE = 1e15  # from here on a number is written with three digits and a power of ten: 1.8e+308
_FAR = ">1e+15"  # a percentage beyond HUGE (there is no float for some of them)


def french() -> bool:
    """Return whether the run speaks French."""
    return language() == "fr"


def day_parts() -> tuple[tuple[str, str, str], str]:
    """Return how `day` writes a day: the order of the year ("y"), month ("m") and day ("d"), and
    what separates them; for what spells a day its own way (a spreadsheet's date format)."""
    return (("d", "m", "y"), "/") if french() else (("y", "m", "d"), "-")


def day(d: date | None) -> str:
    """Return a day: 2019-12-31 in English, 31/12/2019 in French; '-' for none."""
    if d is None:
        return "-"
    if french():
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return d.isoformat()


def _ordinal(n: int) -> str:
    return "1er" if n == 1 else f"{n}e"


def period(p: Period | None) -> str:
    """Return a period: as the plan spells it in English (2019-H2), in words in French (2e semestre 2019)."""
    if p is None:
        return "-"
    if not french():
        return p.text
    first, kind = p.first, p.kind.value  # the PeriodKind's value: year, half, quarter, month, week, day
    if kind == "year":
        return str(first.year)
    if kind == "half":
        return f"{_ordinal(1 if first.month <= 6 else 2)} semestre {first.year}"
    if kind == "quarter":
        return f"{_ordinal((first.month + 2) // 3)} trimestre {first.year}"
    if kind == "month":
        return f"{MONTHS[first.month - 1]} {first.year}"
    if kind == "week":
        iso = first.isocalendar()
        return f"semaine {iso.week} de {iso.year}"
    return day(first)


def period_short(p: Period) -> str:
    """Return a period in few letters where room is short (an axis's title): T1 2021 and S2 2019 in French."""
    if not french():
        return p.text
    kind = p.kind.value
    if kind == "half":
        return f"S{1 if p.first.month <= 6 else 2} {p.first.year}"
    if kind == "quarter":
        return f"T{(p.first.month + 2) // 3} {p.first.year}"
    if kind == "month":
        return f"{p.first.month:02d}/{p.first.year}"
    return period(p)


def due(p: Period) -> str:
    """Return a deadline with its last day when the period is longer than a day: '2021-Q1 (2021-03-31)'."""
    text = period(p)
    last = day(p.last)
    return text if text == last else f"{text} ({last})"


def quarter_label(q: int) -> str:
    """Return the short name of quarter *q* on an axis: Q1 in English, T1 (trimestre) in French."""
    return f"T{q}" if french() else f"Q{q}"


def number(value: float | None) -> str:
    """Return a value as people write it, at most one decimal: 112.4 / 12000 in English, 112,4 / 12 000 in French."""
    if value is None:
        return "-"
    rounded = round(value, 1)
    if abs(rounded) >= HUGE:  # 1.8e+308, not three hundred digits
        text = f"{rounded:.3g}"
        return text.replace(".", ",") if french() else text
    if not french():
        return f"{rounded:g}"
    text = f"{int(rounded):,}" if rounded == int(rounded) else f"{rounded:,.1f}"
    return text.translate({ord(","): NARROW_NBSP, ord("."): ","})


def unit(name: str) -> str:
    """Return what follows a number to give its unit: ' %' in English; in French a narrow no-break space, so that
    the number and its unit stay on one line ('' for no unit)."""
    return f"{NARROW_NBSP if french() else ' '}{name}" if name else ""


def exact(value: float) -> str:
    """Return a value as given, every digit kept (a measure echoed back): 22.5 / 12000 in English, 22,5 / 12 000 in
    French."""
    if isinstance(value, int):
        text = str(value)
    else:  # every digit a float holds: 1e+308 as such, not three hundred digits
        text = str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)  # repr: 1e+16 on
    if "e" in text:
        return text.replace(".", ",") if french() else text
    if not french():
        return text
    whole, point, decimals = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}".replace(",", NARROW_NBSP)
    return f"{sign}{grouped}{',' if point else ''}{decimals}"


def time(moment: datetime) -> str:
    """Return the time of day of *moment*: 18:00 in English, 18 h 00 in French (narrow no-break spaces: one piece)."""
    return f"{moment:%H}{NARROW_NBSP}h{NARROW_NBSP}{moment:%M}" if french() else f"{moment:%H:%M}"


def days_left(left: int | None) -> str:
    """Return how far a deadline is: '60 days late', 'in 12 days', 'due today'; '' for none (a closed milestone)."""
    if left is None:
        return ""
    if left == 0:
        return _("due today")
    if left < 0:
        return ngettext("{n} day late", "{n} days late", -left).format(n=-left)
    return ngettext("in {n} day", "in {n} days", left).format(n=left)


def colon() -> str:
    """Return what separates a label from what it introduces: ': ' in English, ' : ' in French (a narrow no-break
    space before the colon, so that a line never starts with it)."""
    return f"{NARROW_NBSP}: " if french() else ": "


def percent(value: float) -> str:
    """Return a whole percentage: '33 %' (as cloudplan has always written it in English), '33 %' in French with
    a narrow no-break space."""
    sign = NARROW_NBSP if french() else " "
    if abs(value) >= HUGE:  # a share of a way near 1e308 times a hundred: no float, and no one reads the digits
        return f"{_FAR if value > 0 else '-' + _FAR}{sign}%"
    return f"{round(value)}{sign}%"
