"""Excel workbook (xlsx) of the five tables, written with XlsxWriter; pure: a snapshot in, bytes out.

Every text cell is written as a string (`write_string`): a title that starts with `=` stays
text, never a formula. Dates are date cells (a serial number with a date format, which is
what Excel stores), so that they sort and filter as dates.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from typing import Any

from cloudplan.export.formats import PortfolioView
from cloudplan.export.sheets import Cell, inert, sheets
from cloudplan.words import human
from cloudplan.words.theme import STATUS_COLOURS

_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug folded in, as every writer does)
_DATE_CODES = {"y": "yyyy", "m": "mm", "d": "dd"}


def date_format() -> str:
    """Return the number format of date cells: yyyy-mm-dd, or dd/mm/yyyy in French."""
    order, separator = human.day_parts()
    return separator.join(_DATE_CODES[part] for part in order)


def workbook(snapshot: PortfolioView) -> bytes:
    """Return the xlsx file of *snapshot*: a sheet per table, header frozen and filtered, statuses coloured."""
    import xlsxwriter  # type: ignore[import-untyped]

    out = io.BytesIO()
    book = xlsxwriter.Workbook(
        out,
        {
            "in_memory": True,
            # Never guess: text is text, whatever it looks like.
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    # The as-of day, not the clock: the same plan gives the same file.
    stamp = datetime.combine(snapshot.as_of, time())
    book.set_properties({"title": inert(snapshot.title) or "", "created": stamp, "comments": "cloudplan"})
    header = book.add_format({"bold": True, "bg_color": "#eeeeee", "bottom": 1})
    day = book.add_format({"num_format": date_format()})
    percent = book.add_format({"num_format": "0%"})
    colours = {
        name: book.add_format({"bg_color": colour, "font_color": "#ffffff"}) for name, colour in STATUS_COLOURS.items()
    }
    for sheet in sheets(snapshot):
        ws: Any = book.add_worksheet(sheet.name)
        for c, (title, width) in enumerate(zip(sheet.headers, sheet.widths, strict=True)):
            ws.write_string(0, c, title, header)
            ws.set_column(c, c, width)
        text, number = ws.write_string, ws.write_number
        # One writer a column, chosen once: the loop below runs for every cell.
        writers = []
        for c, kind in enumerate(sheet.kinds):
            if kind is Cell.TEXT:
                writers.append((c, text, None))
            elif kind is Cell.NUMBER:
                writers.append((c, number, None))
            elif kind is Cell.PERCENT:
                writers.append((c, number, percent))
            elif kind is Cell.DATE:
                writers.append((c, _date_writer(number, day), None))
            else:
                writers.append((c, _status_writer(text, colours), None))
        for r, row in enumerate(sheet.rows, start=1):
            for c, write, style in writers:
                v = row[c]
                if v is not None:
                    write(r, c, v, style)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.headers) - 1)
    book.close()
    return out.getvalue()


def _date_writer(number: Any, style: Any) -> Any:
    def write(r: int, c: int, v: date, _style: Any) -> None:
        number(r, c, (v - _EPOCH).days, style)

    return write


def _status_writer(text: Any, colours: dict[str, Any]) -> Any:
    def write(r: int, c: int, v: str, _style: Any) -> None:
        text(r, c, human.status(v), colours.get(v))

    return write
