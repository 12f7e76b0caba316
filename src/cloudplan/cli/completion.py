"""Shell completion (bash, zsh, fish): the script to install, and answers taken from the plan.

Loaded only when a shell asks ($_CLOUDPLAN_COMPLETE set) or a user runs
`--install-completion` / `--show-completion`: an ordinary run never imports Typer's
completion code. Refs, project ids and indicator ids are read from the plans the
command line names (PLAN arguments, --plan), else from the default ones, through the
cache; a plan that cannot be read completes nothing rather than print an error.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from cloudplan.core.model import Portfolio

SHELLS = ("bash", "zsh", "fish")
_ACTIONS = ("source", "complete")


def respond(command: Any, ctx_args: Any, prog_name: str, complete_var: str, instruction: str) -> int:
    """Answer a completion request; *instruction* is `complete_bash` (Typer's order) or `bash_complete` (Click's)."""
    from cloudplan.cli import framework

    first, _sep, second = instruction.partition("_")
    if first in SHELLS and second in _ACTIONS:
        instruction = f"{second}_{first}"
    return framework.complete_shell(command, ctx_args, prog_name, complete_var, instruction)


def install() -> None:
    """Install completion for the shell that runs cloudplan, and exit (the `--install-completion` option)."""
    from cloudplan.cli import framework

    framework.install_completion(_shell("--install-completion"))


def print_script() -> None:
    """Print the completion script for the shell that runs cloudplan, and exit (`--show-completion`)."""
    from cloudplan.cli import framework

    framework.print_completion(_shell("--show-completion"))


def _shell(option: str) -> str:
    """Return the shell that runs cloudplan when cloudplan completes it; else a usage error saying how to go on.

    `sh` (dash in Debian's /bin/sh, Makefiles, Dockerfiles) has no programmable completion: nothing can be
    installed for it, so the user is told so, in their language, and shown how to get a script by name.
    """
    from cloudplan.base.errors import UsageError
    from cloudplan.base.translate import _
    from cloudplan.cli import framework

    shell = framework.shell_name()
    if shell in SHELLS:
        return shell
    supported = ", ".join(SHELLS)
    hint = _("run it from one of them, or print a shell's script by name: _CLOUDPLAN_COMPLETE=bash_source cloudplan")
    if not shell:
        raise UsageError(
            _("{option}: cannot tell which shell runs cloudplan; it completes {shells}").format(
                option=option, shells=supported
            ),
            hint=hint,
        )
    raise UsageError(
        _("{option}: the shell {shell} has no completion that cloudplan can install; it completes {shells}").format(
            option=option, shell=shell, shells=supported
        ),
        hint=hint,
    )


# -- answers from the plan ----------------------------------------------------------------


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Nothing a completion does may print: the shell would offer it as a word."""
    saved = sys.stderr
    with open(os.devnull, "w") as sink:
        sys.stderr = sink
        try:
            yield
        finally:
            sys.stderr = saved


def _portfolio(ctx: typer.Context) -> Portfolio | None:
    from cloudplan import store
    from cloudplan.cli.common import today_in

    params = ctx.params or {}
    named: list[str] = list(params.get("plans") or [])
    if params.get("plan"):
        named = [params["plan"]]
    with _quiet():
        try:
            files = store.discover(named, os.environ, Path.cwd())
            return store.load_with_findings(files, today_in).portfolio
        except Exception:
            return None


def _words(ctx: typer.Context, incomplete: str, words: Callable[[Portfolio], Iterable[str]]) -> list[str]:
    """Return the *words* of the plan that start with *incomplete*; none when the plan cannot be read."""
    portfolio = _portfolio(ctx)
    if portfolio is None:
        return []
    return [w for w in words(portfolio) if w.startswith(incomplete)]


def milestone_refs(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete a PROJECT/MILESTONE ref."""
    return _words(ctx, incomplete, lambda p: (m.ref for m in p.milestones))


def refs_and_projects(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete a milestone ref or a project id (`remove`)."""
    return _words(ctx, incomplete, lambda p: [*(x.id for x in p.projects), *(m.ref for m in p.milestones)])


def project_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete a project id."""
    return _words(ctx, incomplete, lambda p: (x.id for x in p.projects))


def indicator_ids(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete an indicator id."""
    return _words(ctx, incomplete, lambda p: (i.id for i in p.indicators))


def tags(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete a project tag."""
    return _words(ctx, incomplete, lambda p: dict.fromkeys(t for x in p.projects for t in x.tags))


def export_words(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete `export`'s first word with a format (unless --format gave it), then let the shell complete paths."""
    from cloudplan.export.formats import EXPORTERS

    if (ctx.params or {}).get("fmt") or (ctx.params or {}).get("words"):
        return []
    return [name for name in EXPORTERS if name.startswith(incomplete)]


def schema_kinds(ctx: typer.Context, incomplete: str) -> list[str]:
    """Complete `schema`'s KIND: the plan file, or a command's JSON document."""
    from cloudplan.cli.check import SCHEMA_KINDS

    return [name for name in SCHEMA_KINDS if name.startswith(incomplete.lower())]
