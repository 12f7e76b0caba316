"""Dates and periods: "2021-Q1", "2nd semestre 2019", "+3m" -> Period(first, last); pure."""

from __future__ import annotations

import re
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import NamedTuple

from cloudplan.base.errors import BadPeriod
from cloudplan.base.translate import N_, _


class PeriodKind(StrEnum):
    """The granularity of a period, from the coarsest."""

    YEAR = "year"
    HALF = "half"
    QUARTER = "quarter"
    MONTH = "month"
    WEEK = "week"
    DAY = "day"


class Period(NamedTuple):
    """A span of whole days; a deadline is its last day, a start its first.

    A NamedTuple, as the model's records are (see model.py); periods order by first day.
    """

    first: date
    last: date
    kind: PeriodKind
    text: str  # the canonical spelling, the one cloudplan writes

    def __str__(self) -> str:
        return self.text

    def same_span(self, other: Period | None) -> bool:
        """Whether *other* covers the same days, whatever its spelling (`2021-Q1` and `T1 2021`)."""
        return other is not None and (self.first, self.last) == (other.first, other.last)


def _reduce(period: Period) -> tuple[object, tuple[object, ...]]:
    """Pickle a period as tuple.__new__(Period, values), rebuilt in C (see model._reduce)."""
    return tuple.__new__, (Period, tuple(period))


Period.__reduce__ = _reduce  # type: ignore[assignment,method-assign]

MIN_YEAR, MAX_YEAR = 1000, 9998  # four digits, and room for ISO week 53 spilling over


def year(y: int) -> Period:
    """Return the calendar year *y*."""
    _check_year(y)
    return Period(date(y, 1, 1), date(y, 12, 31), PeriodKind.YEAR, f"{y}")


def half(y: int, h: int) -> Period:
    """Return the half-year (semester) *h* (1 or 2) of *y*."""
    _check_year(y)
    if h not in (1, 2):
        raise BadPeriod(_("a year has two halves, not {h}").format(h=h))
    return Period(date(y, 6 * h - 5, 1), _month_end(y, 6 * h), PeriodKind.HALF, f"{y}-H{h}")


def quarter(y: int, q: int) -> Period:
    """Return the quarter (trimestre) *q* (1 to 4) of *y*."""
    _check_year(y)
    if not 1 <= q <= 4:
        raise BadPeriod(_("a year has four quarters, not {q}").format(q=q))
    return Period(date(y, 3 * q - 2, 1), _month_end(y, 3 * q), PeriodKind.QUARTER, f"{y}-Q{q}")


def month(y: int, m: int) -> Period:
    """Return the month *m* of *y*."""
    _check_year(y)
    if not 1 <= m <= 12:
        raise BadPeriod(_("a month is 01 to 12, not {m:02d}").format(m=m))
    return Period(date(y, m, 1), _month_end(y, m), PeriodKind.MONTH, f"{y}-{m:02d}")


def week(y: int, w: int) -> Period:
    """Return the ISO week *w* of the ISO year *y* (Monday to Sunday)."""
    _check_year(y)
    weeks = date(y, 12, 28).isocalendar().week  # 28 December is always in the last week
    if not 1 <= w <= weeks:
        raise BadPeriod(_("{y} has ISO weeks 01 to {n}, not {w:02d}").format(y=y, n=weeks, w=w))
    monday = date.fromisocalendar(y, w, 1)
    return Period(monday, monday + timedelta(days=6), PeriodKind.WEEK, f"{y}-W{w:02d}")


def day(d: date) -> Period:
    """Return the single day *d*."""
    return Period(d, d, PeriodKind.DAY, d.isoformat())


def holding(d: date, kind: PeriodKind) -> Period:
    """Return the year, half, quarter or month that holds *d*, for any day of the calendar.

    Unlike year(), month() and the others, which take the years a plan may name, this takes
    the years 1 to 9999: a chart's axis around a day a plan holds (done on 0001-01-01).
    """
    y = d.year
    if kind is PeriodKind.YEAR:
        return Period(date(y, 1, 1), date(y, 12, 31), kind, f"{y:04d}")
    size, label = {PeriodKind.HALF: (6, "H"), PeriodKind.QUARTER: (3, "Q"), PeriodKind.MONTH: (1, "")}[kind]
    n = (d.month - 1) // size + 1
    first, last_month = date(y, size * n - size + 1, 1), size * n
    last = date(y, 12, 31) if last_month == 12 else date(y, last_month + 1, 1) - timedelta(days=1)
    return Period(first, last, kind, f"{y:04d}-{label}{n}" if label else f"{y:04d}-{n:02d}")


def shift(d: date, days: int) -> date:
    """Return *d* moved by *days*, held within the calendar (0001-01-01 to 9999-12-31).

    The one way cloudplan moves a day for a view: a plan may hold any day TOML writes, and the
    day after 9999-12-31 (or before 0001-01-01) does not exist; a view drawn up to there stops
    at the calendar's edge. An argument that leaves the calendar is an error instead (`_offset`).
    """
    ordinal = min(max(d.toordinal() + days, 1), _LAST_ORDINAL)
    return date.fromordinal(ordinal)


