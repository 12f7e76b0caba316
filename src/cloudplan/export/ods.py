"""OpenDocument spreadsheet (ods) of the five tables, written with the standard library; pure: bytes out.

An .ods file is a zip of a few XML parts (ISO/IEC 26300, OpenDocument 1.2). The writing
libraries measured (docs/committee.md) take 17 s (odfpy) and over 5 minutes (odfdo) for a
10,000-milestone portfolio; these parts, written directly, take a fraction of a second.
Text cells are `office:value-type="string"`: OpenDocument has no way for a string to
become a formula (formulas live in their own attribute, which is never written).
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Callable
from datetime import date
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from cloudplan.base import human
from cloudplan.export.formats import PortfolioView
from cloudplan.export.sheets import MAX_DECIMALS, Cell, Sheet, decimals, inert, sheets, shown
from cloudplan.words import statuses
from cloudplan.words.theme import STATUS_COLOURS

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"
_ZIP_FIRST, _ZIP_LAST = date(1980, 1, 1), date(2107, 12, 31)  # the days a zip member's time can say

_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0" '
    'office:version="1.2"'
)

MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""


def _page_styles(title: str) -> str:
    """Return styles.xml: the page every sheet prints on, as people file it: A4 landscape, every column on
    one page wide (as many pages down as it takes), the plan's title and the sheet's name above, the page
    number below. (The header row repeats on each page: it is each table's `table:table-header-rows`.)"""
    lines = 'style:header-footer-properties fo:min-height="0.6cm" fo:margin-left="0cm" fo:margin-right="0cm"'
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_NS}><office:styles>
<style:style style:name="Default" style:family="table-cell"/>
</office:styles><office:automatic-styles>
<style:page-layout style:name="pm1"><style:page-layout-properties fo:page-width="29.7cm" fo:page-height="21cm" \
style:print-orientation="landscape" fo:margin-top="1cm" fo:margin-bottom="1cm" fo:margin-left="1.27cm" \
fo:margin-right="1.27cm" style:print-page-order="ttb" style:scale-to-X="1"/>\
<style:header-style><{lines} fo:margin-bottom="0.25cm"/></style:header-style>\
<style:footer-style><{lines} fo:margin-top="0.25cm"/></style:footer-style></style:page-layout>
</office:automatic-styles><office:master-styles>
<style:master-page style:name="Default" style:page-layout-name="pm1">\
<style:header><style:region-left><text:p>{escape(title)}</text:p></style:region-left>\
<style:region-right><text:p><text:sheet-name>???</text:sheet-name></text:p></style:region-right></style:header>\
<style:footer><text:p><text:page-number>1</text:page-number> / <text:page-count>1</text:page-count></text:p>\
</style:footer></style:master-page>
</office:master-styles></office:document-styles>
"""


# A centimetre for about 4.3 characters of the default 10-point font: a little more room than the
# characters need, for LibreOffice lays a scaled page out a little wider on paper than on screen.
_CM_PER_CHAR = 0.23
_TOP = 'style:vertical-align="top"'
_WRAP = f'{_TOP} fo:wrap-option="wrap"'
_ROOM = 'fo:padding-right="0.15cm"'  # between a number and the text of the next column


def _styles(sheet_list: list[Sheet]) -> str:
    widths = sorted({w for s in sheet_list for w in s.widths})
    order, separator = human.day_parts()
    fields = {"y": "year", "m": "month", "d": "day"}
    date_style = f"<number:text>{separator}</number:text>".join(
        f'<number:{fields[part]} number:style="long"/>' for part in order
    )
    parts = [
        f'<number:date-style style:name="N-date">{date_style}</number:date-style>',
        '<number:percentage-style style:name="N-pct"><number:number number:decimal-places="0" '
        'number:min-integer-digits="1"/><number:text>%</number:text></number:percentage-style>',
        '<style:style style:name="ta" style:family="table" style:master-page-name="Default">'
        '<style:table-properties table:display="true"/></style:style>',
        # Every cell at the top of its row; text wraps within its column (a long title takes two lines,
        # not the page's width); numbers keep a little room from the next column; dates are centred.
        f'<style:style style:name="head" style:family="table-cell"><style:table-cell-properties '
        f'fo:background-color="#eeeeee" fo:border-bottom="0.5pt solid #000000" {_WRAP}/>'
        '<style:text-properties fo:font-weight="bold"/></style:style>',
        f'<style:style style:name="txt" style:family="table-cell"><style:table-cell-properties {_WRAP}/></style:style>',
        '<style:style style:name="date" style:family="table-cell" style:data-style-name="N-date">'
        f'<style:table-cell-properties {_TOP}/><style:paragraph-properties fo:text-align="center"/></style:style>',
        '<style:style style:name="pct" style:family="table-cell" style:data-style-name="N-pct">'
        f"<style:table-cell-properties {_TOP} {_ROOM}/></style:style>",
    ]
    for n in range(MAX_DECIMALS + 1):
        parts.append(
            f'<number:number-style style:name="N-num{n}"><number:number number:decimal-places="{n}" '
            f'number:min-decimal-places="{n}" number:min-integer-digits="1" number:grouping="true"/>'
            f'</number:number-style><style:style style:name="num{n}" style:family="table-cell" '
            f'style:data-style-name="N-num{n}"><style:table-cell-properties {_TOP} {_ROOM}/></style:style>'
        )
    parts += [
        f'<style:style style:name="w{w}" style:family="table-column"><style:table-column-properties '
        f'style:column-width="{w * _CM_PER_CHAR:.2f}cm"/></style:style>'
        for w in widths
    ]
    parts += [
        f'<style:style style:name="s-{name}" style:family="table-cell"><style:table-cell-properties '
        f'fo:background-color="{colour}" {_WRAP} fo:padding-left="0.1cm"/>'
        '<style:text-properties fo:color="#ffffff"/></style:style>'
        for name, colour in STATUS_COLOURS.items()
    ]
    return "".join(parts)


def _column(n: int) -> str:
    """Return the letters of column *n* (0 is A)."""
    letters = ""
    n += 1
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cells(kinds: tuple[Cell, ...]) -> list[Callable[[Any], str]]:
    """Return, for each column, the function that spells one of its (not empty) cells."""
    escaped: dict[str, str] = {}  # owners, plans and titles repeat: escape each once

    def text(v: str) -> str:
        found = escaped.get(v)
        if found is None:
            found = escaped[v] = (
                '<table:table-cell table:style-name="txt" office:value-type="string">'
                f"<text:p>{escape(v)}</text:p></table:table-cell>"
            )
        return found

    def status(v: str) -> str:  # the style by the keyword, the text in the user's language
        return (
            f'<table:table-cell table:style-name="s-{v}" office:value-type="string">'
            f"<text:p>{escape(statuses.label(v))}</text:p></table:table-cell>"
        )

    def day(v: date) -> str:
        return (
            f'<table:table-cell table:style-name="date" office:value-type="date" office:date-value="{v.isoformat()}">'
            f"<text:p>{human.day(v)}</text:p></table:table-cell>"
        )

    def number(v: float) -> str:  # with its own decimals, at most MAX_DECIMALS
        if not math.isfinite(v):  # never from a checked plan (inf and nan are findings); never an error here
            return text(str(v))
        n = 0 if v == int(v) else decimals(v)
        return (
            f'<table:table-cell table:style-name="num{n}" office:value-type="float" office:value="{v!r}">'
            f"<text:p>{shown(v, n)}</text:p></table:table-cell>"
        )

    def percent(v: float) -> str:
        return (
            f'<table:table-cell table:style-name="pct" office:value-type="percentage" office:value="{v!r}">'
            f"<text:p>{v:.0%}</text:p></table:table-cell>"
        )

    spell = {Cell.TEXT: text, Cell.STATUS: status, Cell.DATE: day, Cell.NUMBER: number, Cell.PERCENT: percent}
    return [spell[k] for k in kinds]  # type: ignore[misc]


def _table(sheet: Sheet) -> str:
    name = quoteattr(sheet.name)
    out = [f'<table:table table:name={name} table:style-name="ta">']
    out += [f'<table:table-column table:style-name="w{w}"/>' for w in sheet.widths]
    out.append("<table:table-header-rows><table:table-row>")
    out += [
        f'<table:table-cell table:style-name="head" office:value-type="string"><text:p>{escape(h)}</text:p>'
        "</table:table-cell>"
        for h in sheet.headers
    ]
    out.append("</table:table-row></table:table-header-rows>")
    spellers = _cells(sheet.kinds)
    empty = "<table:table-cell/>"
    for row in sheet.rows:
        out.append(
            "<table:table-row>"
            + "".join(empty if v is None else f(v) for f, v in zip(spellers, row, strict=True))
            + "</table:table-row>"
        )
    out.append("</table:table>")
    return "".join(out)


def _filters(sheet_list: list[Sheet]) -> str:
    """Return the database ranges that put filter buttons on each header row."""
    ranges = []
    for i, s in enumerate(sheet_list):
        quoted = "'" + s.name.replace("'", "''") + "'"
        last = f"{_column(len(s.headers) - 1)}{max(len(s.rows), 1) + 1}"
        ranges.append(
            f'<table:database-range table:name="__Anonymous_Sheet_DB__{i}" '
            f"table:target-range-address={quoteattr(f'{quoted}.A1:{quoted}.{last}')} "
            'table:display-filter-buttons="true"/>'
        )
    return "<table:database-ranges>" + "".join(ranges) + "</table:database-ranges>"


def _settings(sheet_list: list[Sheet]) -> str:
    """Return settings.xml: the first row of every sheet frozen, as LibreOffice spells it."""

    def item(name: str, kind: str, value: object) -> str:
        return f'<config:config-item config:name="{name}" config:type="{kind}">{value}</config:config-item>'

    tables = "".join(
        f"<config:config-item-map-entry config:name={quoteattr(s.name)}>"
        + item("HorizontalSplitMode", "short", 0)
        + item("VerticalSplitMode", "short", 2)
        + item("HorizontalSplitPosition", "int", 0)
        + item("VerticalSplitPosition", "int", 1)
        + item("ActiveSplitRange", "short", 2)
        + item("PositionLeft", "int", 0)
        + item("PositionRight", "int", 0)
        + item("PositionTop", "int", 0)
        + item("PositionBottom", "int", 1)
        + "</config:config-item-map-entry>"
        for s in sheet_list
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-settings {_NS}><office:settings>'
        '<config:config-item-set config:name="ooo:view-settings"><config:config-item-map-indexed '
        'config:name="Views"><config:config-item-map-entry>'
        + item("ViewId", "string", "view1")
        + f'<config:config-item-map-named config:name="Tables">{tables}</config:config-item-map-named>'
        + "</config:config-item-map-entry></config:config-item-map-indexed></config:config-item-set>"
        "</office:settings></office:document-settings>\n"
    )


def spreadsheet(snapshot: PortfolioView) -> bytes:
    """Return the .ods file of *snapshot*: a sheet per table, header frozen and filtered, statuses coloured."""
    sheet_list = sheets(snapshot)
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS}>'
        f"<office:automatic-styles>{_styles(sheet_list)}</office:automatic-styles>"
        "<office:body><office:spreadsheet>"
        + "".join(_table(s) for s in sheet_list)
        + _filters(sheet_list)
        + "</office:spreadsheet></office:body></office:document-content>\n"
    )
    stamp = snapshot.as_of.isoformat() + "T00:00:00"
    meta = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS}><office:meta>'
        f"<dc:title>{escape(inert(snapshot.title) or '')}</dc:title><meta:generator>cloudplan</meta:generator>"
        f"<meta:creation-date>{stamp}</meta:creation-date></office:meta></office:document-meta>\n"
    )
    out = io.BytesIO()
    # The same plan gives the same bytes: every member dated the as-of day.
    # A zip stores years 1980 to 2107 only: a day outside is held to the nearest one it can.
    stamped = min(max(snapshot.as_of, _ZIP_FIRST), _ZIP_LAST)
    when = (stamped.year, stamped.month, stamped.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w") as z:
        # The mimetype comes first and uncompressed: that is how a reader recognises the file.
        z.writestr(zipfile.ZipInfo("mimetype", when), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (
            ("META-INF/manifest.xml", MANIFEST),
            ("styles.xml", _page_styles(inert(snapshot.title) or "")),
            ("meta.xml", meta),
            ("settings.xml", _settings(sheet_list)),
            ("content.xml", content),
        ):
            # Level 1: a fifth of the default level's time, for a file a tenth larger.
            z.writestr(
                zipfile.ZipInfo(name, when), text.encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED, compresslevel=1
            )
    return out.getvalue()
