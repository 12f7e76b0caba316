"""The floor of the framework: a Typer app with one command that does nothing.

Same Typer as cloudplan and the same settings as its `typer.Typer(...)` in
src/cloudplan/cli/__init__.py, with a root callback as cloudplan has, so that
`python bench/floor_app.py overdue` pays what any cloudplan command pays before it
does its own work. What cloudplan costs beyond this is its own.
"""

import typer

app = typer.Typer(
    name="floor",
    help="The floor of the framework.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """The floor of the framework."""


@app.command("overdue")
def overdue() -> None:
    """Do nothing."""


if __name__ == "__main__":
    app()
