"""`check` output: findings as text lines, GitHub annotations, a GitLab Code Quality report or JSON; pure."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

from cloudplan.base.findings import Finding, Key, Severity
from cloudplan.base.inert import inert_text
from cloudplan.base.translate import _, ngettext
from cloudplan.export.json import dumps as _dumps


def render(fmt: str, findings: Sequence[Finding]) -> str:
    """Return *findings* in the format named *fmt* (see FORMATS); text and github print nothing for none, json `[]`."""
    return FORMATS[fmt](findings)


def text(findings: Sequence[Finding]) -> str:
    """Return `PATH:LINE:COL: error|warning CODE: message`, one finding a line."""
    return "".join(inert_text(str(f)) + "\n" for f in findings)


# -- GitHub Actions workflow commands ----------------------------------------------------
# Escaping as actions/toolkit packages/core/src/command.ts does it: the message (data)
# escapes %, CR and LF; property values also ':' and ','. One annotation is one line.


def escape_data(value: str) -> str:
    """Escape the message part of a workflow command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (file, title) of a workflow command."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Finding]) -> str:
    """Return one `::error file=...,line=...,col=...,title=cloudplan CODE::message` line per finding."""
    lines = []
    for f in findings:
        command = "error" if f.severity is Severity.ERROR else "warning"
        props = ",".join(
            f"{name}={escape_property(value)}"
            for name, value in (
                ("file", _path(f.source)),
                ("line", str(f.line)),
                ("col", str(f.col)),
                ("title", f"cloudplan {f.code}"),
            )
        )
        # inert_text() also makes CR and LF visible symbols; escape_data stays for the contract.
        lines.append(f"::{command} {props}::{escape_data(inert_text(f.message))}\n")
    return "".join(lines)


# -- GitLab Code Quality ---------------------------------------------------------------------


def key_path(key: Key) -> str:
    """Return a key path as dotted text, e.g. `project.0.milestone.1.due`."""
    return ".".join(str(part) for part in key)


def fingerprints(findings: Sequence[Finding]) -> list[str]:
    """Return a stable fingerprint per finding: sha256 of path|code|key path, never the line.

    Editing lines above a finding keeps its fingerprint, so GitLab does not see it as new.
    Findings that share path, code and key get a running number, so that none is merged away.
    """
    seen: dict[str, int] = {}
    result = []
    for f in findings:
        base = f"{_path(f.source)}|{f.code}|{key_path(f.key)}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        result.append(hashlib.sha256((base if n == 0 else f"{base}|{n}").encode()).hexdigest())
    return result


def gitlab(findings: Sequence[Finding]) -> str:
    """Return a GitLab Code Quality report: a JSON array, major for errors, minor for warnings."""
    report = [
        {
            "description": f"{f.code}: {f.message}",
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": "major" if f.severity is Severity.ERROR else "minor",
            "location": {"path": _path(f.source), "lines": {"begin": f.line}},
        }
        for f, fingerprint in zip(findings, fingerprints(findings), strict=True)
    ]
    return _dumps(report)


# -- JSON -----------------------------------------------------------------------------------------


def record(f: Finding) -> dict[str, Any]:
    """Return a finding as a JSON object."""
    return {
        "path": f.source,
        "line": f.line,
        "col": f.col,
        "severity": f.severity.value,
        "code": f.code,
        "message": f.message,
        "key": list(f.key),
    }


def as_json(findings: Sequence[Finding]) -> str:
    """Return a JSON list of findings."""
    return _dumps([record(f) for f in findings])


def _path(source: str) -> str:
    """Return a path as CI tools want it: relative, without a leading `./`."""
    while source.startswith("./"):
        source = source[2:]
    return source


# The formats of `check --format`, one entry each: the command line offers exactly these names.
FORMATS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text,
    "github": github,
    "gitlab": gitlab,
    "json": as_json,
}


def summary(findings: Sequence[Finding], files: int) -> str:
    """Return the line for people that closes a check, e.g. '2 errors, 1 warning in 3 files'."""
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    warnings = len(findings) - errors
    where = ngettext("{n} file", "{n} files", files).format(n=files)
    counts = []
    if errors:
        counts.append(ngettext("{n} error", "{n} errors", errors).format(n=errors))
    if warnings:
        counts.append(ngettext("{n} warning", "{n} warnings", warnings).format(n=warnings))
    if not counts:
        return _("no findings in {where}").format(where=where)
    return _("{counts} in {where}").format(counts=", ".join(counts), where=where)
