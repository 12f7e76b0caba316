"""Excel workbook (xlsx) of the five tables, written with XlsxWriter; pure: a snapshot in, bytes out.

Every text cell is written as a string (`write_string`): a title that starts with `=` stays
text, never a formula. Dates are date cells (a serial number with a date format, which is
what Excel stores), so that they sort and filter as dates.
"""

from __future__ import annotations

import io
import math
from datetime import date, datetime, time
from typing import Any

from cloudplan.base import human
from cloudplan.export.formats import PortfolioView
from cloudplan.export.sheets import MAX_DECIMALS, WRAP_AT, Cell, decimals, inert, lines, sheets
from cloudplan.words import statuses
from cloudplan.words.theme import STATUS_COLOURS

_EPOCH = date(1899, 12, 30)  # Excel's day 0 (its 1900 leap-year bug folded in, as every writer does)
_DATE_CODES = {"y": "yyyy", "m": "mm", "d": "dd"}
LINE_HEIGHT = 15  # points: a line of the default 11-point font, the height of an ordinary row


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
    # Every cell at the top of its row, and text wrapped within its column: a long title takes two
    # lines rather than the width of the page.
    top = {"valign": "top"}
    header = book.add_format({"bold": True, "bg_color": "#eeeeee", "bottom": 1, "text_wrap": True, **top})
    wrapped = book.add_format({"text_wrap": True, **top})
    day = book.add_format({"num_format": date_format(), "align": "center", **top})
    # Numbers keep a space's width from their right edge ("_)"), so that the text of the next column
    # never seems to continue them; thousands grouped, each number with its own decimals (Excel and
    # LibreOffice show the separators of the reader's locale): 2,500.5 or 2 500,5.
    percent = book.add_format({"num_format": "0%_)", **top})
    numbers = {
        n: book.add_format({"num_format": "#,##0" + ("." + "0" * n if n else "") + "_)", **top})
        for n in range(MAX_DECIMALS + 1)
    }
    colours = {
        name: book.add_format({"bg_color": colour, "font_color": "#ffffff", "text_wrap": True, "indent": 1, **top})
        for name, colour in STATUS_COLOURS.items()
    }
    heading = (inert(snapshot.title) or "").replace("&", "&&")[:100]  # a page header spells "&" as "&&"
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
                writers.append((c, text, wrapped))
            elif kind is Cell.NUMBER:
                writers.append((c, _number_writer(number, numbers, text), None))
            elif kind is Cell.PERCENT:
                writers.append((c, number, percent))
            elif kind is Cell.DATE:
                writers.append((c, _date_writer(number, day), None))
            else:
                writers.append((c, _status_writer(text, colours), None))
        # Rows of wrapped text are as tall as their longest cell: LibreOffice does not measure them itself
        # when it opens (or prints) an xlsx file, and would print the lines over the next rows.
        wraps = [(c, w) for c, (w, kind) in enumerate(zip(sheet.widths, sheet.kinds, strict=True))
                 if kind in (Cell.TEXT, Cell.STATUS) and w <= WRAP_AT + 1]  # fmt: skip
        ws.set_row(0, LINE_HEIGHT * max(lines(h, w) for h, w in zip(sheet.headers, sheet.widths, strict=True)))
        for r, row in enumerate(sheet.rows, start=1):
            for c, write, style in writers:
                v = row[c]
                if v is not None:
                    write(r, c, v, style)
            tallest = 1
            for c, w in wraps:
                v = row[c]
                if isinstance(v, str) and len(v) >= w - 1:
                    tallest = max(tallest, lines(v if sheet.kinds[c] is Cell.TEXT else statuses.label(v), w))
            if tallest > 1:
                ws.set_row(r, LINE_HEIGHT * tallest)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, max(len(sheet.rows), 1), len(sheet.headers) - 1)
        _print_setup(ws, heading)
    book.close()
    return out.getvalue()


def _print_setup(ws: Any, title: str) -> None:
    """Print every sheet as people file it: A4 landscape, all its columns on one page wide (as many pages
    down as it takes), its header row repeated on each page, the plan's title and the sheet's name above,
    the page number below."""
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.set_header(f"&L{title}&R&A")
    ws.set_footer("&C&P / &N")


def _number_writer(number: Any, styles: dict[int, Any], text: Any) -> Any:
    def write(r: int, c: int, v: float, _style: Any) -> None:
        if not math.isfinite(v):  # never from a checked plan (inf and nan are findings); never an error here
            text(r, c, str(v), styles[0])
        else:
            number(r, c, v, styles[0] if v == int(v) else styles[decimals(v)])

    return write


def _date_writer(number: Any, style: Any) -> Any:
    def write(r: int, c: int, v: date, _style: Any) -> None:
        number(r, c, (v - _EPOCH).days, style)

    return write


def _status_writer(text: Any, colours: dict[str, Any]) -> Any:
    def write(r: int, c: int, v: str, _style: Any) -> None:
        text(r, c, statuses.label(v), colours.get(v))

    return write
