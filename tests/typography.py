"""French typography, as a reader of French expects it: the check that French messages and outputs pass.

- a narrow no-break space (U+202F) before `: ; ! ? %` and inside `« »`: never an ordinary space, never
  nothing (`Erreur: x`, `50%`), never a line break (a line that starts with `:` or `;`);
- no ISO day or period (`2026-12-06`, `2027-Q1`, `2026-H2`, `2026-W05`) inside French text.

In a catalogue's message, what is code rather than prose is left alone: `{placeholders}`, URLs,
`code spans`, and one quoted character (`';'` is the character the option takes).
"""

from __future__ import annotations

import re

NNBSP = "\u202f"
ISO = re.compile(r"(?<![\w/.-])\d{4}-(?:\d{2}-\d{2}|\d{2}|Q[1-4]|H[12]|W\d{2})(?![\w/-])")
_CODE = re.compile(r"\{[^{}]*\}|\b[a-z+]+://\S*|`[^`]*`|'[;:!?%,]'")
# What a line of a message starts with and is not prose: the program's name, as GNU tools keep theirs in every
# language (`cloudplan: ...`), and a finding's place (`plan.toml:12:5: warning code: ...`).
_PREFIX = re.compile(r"^cloudplan: |\S+:\d+:\d+: (?:error|warning) [a-z-]+: ", re.MULTILINE)
_LINE_START = re.compile(r"^[ \t│┃|]*([:;!?%»])", re.MULTILINE)


def problems(text: str, *, iso: bool = True) -> list[str]:
    """Return what is not French typography in *text* (a message or a whole output), each with its context."""
    t = _PREFIX.sub("", _CODE.sub("X", text))
    found = []
    for m in re.finditer(r"(.)([:;!?%])", t, re.DOTALL):
        before, mark = m.group(1), m.group(2)
        after = t[m.end() : m.end() + 1]
        context = t[max(0, m.start() - 20) : m.end() + 10]
        if before == NNBSP:
            continue
        if before in " \u00a0\n":
            found.append(f"a breakable or wrong space before {mark!r}: {context!r}")
        elif mark == "%" and before.isdigit():
            found.append(f"no space before '%': {context!r}")
        elif mark in ":;!?" and after in ("", " ", "\n") and before not in "()[]'\"*-=<>|/\\.":
            found.append(f"no space before {mark!r}: {context!r}")
    for m in re.finditer("«(.)", t):
        if m.group(1) != NNBSP:
            found.append(f"no narrow no-break space after «: {t[m.start() : m.end() + 15]!r}")
    for m in re.finditer("(.)»", t):
        if m.group(1) != NNBSP:
            found.append(f"no narrow no-break space before »: {t[max(0, m.start() - 15) : m.end()]!r}")
    for m in _LINE_START.finditer(t):
        found.append(f"a line starts with {m.group(1)!r}: {t[m.start() : m.end() + 20]!r}")
    if iso:
        for m in ISO.finditer(t):
            found.append(f"an ISO day or period in French: {t[max(0, m.start() - 20) : m.end() + 10]!r}")
    return found


def french_plan_text(toml: str) -> str:
    """Return a plan file's text with its own French typography made right, so that what a check finds is cloudplan's.

    The plan's text is shown as written; a gallery plan typed with ordinary spaces before colons would hide
    cloudplan's own mistakes among the author's. TOML needs none of these characters outside strings.
    """
    text = re.sub(r"(?<=\S) ([:;!?%])(?= |$|\")", NNBSP + r"\1", toml, flags=re.MULTILINE)
    text = re.sub(r"« ", "«" + NNBSP, text)
    return re.sub(r" »", NNBSP + "»", text)
