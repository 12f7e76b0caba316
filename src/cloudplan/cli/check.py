"""The commands that CI, pre-commit and editors run: check, schema."""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cloudplan.base.errors import ExitCode, PlanInvalid, UsageError
from cloudplan.base.translate import _, speaking
from cloudplan.cli.common import save, today_in, write
from cloudplan.cli.options import PlanArgs, complete, format_option
from cloudplan.export.findings import FORMATS


def check(
    plans: PlanArgs = None,
    fmt: Annotated[
        str,
        format_option(
            FORMATS,
            _("text: PATH:LINE:COL lines; github: Actions annotations; gitlab: a Code Quality report; json: a list."),
        ),
    ] = "text",
    strict: Annotated[bool, typer.Option("--strict", help=_("Warnings fail too (exit 1)."))] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            metavar="DATE",
            show_default=False,
            help=_("Check as if today were DATE (for the warnings that depend on today)."),
        ),
    ] = None,
) -> None:
    """Check plan files: syntax, keys, types, periods, ids, refs, cycles, consistency.

    Exit 0 when they are valid (warnings allowed, unless --strict), 1 when something
    is found, 2 when the check could not run. Several files are checked together, as one portfolio.
    """
    from cloudplan import store
    from cloudplan.base.findings import Finding, Severity
    from cloudplan.core import periods
    from cloudplan.export import findings as out

    def today(timezone: str | None) -> date:
        now = today_in(timezone)
        return periods.parse_day(as_of, now) if as_of else now

    # JSON and GitLab reports are read by programs: their messages are the same in every language.
    machine = fmt.lower() in ("json", "gitlab")
    with speaking("en" if machine else None):
        try:
            files = store.discover(plans or [], os.environ, Path.cwd())
            findings = store.load_with_findings(files, today).findings
            checked = len(files)
        except PlanInvalid as e:
            if not e.findings:
                raise
            # A portfolio file with errors: its own findings.
            findings, checked = tuple(f for f in e.findings if isinstance(f, Finding)), 1
        write(out.render(fmt.lower(), findings))
    sys.stdout.flush()
    sys.stderr.write(f"cloudplan: {out.summary(findings, checked)}\n")
    failing = findings if strict else [f for f in findings if f.severity is Severity.ERROR]
    if failing:
        raise typer.Exit(int(ExitCode.FOUND))


SCHEMA_KINDS = (
    "plan", "portfolio", "status", "overdue", "indicators", "show", "history", "trend", "changes", "export", "check",
    "blame",
)  # fmt: skip


def schema(
    kind: Annotated[
        str | None,
        typer.Argument(
            metavar="[KIND]",
            # The kinds written out, not filled in: the help is translated again, word for word, when the
            # command is built (tests/test_language.py checks it matches SCHEMA_KINDS).
            help=_(
                "Which schema: plan, portfolio, status, overdue, indicators, show, history, trend, changes, export, "
                "check, blame. Default: plan."
            ),
            show_default=False,
            autocompletion=complete("schema_kinds"),
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            metavar="FILE",
            dir_okay=False,
            show_default=False,
            help=_("Write the schema to FILE (atomically) instead of standard output."),
        ),
    ] = None,
) -> None:
    """Print a JSON Schema: of the plan file or of a portfolio file (draft-07, for editors such as Taplo and
    Even Better TOML), or of what a command prints with --format json (draft 2020-12, for programs that read it).

    Start a plan with `#:schema PATH` to have the editor check it as you type; `cloudplan check`
    sees more (the calendar, time zones, ids and refs across files). `cloudplan schema trend`
    describes what `cloudplan trend --format json` prints, and so on for each KIND.
    """
    name = (kind or "plan").lower()
    if name not in SCHEMA_KINDS:
        from cloudplan.base.suggest import closest, did_you_mean

        raise UsageError(
            _("no schema is called {kind!r}").format(kind=kind),
            hint=did_you_mean(closest(name, SCHEMA_KINDS))
            or _("the schemas: {kinds}").format(kinds=", ".join(SCHEMA_KINDS)),
        )
    if name == "plan":
        from cloudplan.plan import schema

        text = schema.dumps()
    elif name == "portfolio":
        from cloudplan.plan.portfolio import dumps_schema

        text = dumps_schema()
    else:
        from cloudplan.export import schemas

        text = schemas.dumps(name)
    save(output or "-", text)
