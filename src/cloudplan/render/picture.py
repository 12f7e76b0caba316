"""A renderable recorded as a self-contained SVG or HTML file: the picture the terminal shows."""

from __future__ import annotations

import io

from rich.console import Console, RenderableType

# Rich's own SVG template fetches the Fira Code font from a CDN; this one asks only for
# fonts already on the reader's machine, so the file works offline and fetches nothing.
SVG_FORMAT = """\
<svg class="rich-terminal" viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">
    <style>
    .{unique_id}-matrix {{
        font-family: "DejaVu Sans Mono", Menlo, Consolas, "Liberation Mono", monospace;
        font-size: {char_height}px;
        line-height: {line_height}px;
        font-variant-east-asian: full-width;
    }}
    .{unique_id}-title {{
        font-size: 18px;
        font-weight: bold;
        font-family: sans-serif;
    }}
    {styles}
    </style>
    <defs>
    <clipPath id="{unique_id}-clip-terminal">
      <rect x="0" y="0" width="{terminal_width}" height="{terminal_height}" />
    </clipPath>
    {lines}
    </defs>
    {chrome}
    <g transform="translate({terminal_x}, {terminal_y})" clip-path="url(#{unique_id}-clip-terminal)">
    {backgrounds}
    <g class="{unique_id}-matrix">
    {matrix}
    </g>
    </g>
</svg>
"""

HTML_FORMAT = """\
<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<link rel="icon" href="data:,">
<title>cloudplan timeline</title>
<style>
{stylesheet}
body {{
    color: {foreground};
    background-color: {background};
}}
</style>
</head>
<body>
<pre style="font-family:'DejaVu Sans Mono',Menlo,Consolas,'Courier New',monospace">
<code style="font-family:inherit">{code}</code></pre>
</body>
</html>
"""


def record(renderable: RenderableType, width: int) -> Console:
    """Return a console that has drawn *renderable* *width* columns wide, in colour, for export."""
    # Colour even under NO_COLOR: that variable is about terminals, and a saved picture is not one.
    out = Console(
        file=io.StringIO(),
        record=True,
        width=width,
        height=25,  # with the width, keeps TERM=dumb from resetting the size to 80 x 25
        force_terminal=True,
        color_system="truecolor",
        no_color=False,
        highlight=False,
        markup=False,
        emoji=False,
    )
    out.print(renderable)
    return out


def svg(renderable: RenderableType, width: int, title: str) -> str:
    """Return *renderable* as an SVG picture of a terminal."""
    return record(renderable, width).export_svg(title=title, code_format=SVG_FORMAT)


def html(renderable: RenderableType, width: int) -> str:
    """Return *renderable* as an HTML page of coloured text."""
    return record(renderable, width).export_html(inline_styles=True, code_format=HTML_FORMAT)