_LAST_ORDINAL = date.max.toordinal()


def _check_year(y: int) -> None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise BadPeriod(_("year {y} is out of range ({lo} to {hi})").format(y=y, lo=MIN_YEAR, hi=MAX_YEAR))


def _month_end(y: int, m: int) -> date:
    return (date(y + 1, 1, 1) if m == 12 else date(y, m + 1, 1)) - timedelta(days=1)


# -- the plan file's spellings ---------------------------------------------------------

FILE_FORMS = "2020, 2019-H2 (or 2019-S2), 2021-Q1 (or 2021-T1), 2020-02, 2020-W53, 2020-05-15"

# re.ASCII: \d must not match other scripts' digits ("٢٠٢١"), which int() would read.
_FILE_RE = re.compile(
    r"(?P<y>\d{4})(?:-(?:(?P<h>[HS])(?P<hn>\d)|(?P<q>[QT])(?P<qn>\d)|W(?P<w>\d\d)|(?P<m>\d\d)(?:-(?P<d>\d\d))?))?",
    re.ASCII,
)


def parse_file_value(value: object) -> Period:
    """Return the period a plan file's value spells: a TOML date, a year, or a string form.

    Raises BadPeriod with the accepted forms when the value is none of them.
    """
    if isinstance(value, bool):
        raise BadPeriod(_("expected a date or period, got a boolean"), hint=FILE_FORMS)
    if isinstance(value, date) and not hasattr(value, "hour"):
        return day(value)
    if isinstance(value, int):
        return year(value)
    if isinstance(value, str):
        return _parse_file_string(value)
    raise BadPeriod(
        _("expected a date or period, got {kind}").format(kind=type(value).__name__),
        hint=_("write one of: {forms}").format(forms=FILE_FORMS),
    )


@lru_cache(maxsize=4096)
def _parse_file_string(text: str) -> Period:
    match = _FILE_RE.fullmatch(text)
    if match is None:
        raise BadPeriod(
            _("{text!r} is not a period").format(text=text),
            hint=_("write one of: {forms}").format(forms=FILE_FORMS),
        )
    try:
        return _from_match(match)
    except BadPeriod as e:
        raise BadPeriod(_("{text!r}: {why}").format(text=text, why=e.message), hint=e.hint) from None


def _from_match(match: re.Match[str]) -> Period:
    y = int(match["y"])
    if match["hn"]:
        return half(y, int(match["hn"]))
    if match["qn"]:
        return quarter(y, int(match["qn"]))
    if match["w"]:
        return week(y, int(match["w"]))
    if match["d"]:
        return _day_of(y, int(match["m"]), int(match["d"]))
    if match["m"]:
        return month(y, int(match["m"]))
    return year(y)


# -- the command line's spellings --------------------------------------------------------

# The list in each language: a French error lists the French forms (the catalogue's translation of it).
CLI_FORMS = N_(
    "2021-03-15, 15/03/2021, '15 mars 2021', 'March 15 2021', 'mars 2021', 2021-03, "
    "2021-Q1, 'T1 2021', 'Q1 2021', '1er trimestre 2021', 2019-H2, 'S2 2019', "
    "'2nd semestre 2019', 2020-W53, 2021, 'fin 2020', 'fin juin 2027', 'début 2021', today, yesterday, "
    "tomorrow, +10d, -2w, +3m, +1y (also +10j, -2s, +1a), 15-07-2020"
)

_MONTHS = {
    # French, with and without accents, and their usual abbreviations
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4,
    "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "octobre": 10, "novembre": 11, "decembre": 12,
    # English
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

_ORDINALS = {
    "1": 1, "1er": 1, "1re": 1, "1ere": 1, "1st": 1, "premier": 1, "premiere": 1, "first": 1,
    "2": 2, "2e": 2, "2eme": 2, "2nd": 2, "2d": 2, "2de": 2, "2nde": 2, "second": 2, "seconde": 2,
    "deuxieme": 2,
    "3": 3, "3e": 3, "3eme": 3, "3rd": 3, "troisieme": 3, "third": 3,
    "4": 4, "4e": 4, "4eme": 4, "4th": 4, "quatrieme": 4, "fourth": 4,
}  # fmt: skip

_UNITS = {"quarter": "q", "trimestre": "q", "semestre": "h", "semester": "h", "half": "h"}

# Compiled on first use (the re module caches them): a cron run never reads a phrase.
_OFFSET_RE = r"([+-])(\d{1,5})([dwmyjsa])"
# French units: jours, semaines, mois, années.
_OFFSET_UNITS = {"j": "d", "s": "w", "a": "y"}
# "fin juin 2027" is June 2027 (a deadline is a period's last day anyway); "début 2021" is its first day.
_END_WORDS = ("fin de ", "fin ", "end of ", "end ")
_START_WORDS = ("debut de ", "debut ", "start of ", "beginning of ", "early ")
_SHORT_RE = r"([qths])([1-4])(?: of)? (\d{4})|(\d{4}) ([qths])([1-4])"
_ORDINAL_RE = r"(\S+) (quarter|trimestre|semestre|semester|half)(?: of| de)? (\d{4})"
_DAY_MONTH_RE = r"(?:(\d{1,2})(?:er|st|nd|rd|th)? )?([a-z]+)\.?,? (\d{4})"
_MONTH_DAY_RE = r"([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})"
_NUMERIC_RE = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})|(\d{1,2})[/.-](\d{4})"


