"""Every touch of the frameworks' internals, in one place: the adapter between cloudplan, Typer and Rich.

cloudplan supports typer>=0.27,<0.29: Typer bundles its own copy of Click as typer._click,
whose messages this module translates (0.26 words them otherwise), and 0.29 imports pydantic
at every run. Outside this module, cli/ uses Typer's
public API only. What is private here is listed in INTERNALS: `missing()` names what a
Typer (or Rich) release no longer has, and tests/test_framework.py fails with that list, so
that an upgrade breaks one test with a clear message rather than a command deep in a run.
Rich is touched once: its word pattern, so that French text wraps at breakable spaces only.

It also brings Click's and Typer's own words ("Usage:", "Error:", "Missing argument", help
texts) through cloudplan's gate. Typer's copy of Click writes its messages as plain English
f-strings, not through gettext: setting a gettext domain cannot translate them. So `install`
hooks the few places they are made, once, when the command line is imported:

- the help of commands, options and arguments goes through `_()` when Typer builds the
  Click objects (at each run, after the language is decided), so that help written in
  English in the code, docstrings included, is shown in the language of the run;
- Typer's own gettext calls ("Options", "Commands", "[default: ...]") use the gate;
- usage errors are shown through the gate: "Usage:", "Try ... for help.", "Error:",
  and the messages Click makes ("No such option: --x") are matched and translated.

In English every hook returns Click's words unchanged.

Typer's rich_utils, whose constants ("Arguments", "Error") are translated when it is
imported, is never imported here: Typer loads it only when rich_markup_mode is not None,
and cloudplan builds its app with rich_markup_mode=None.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from typing import IO, Any

import typer.core
from typer import _click
from typer._click import exceptions, formatting
from typer._click.core import Context
from typer._click.exceptions import ClickException, UsageError
from typer._types import TyperChoice as Choice
from typer.core import TyperGroup

from cloudplan.base.translate import N_, _, language

Abort = typer.Abort

__all__ = ["Abort", "Choice", "ClickException", "Context", "TyperGroup", "UsageError", "install"]

# The private names of Typer (and Rich) that cloudplan uses, by module.
INTERNALS: dict[str, tuple[str, ...]] = {
    "typer._click": ("_compat", "utils"),
    "typer._click.core": ("Context",),
    "typer._click.exceptions": (
        "ClickException", "UsageError", "BadParameter", "MissingParameter", "NoSuchOption", "_join_param_hints",
    ),
    "typer._click.formatting": ("HelpFormatter",),
    "typer._click.globals": ("get_current_context",),
    "typer._types": ("TyperChoice",),
    "typer._completion_classes": ("completion_init",),
    "typer._completion_shared": ("_get_shell_name",),
    "typer.core": ("_", "TyperOption", "TyperArgument", "TyperCommand", "TyperGroup"),
    "typer.completion": ("shell_complete", "install_callback", "show_callback"),
    "typer.main": ("get_command_from_info", "get_group"),
    "typer.models": ("CommandInfo",),
    "rich._wrap": ("re_word",),
}  # fmt: skip


def missing() -> list[str]:
    """Return the names of INTERNALS that the installed Typer does not have (none, for a supported Typer)."""
    import importlib

    gone = []
    for module, names in INTERNALS.items():
        try:
            found = importlib.import_module(module)
        except ImportError:
            found = None
        gone += [f"{module}.{name}" for name in names if not hasattr(found, name)]
    return gone


def command(name: str, callback: Callable[..., Any], settings: dict[str, Any] | None) -> Any:
    """Return the Click command Typer builds for *callback*, named *name* (one command, built on demand)."""
    from typer.main import get_command_from_info
    from typer.models import CommandInfo

    info = CommandInfo(name=name, callback=callback, context_settings=settings)
    return get_command_from_info(info, pretty_exceptions_short=True, rich_markup_mode=None)


def group(app: typer.Typer) -> Any:
    """Return the Click group Typer builds for a Typer app of subcommands (`cloudplan add ...`)."""
    from typer.main import get_group

    return get_group(app)


# -- shell completion: Typer's own code, imported only when a shell asks --------------------------

_NO_PARAMETER: Any = None  # Typer's completion callbacks take the option that called them, and never read it


def complete_shell(cli: Any, ctx_args: Any, prog_name: str, complete_var: str, instruction: str) -> int:
    """Answer a shell's completion request with Typer's completion classes."""
    from typer._completion_classes import completion_init
    from typer.completion import shell_complete

    completion_init()
    return int(shell_complete(cli, ctx_args, prog_name, complete_var, instruction))


def shell_name() -> str | None:
    """Return the shell that runs cloudplan as Typer finds it (shellingham: the nearest shell among the parent
    processes), lower-case; None when there is none."""
    from typer._completion_shared import _get_shell_name

    return _get_shell_name()


def install_completion(shell: str) -> None:
    """Install the completion script of *shell* (Typer's `--install-completion`)."""
    from typer._click.globals import get_current_context
    from typer._completion_classes import completion_init
    from typer.completion import install_callback

    completion_init()
    install_callback(get_current_context(), _NO_PARAMETER, shell)


def print_completion(shell: str) -> None:
    """Print the completion script of *shell* (Typer's `--show-completion`)."""
    from typer._click.globals import get_current_context
    from typer._completion_classes import completion_init
    from typer.completion import show_callback

    completion_init()
    show_callback(get_current_context(), _NO_PARAMETER, shell)


# -- Rich's wrapping -----------------------------------------------------------------------------------

# A word, as Rich's wrapping reads one: breakable spaces around a run of anything else. Rich's own
# (`\s*\S+\s*`) breaks at every Unicode space, the no-break ones too, so French text could start a
# line with the `:` or `%` that a narrow no-break space (U+202F) holds to the word before it.
_NO_BREAK = "\u00a0\u2007\u202f"
RICH_WORD = rf"[^\S{_NO_BREAK}]*(?:\S|[{_NO_BREAK}])+[^\S{_NO_BREAK}]*"


def rich_keeps_no_break_spaces() -> None:
    """Make Rich wrap text at breakable spaces only (once a run; Rich is imported by then).

    Rich's one private name cloudplan touches (listed in INTERNALS): it reads its pattern of a word from
    `rich._wrap.re_word` each time it wraps.
    """
    import re

    from rich import _wrap

    if _wrap.re_word.pattern != RICH_WORD:
        _wrap.re_word = re.compile(RICH_WORD)


# -- Click's and Typer's words through the gate ---------------------------------------------------

# The words Typer says through gettext (typer/core.py), which the catalogue must hold too.
TYPER_WORDS = (
    N_("Arguments"), N_("Options"), N_("Commands"), N_("default: {default}"), N_("required"), N_("env var: {var}"),
    N_("(dynamic)"), N_("Missing command."), N_("No such command {name!r}."), N_("Aborted!"),
    N_("Show this message and exit."),
)  # fmt: skip

# The messages Click makes, as patterns: each is shown as its msgid, filled in.
# Patterns as text, matched with re.fullmatch (which compiles and caches them) only when an error is shown:
# compiling them all at import would cost every run 4 ms.
_CLICK_MESSAGES: list[tuple[str, Callable[[], str]]] = [
    (r"No such option: (?P<name>.+)", lambda: _("No such option: {name}")),
    (r"No such command '(?P<name>.+)'\.", lambda: _("No such command {name!r}.")),
    (r"Missing command\.", lambda: _("Missing command.")),
    (r"Option '(?P<name>.+)' requires an argument\.", lambda: _("Option {name!r} requires a value.")),
    (
        r"Option '(?P<name>.+)' requires (?P<n>\d+) arguments\.",
        lambda: _("Option {name!r} requires {n} values."),
    ),
    (r"Option '(?P<name>.+)' does not take a value\.", lambda: _("Option {name!r} does not take a value.")),
    (r"Got unexpected extra arguments? \((?P<args>.*)\)", lambda: _("Unexpected extra argument: {args}")),
    (
        r"(?P<value>'.*') is not a valid (?:int|int range|integer)\.",
        lambda: _("{value} is not a whole number."),
    ),
    (r"(?P<value>'.*') is not a valid (?:float|float range)\.", lambda: _("{value} is not a number.")),
    (
        r"(?P<value>.+) is not in the range (?P<range>.+)\.",
        lambda: _("{value} is not in the range {range}."),
    ),
    (r"(?P<value>'.*') is not one of (?P<choices>.+)\.", lambda: _("{value} is not one of {choices}.")),
    (r"'(?P<name>.+)': (?P<why>.+)", lambda: _("{name!r}: {why}")),
]


def translate_message(message: str) -> str:
    """Return a message Click made, in the language of the run."""
    if language() == "en":
        return message
    for pattern, msgid in _CLICK_MESSAGES:
        match = re.fullmatch(pattern, message)
        if match:
            return msgid().format(**match.groupdict())
    return message


def _param_hint(hint: object) -> str:
    return exceptions._join_param_hints(hint) or ""  # type: ignore[arg-type]


def _bad_parameter_message(self: exceptions.BadParameter) -> str:
    if self.param_hint is not None:
        hint = self.param_hint
    elif self.param is not None:
        hint = self.param.get_error_hint(self.ctx)  # type: ignore[arg-type]
    else:
        return _("Invalid value: {message}").format(message=translate_message(self.message))
    return _("Invalid value for {hint}: {message}").format(
        hint=_param_hint(hint), message=translate_message(self.message)
    )


def _missing_parameter_message(self: exceptions.MissingParameter) -> str:
    if self.param_hint is not None:
        hint: object = self.param_hint
    elif self.param is not None:
        hint = self.param.get_error_hint(self.ctx)  # type: ignore[arg-type]
    else:
        hint = None
    kind = self.param_type or (self.param.param_type_name if self.param is not None else "parameter")
    missing = {"argument": _("Missing argument {hint}."), "option": _("Missing option {hint}.")}.get(
        kind, _("Missing parameter {hint}.")
    )
    return missing.format(hint=_param_hint(hint)).replace(" .", ".")


def _no_such_option_message(self: exceptions.NoSuchOption) -> str:
    message = translate_message(self.message)
    if not self.possibilities:
        return message
    return _("{message} (did you mean {options}?)").format(
        message=message, options=", ".join(sorted(self.possibilities))
    )


def _usage_message(self: exceptions.UsageError) -> str:
    return translate_message(self.message)


def _show_usage_error(self: exceptions.UsageError, file: IO[Any] | None = None) -> None:
    if file is None:
        file = _click._compat.get_text_stderr()
    color = None
    hint = ""
    if self.ctx is not None and self.ctx.command.get_help_option(self.ctx) is not None:
        hint = (
            _("Try '{command} {option}' for help.").format(
                command=self.ctx.command_path, option=self.ctx.help_option_names[0]
            )
            + "\n"
        )
    if self.ctx is not None:
        color = self.ctx.color
        _click.utils.echo(f"{self.ctx.get_usage()}\n{hint}", file=file, color=color)
    _click.utils.echo(_("Error: {message}").format(message=self.format_message()), file=file, color=color)


def _show_error(self: exceptions.ClickException, file: IO[Any] | None = None) -> None:
    if file is None:
        file = _click._compat.get_text_stderr()
    _click.utils.echo(_("Error: {message}").format(message=self.format_message()), file=file, color=self.show_color)


def help_text(text: str | None) -> str | None:
    """Return a help text (a docstring, an option's help) in the language of the run."""
    if not text or language() == "en":
        return text
    translated = _(inspect.cleandoc(text))
    return text if translated == inspect.cleandoc(text) else translated


def _translating_help(cls: type[Any]) -> None:
    """Make *cls* translate the help (and metavar) it is built with."""
    original = cls.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        for name in ("help", "short_help", "epilog"):
            if isinstance(kwargs.get(name), str):
                kwargs[name] = help_text(kwargs[name])
        if isinstance(kwargs.get("metavar"), str) and language() != "en":
            kwargs["metavar"] = _(kwargs["metavar"])
        original(self, *args, **kwargs)

    cls.__init__ = __init__


def _write_usage(original: Callable[..., None]) -> Callable[..., None]:
    def write_usage(self: formatting.HelpFormatter, prog: str, args: str = "", prefix: str | None = None) -> None:
        if language() != "en":
            args = args.replace("COMMAND [ARGS]...", _("COMMAND [ARGS]..."))
            prefix = _("Usage: ") if prefix is None else prefix
        original(self, prog, args, prefix)

    return write_usage


def _write_heading(original: Callable[..., None]) -> Callable[..., None]:
    def write_heading(self: formatting.HelpFormatter, heading: str) -> None:
        if language() == "en":
            original(self, heading)
        else:  # French puts a narrow no-break space before a colon: "Options :"
            self.write(f"{'':>{self.current_indent}}{heading}\u202f:\n")

    return write_heading


def _french_extras(original: Callable[..., Any]) -> Callable[..., Any]:
    """Return get_help_record with the `[default: 7; x>=0]` that Typer joins with "; " joined the French way."""

    def get_help_record(self: Any, ctx: Any) -> Any:
        record = original(self, ctx)
        if record is None or language() == "en":
            return record
        names, text = record
        head, sep, extra = text.rpartition("  [")
        if sep and extra.endswith("]"):
            text = head + sep + extra.replace("; ", "\u202f; ")
        return names, text

    return get_help_record


def _short_help_keeping_no_break_spaces(original: Callable[..., Any]) -> Callable[..., Any]:
    """Return get_short_help_str that keeps the narrow no-break spaces of French help (Click's shortening splits
    the help at every Unicode space and joins the words back with ordinary ones: `jalons : en...`)."""

    def get_short_help_str(self: Any, limit: int = 45) -> Any:
        text = self.help
        if language() == "en" or not isinstance(text, str) or "\u202f" not in text:
            return original(self, limit)
        self.help = text.replace("\u202f", "\ue000")  # a private character: one word to Click, one cell wide
        try:
            return original(self, limit).replace("\ue000", "\u202f")
        finally:
            self.help = text

    return get_short_help_str


def _unless_english(original: Callable[..., Any], french: Callable[..., Any]) -> Callable[..., Any]:
    """Return a method that is Click's own in English, and *french* otherwise (byte for byte as before in English)."""

    def method(*args: Any, **kwargs: Any) -> Any:
        return (original if language() == "en" else french)(*args, **kwargs)

    return method


def install() -> None:
    """Hook Click's and Typer's words once (a second call changes nothing)."""
    if getattr(exceptions.UsageError, "_cloudplan", False):
        return
    typer.core._ = _  # type: ignore[attr-defined]  # Typer's gettext calls: "Options", "[default: ...]"
    for cls in (typer.core.TyperOption, typer.core.TyperArgument, typer.core.TyperCommand, typer.core.TyperGroup):
        _translating_help(cls)
    formatting.HelpFormatter.write_usage = _write_usage(formatting.HelpFormatter.write_usage)  # type: ignore[method-assign]
    formatting.HelpFormatter.write_heading = _write_heading(formatting.HelpFormatter.write_heading)  # type: ignore[method-assign]
    for cls in (typer.core.TyperOption, typer.core.TyperArgument):
        cls.get_help_record = _french_extras(cls.get_help_record)  # type: ignore[method-assign]
    for cls in (typer.core.TyperCommand, typer.core.TyperGroup):
        cls.get_short_help_str = _short_help_keeping_no_break_spaces(cls.get_short_help_str)  # type: ignore[method-assign]
    hooks: tuple[tuple[type[Any], str, Callable[..., Any]], ...] = (
        (exceptions.ClickException, "show", _show_error),
        (exceptions.UsageError, "show", _show_usage_error),
        (exceptions.UsageError, "format_message", _usage_message),
        (exceptions.BadParameter, "format_message", _bad_parameter_message),
        (exceptions.MissingParameter, "format_message", _missing_parameter_message),
        (exceptions.NoSuchOption, "format_message", _no_such_option_message),
    )
    for owner, name, french in hooks:
        setattr(owner, name, _unless_english(getattr(owner, name), french))
    exceptions.UsageError._cloudplan = True  # type: ignore[attr-defined]


def command_values() -> list[str]:
    """Return the text values the running command was given (its arguments and options), for a message that
    names what the user asked about; empty outside a command."""
    context = _click.globals.get_current_context(silent=True)
    params = context.params if context is not None else {}
    return [v for v in params.values() if isinstance(v, str)]
