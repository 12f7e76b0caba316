"""cloudplan with or without its shell completion support, for the completion bar of bench/run.py.

    python bench/completion_off.py with ARGS...      # cloudplan as shipped
    python bench/completion_off.py without ARGS...   # the same app, its completion removed

"without" takes off what completion adds to an ordinary run: the root's
--install-completion and --show-completion options and the check of
$_CLOUDPLAN_COMPLETE. Both run through this same script, so that the ratio of the two
is the cost of completion support alone.
"""

import sys
from typing import Annotated, Any

import typer

from cloudplan import cli


def _root(
    version: Annotated[bool, typer.Option("--version", callback=cli._version, is_eager=True)] = False,
) -> None:
    """The root without completion options."""


def _no_completion(self: Any, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
    """Answer no completion request."""


if __name__ == "__main__":
    if sys.argv.pop(1) == "without":
        cli.app.registered_callback = None
        cli.app.callback()(_root)
        cli.Root._main_shell_completion = _no_completion  # type: ignore[method-assign]
    cli.main()
