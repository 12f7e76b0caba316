"""What validation finds: a located, coded message; stdlib only."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

Key = tuple[str | int, ...]
"""A path into a plan file's TOML document, e.g. ("project", 0, "milestone", 1, "due")."""


class Severity(StrEnum):
    """How much a finding matters: errors make a plan unusable, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


class Finding(NamedTuple):
    """One problem in one plan file, at the key it concerns (or at its table)."""

    source: str
    key: Key
    code: str
    severity: Severity
    message: str
    line: int = 0  # 1-based; 0 until located
    col: int = 0

    def at(self, line: int, col: int) -> Finding:
        """Return this finding placed at *line* and *col*."""
        return self._replace(line=line, col=col)

    def __str__(self) -> str:
        return f"{self.source}:{self.line}:{self.col}: {self.severity} {self.code}: {self.message}"


def error(source: str, key: Key, code: str, message: str) -> Finding:
    """Return an error finding."""
    return Finding(source, key, code, Severity.ERROR, message)


def warning(source: str, key: Key, code: str, message: str) -> Finding:
    """Return a warning finding."""
    return Finding(source, key, code, Severity.WARNING, message)


CODES: dict[str, Severity] = {
    # The file cannot be read as TOML: nothing else is checked in it.
    "toml-syntax": Severity.ERROR,
    "merge-conflict": Severity.ERROR,
    "not-utf8": Severity.ERROR,
    "too-deep": Severity.ERROR,
    "too-large": Severity.ERROR,
    "unreadable": Severity.ERROR,
    # One key or table.
    "unknown-key": Severity.ERROR,
    "missing-key": Severity.ERROR,
    "wrong-type": Severity.ERROR,
    "bad-slug": Severity.ERROR,
    "bad-ref": Severity.ERROR,
    "bad-period": Severity.ERROR,
    "bad-date": Severity.ERROR,
    "unknown-timezone": Severity.ERROR,
    "unknown-language": Severity.ERROR,
    "unsupported-version": Severity.ERROR,
    "indicator-incomplete": Severity.ERROR,
    "bad-contact": Severity.ERROR,
    "bad-source": Severity.ERROR,  # a portfolio file's [[source]]
    # Several keys, or several files.
    "duplicate-id": Severity.ERROR,
    "unknown-ref": Severity.ERROR,
    "dependency-cycle": Severity.ERROR,
    "done-and-cancelled": Severity.ERROR,
    "start-after-due": Severity.ERROR,
    "slip-chain": Severity.ERROR,
    "target-before-baseline": Severity.ERROR,
    "duplicate-contact": Severity.ERROR,
    "done-in-future": Severity.WARNING,
    "due-before-dependency": Severity.WARNING,
    "depends-on-cancelled": Severity.WARNING,
    "empty-project": Severity.WARNING,
    "stale-indicator": Severity.WARNING,
    "owner-without-contact": Severity.WARNING,
    "unused-contact": Severity.WARNING,
}
"""Every finding code and its severity; docs/checks.md documents each, with an example."""
