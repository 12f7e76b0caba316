"""Plan text made inert for terminals: control characters and bidi overrides shown, not obeyed; stdlib only."""

from __future__ import annotations

import re

# C0 controls (tab and newline included: one plan value is one line of output), DEL, C1
# controls (U+0085, NEXT LINE, among them), the line and paragraph separators U+2028 and
# U+2029 (str.splitlines, and so many consumers of a line format, break lines there), and
# the bidirectional overrides and isolates of "Trojan Source" (CVE-2021-42574).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _picture(match: re.Match[str]) -> str:
    c = ord(match[0])
    if c < 0x20:
        return chr(0x2400 + c)  # the Control Pictures block: ESC shows as U+241B
    if c == 0x7F:
        return "\u2421"
    return "\ufffd"


def inert_text(text: str) -> str:
    """Return *text* with every control character replaced by a visible, inert symbol."""
    return _UNSAFE.sub(_picture, text) if _UNSAFE.search(text) else text