def parse(text: str, today: date) -> Period:
    """Return the period a command-line argument names, relative days taken from *today*.

    Accepts the plan file's forms and the French and English phrases of CLI_FORMS.
    Raises BadPeriod quoting the input and listing the accepted forms.
    """
    key = _normalise(text)
    forms = _("accepted forms: {forms}").format(forms=_(CLI_FORMS))
    try:
        period = _parse_cli(key, today)
    except BadPeriod as e:
        raise BadPeriod(_("cannot read {text!r}: {why}").format(text=text, why=e.message), hint=forms) from None
    if period is None:
        raise BadPeriod(_("cannot read {text!r} as a date or period").format(text=text), hint=forms)
    return period


def parse_day(text: str, today: date) -> date:
    """Return the one day an argument names; a period stands for its last day."""
    return parse(text, today).last


def _normalise(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.strip().lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("'", " ").replace("\u2019", " ").split())  # aujourd'hui, as typed or typeset


def _parse_cli(key: str, today: date) -> Period | None:
    if key in ("today", "aujourd hui", "auj"):
        return day(today)
    if key in ("yesterday", "hier"):
        return day(_offset(today, -1, "d"))
    if key in ("tomorrow", "demain"):
        return day(_offset(today, 1, "d"))
    if m := re.fullmatch(_OFFSET_RE, key):
        unit = _OFFSET_UNITS.get(m[3], m[3])
        return day(_offset(today, -int(m[2]) if m[1] == "-" else int(m[2]), unit))
    for words in _END_WORDS:
        if key.startswith(words):
            return _parse_cli(key[len(words) :], today)
    for words in _START_WORDS:
        if key.startswith(words):
            inner = _parse_cli(key[len(words) :], today)
            return None if inner is None else day(inner.first)
    if m := _FILE_RE.fullmatch(key.upper()):
        return _from_match(m)
    if m := re.fullmatch(_SHORT_RE, key):
        letter, n, y = (m[1], m[2], m[3]) if m[1] else (m[5], m[6], m[4])
        return half(int(y), int(n)) if letter in "hs" else quarter(int(y), int(n))
    if m := re.fullmatch(_ORDINAL_RE, key):
        n = _ORDINALS.get(m[1])
        if n is None:
            return None
        return quarter(int(m[3]), n) if _UNITS[m[2]] == "q" else half(int(m[3]), n)
    if m := re.fullmatch(_DAY_MONTH_RE, key):
        return _month_or_day(int(m[3]), m[2], m[1])
    if m := re.fullmatch(_MONTH_DAY_RE, key):
        return _month_or_day(int(m[3]), m[1], m[2])
    if m := re.fullmatch(_NUMERIC_RE, key):
        if m[4]:
            return month(int(m[5]), int(m[4]))
        return _calendar_day(int(m[3]), int(m[2]), int(m[1]))
    return None


def _month_or_day(y: int, month_name: str, day_of_month: str | None) -> Period | None:
    m = _MONTHS.get(month_name)
    if m is None:
        return None
    if day_of_month is None:
        return month(y, m)
    return _calendar_day(y, m, int(day_of_month))


def _calendar_day(y: int, m: int, d: int) -> Period:
    _check_year(y)
    return _day_of(y, m, d)


def _day_of(y: int, m: int, d: int) -> Period:
    """Return the day *d* of month *m* of year *y*; BadPeriod saying why in the run's language when there is none
    (Python's own reason is English)."""
    try:
        return day(date(y, m, d))
    except ValueError:
        if not 1 <= m <= 12:
            why = _("not a day of the calendar: there is no month {m}").format(m=m)
        else:
            from calendar import monthrange

            n = monthrange(y, m)[1]
            why = _("not a day of the calendar: month {m} of {y} has {n} days").format(m=m, y=y, n=n)
        raise BadPeriod(why) from None


def _offset(today: date, n: int, unit: str) -> date:
    try:
        if unit == "d":
            return today + timedelta(days=n)
        if unit == "w":
            return today + timedelta(weeks=n)
        # Month arithmetic clips to the month's end (31 January + 1 month = 28 or 29 February).
        from dateutil.relativedelta import relativedelta

        delta = relativedelta(months=n) if unit == "m" else relativedelta(years=n)
        result: date = today + delta
    except (ValueError, OverflowError):
        raise BadPeriod(_("the offset leaves the calendar")) from None
    return result
