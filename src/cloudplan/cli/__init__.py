"""The command line: one app whose commands load on demand, one error boundary, the exit.

`app` is the only app: real runs (`main()`) and the tests' CliRunner drive the same
object. Its root group lists every command by name but imports a command's module,
and has Typer turn its signature into Click objects (about 5 ms a command), only when
that command is run, asked for help, or completed: a cron run of `overdue` neither
builds nor imports the others (Click's "lazy group" pattern; see docs/performance.md).

Every run goes through `Root.main`, the one place where what went wrong becomes a
message on standard error and an exit code (as pre-commit's `error_handler`):
0 ok, 1 found something, 2 could not, 130 interrupted. Commands raise; they never
print errors or exit on their own, except with `typer.Exit(ExitCode.FOUND)`.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import importlib
import os
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any, NoReturn

import typer

from cloudplan import __version__
from cloudplan.base.errors import CloudplanError, ExitCode
from cloudplan.base.translate import _
from cloudplan.cli import framework
from cloudplan.cli.framework import Abort, ClickException, Context, TyperGroup, UsageError

# Click's own words ("Usage:", "Error:") and every help text through the language gate.
framework.install()

HELP = _("Track the milestones, deadlines and indicators of a roadmap kept as TOML in git.")
PROG = "cloudplan"
COMPLETE_VAR = "_CLOUDPLAN_COMPLETE"

# Each command: its name on the command line, and where its function (or, for a group
# of commands such as `cloudplan add project`, its Typer app) lives.
COMMANDS: dict[str, str] = {
    "status": "cloudplan.cli.read:status",
    "overdue": "cloudplan.cli.read:overdue",
    "indicators": "cloudplan.cli.read:indicators",
    "notify": "cloudplan.cli.notify:notify",
    "timeline": "cloudplan.cli.views:timeline",
    "report": "cloudplan.cli.views:report",
    "export": "cloudplan.cli.views:export",
    "changes": "cloudplan.cli.changes:changes",
    "merge": "cloudplan.cli.git:merge",
    "blame": "cloudplan.cli.git:blame",
    "check": "cloudplan.cli.check:check",
    "schema": "cloudplan.cli.check:schema",
    "history": "cloudplan.cli.item:history",
    "init": "cloudplan.cli.edit:init",
    "add": "cloudplan.cli.edit:add",
    "done": "cloudplan.cli.edit:done",
    "reopen": "cloudplan.cli.edit:reopen",
    "cancel": "cloudplan.cli.edit:cancel",
    "reschedule": "cloudplan.cli.edit:reschedule",
    "remove": "cloudplan.cli.edit:remove",
    "measure": "cloudplan.cli.edit:measure",
    "show": "cloudplan.cli.item:show",
    "set": "cloudplan.cli.edit:set_",
    "trend": "cloudplan.cli.views:trend",
    "fetch": "cloudplan.cli.portfolio:fetch",
}
# Click settings of commands that need them: `measure ID -5` takes -5 as a value, not an option.
SETTINGS: dict[str, dict[str, Any]] = {"measure": {"ignore_unknown_options": True}}

# What a real run loaded, kept until `_exit` (see `common.keep`); None when commands run in a
# longer process (the tests' CliRunner), which must free what each command dropped.
KEPT: list[object] | None = None
# What a failed write of standard output or error says (a closed pipe, a full disk, a closed descriptor).
_OUTPUT_ERRNOS = frozenset({errno.EPIPE, errno.ENOSPC, errno.EBADF, errno.EIO, errno.EDQUOT, errno.EFBIG})


class _Passed(Exception):
    """Carries an exception through Typer's own handling to `outcome`."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(error)
        self.error = error


def _load(name: str) -> Any:
    module, _sep, attribute = COMMANDS[name].partition(":")
    return getattr(importlib.import_module(module), attribute)


class Root(TyperGroup):
    """The root group: lists every command, builds one only when it is asked for, and is the error boundary."""

    def list_commands(self, ctx: Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        command = self.commands.get(cmd_name)
        if command is None and cmd_name in COMMANDS:
            target = _load(cmd_name)
            if isinstance(target, typer.Typer):
                command = framework.group(target)
            else:
                command = framework.command(cmd_name, target, SETTINGS.get(cmd_name))
            self.commands[cmd_name] = command
        return command

    def resolve_command(self, ctx: Context, args: list[str]) -> Any:
        """Find the command named first; for a typo, say which command it most likely means."""
        try:
            return super().resolve_command(ctx, args)
        except UsageError as e:
            from cloudplan.base.suggest import closest, did_you_mean

            hint = did_you_mean(closest(args[0], COMMANDS)) if args else ""
            if hint:
                e.message = f"{e.message.rstrip('.')}; {hint}"
            raise

    def invoke(self, ctx: Context) -> Any:
        """Run the command; a failed write and Ctrl-C go to `outcome` as they are.

        Typer would turn a broken pipe into exit 1 and Ctrl-C into a silent 130.
        """
        try:
            return super().invoke(ctx)
        except (OSError, KeyboardInterrupt) as e:
            raise _Passed(e) from e

    def _main_shell_completion(self, ctx_args: Any, prog_name: str, complete_var: str | None = None) -> None:
        """Answer the shell's completion request when $_CLOUDPLAN_COMPLETE asks for one; else do nothing."""
        instruction = os.environ.get(COMPLETE_VAR)
        if instruction:
            from cloudplan.cli import completion

            raise SystemExit(completion.respond(self, ctx_args, PROG, COMPLETE_VAR, instruction))

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        """Run a command line and exit with its code; the only place errors become messages."""

        def run() -> Any:
            _refuse_undecodable(sys.argv[1:] if args is None else args)
            return super(Root, self).main(args, PROG, complete_var, standalone_mode=False, **extra)

        raise SystemExit(outcome(run))


def outcome(run: Callable[[], Any]) -> int:
    """Run *run* (a whole command line) and return its exit code, having said on stderr what went wrong.

    - a CloudplanError: its message and hint, its exit code (2, or 1 for findings);
    - a usage error (an unknown option, a bad value): Click's message, exit 2;
    - a failure to write standard output or error (a closed pipe, /dev/full, a closed
      descriptor): one line, exit 2; never 1, which cron would read as "found something";
    - Ctrl-C: exit 130;
    - anything else: a bug: exit 2 "internal error", the traceback only with CLOUDPLAN_DEBUG=1.
    """
    if sys.stdout is None or sys.stderr is None:
        # A closed descriptor would be reused by the next file opened: refuse before opening any.
        if sys.stdout is None:
            _say("cloudplan: " + _("standard output is closed; nothing was done"), sys.stderr)
        else:
            _say("cloudplan: " + _("standard error is closed; nothing was done"), sys.stdout)
        return int(ExitCode.ERROR)
    _tolerant(sys.stdout)
    _tolerant(sys.stderr)
    try:
        try:
            code = run()
        except SystemExit as done:  # --version, --help and completion end this way
            code = done.code
        sys.stdout.flush()  # a full disk or a closed pipe shows here, while a message can still be given
    except BaseException as e:
        return _code_for(e.error if isinstance(e, _Passed) else e)
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    _say(str(code), sys.stderr)
    return int(ExitCode.ERROR)


def _tolerant(stream: Any) -> None:
    """Have *stream* write what its encoding can carry and '?' for the rest, rather than fail.

    PYTHONIOENCODING=ascii or latin-1, or a C locale's terminal: a French day's narrow no-break
    space or a title's accent would otherwise end the run with an internal error. Machine formats
    are ASCII (JSON) or written to files (-o) in UTF-8, where nothing is lost.
    """
    if getattr(stream, "errors", None) == "strict":
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.reconfigure(errors="replace")


def _refuse_undecodable(args: Sequence[str]) -> None:
    """Refuse an argument whose bytes are not text in the locale's encoding (Python kept them as lone
    surrogates): a title or a note would be written into a plan as bytes no TOML reader takes."""
    for arg in args:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            start = max(0, min(shown.index("\\x") - 30, len(shown) - 60))  # the first wrong byte in sight
            cut = ("..." if start else "") + shown[start : start + 60] + ("..." if start + 60 < len(shown) else "")
            encoding = sys.getfilesystemencoding().upper()
            raise CloudplanError(
                _("the argument '{arg}' is not text: its bytes are not {encoding}").format(arg=cut, encoding=encoding),
                _("give it as {encoding} text").format(encoding=encoding),
            ) from None


def _code_for(e: BaseException) -> int:
    if isinstance(e, CloudplanError):
        return _fail(e.message, e.hint, int(e.exit_code))
    if isinstance(e, ClickException):
        with contextlib.suppress(OSError, ValueError):
            e.show()
        return int(ExitCode.ERROR) if e.exit_code == 1 else e.exit_code
    if isinstance(e, KeyboardInterrupt | Abort):
        return _fail(_("interrupted"), None, 130)
    if isinstance(e, OSError) and e.errno in _OUTPUT_ERRNOS:
        _silence_stdout()
        return _fail(_("cannot write the output: {why}").format(why=e.strerror or e), None, int(ExitCode.ERROR))
    if isinstance(e, Exception):
        return _internal(e)
    raise e  # SystemExit and GeneratorExit are not errors


def _internal(e: Exception) -> int:
    if os.environ.get("CLOUDPLAN_DEBUG"):
        import traceback

        with contextlib.suppress(OSError, ValueError):
            traceback.print_exception(e)
    return _fail(
        _("internal error: {kind}: {e}").format(kind=type(e).__name__, e=e),
        _("this is a bug in cloudplan; set CLOUDPLAN_DEBUG=1 to see the traceback, and report it"),
        int(ExitCode.ERROR),
    )


def _fail(message: str, hint: str | None, code: int) -> int:
    from cloudplan.base.inert import inert_text

    text = f"cloudplan: {inert_text(message)}\n" + (f"  {inert_text(hint)}\n" if hint else "")
    _say(text, sys.stderr)
    return code


def _say(text: str, stream: Any) -> None:
    """Write a message for people; when even that fails, the exit code says it alone."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        stream.write(text if text.endswith("\n") else text + "\n")
        stream.flush()


def _silence_stdout() -> None:
    """Drop what standard output still buffers: the reader is gone or the disk is full."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"{PROG} {__version__}\n")
        raise typer.Exit()


def _install(value: bool) -> None:
    if value:
        from cloudplan.cli import completion

        completion.install()


def _show(value: bool) -> None:
    if value:
        from cloudplan.cli import completion

        completion.print_script()


def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help=_("Print the version and exit."))
    ] = False,
    install_completion: Annotated[
        bool,
        typer.Option(
            "--install-completion",
            callback=_install,
            is_eager=True,
            expose_value=False,
            help=_("Install completion for the current shell (bash, zsh or fish)."),
        ),
    ] = False,
    show_completion: Annotated[
        bool,
        typer.Option(
            "--show-completion",
            callback=_show,
            is_eager=True,
            expose_value=False,
            help=_("Print the completion script for the current shell, to install it by hand."),
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            metavar="fr|en",
            show_default=False,
            help=_(
                "Language of messages and help: fr or en; every command takes it (default: $CLOUDPLAN_LANG, "
                "the locale, the plan's language, else English)."
            ),
        ),
    ] = None,
) -> None:
    """Track the milestones, deadlines and indicators of a roadmap kept as TOML in git."""


app = typer.Typer(
    name=PROG,
    cls=Root,
    help=HELP,
    # No Rich in help and errors: start-up stays fast, and help reads the same piped.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    # Completion is offered by the root's own options and Root._main_shell_completion,
    # which import Typer's completion code only when asked: Typer's own would import it on every run.
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.callback()(_root)


def main() -> None:
    """Run the command line as the `cloudplan` program; exit 0, 1 (found something) or 2 (could not).

    A run is short and builds no reference cycles worth collecting, while the cyclic
    collector would walk the growing model again and again: with it, `overdue --format
    json` takes 1.2 times its CPU time at 10,000 milestones, 2.1 times at 100,000.
    Reference counting still frees what is dropped, but for the model and states a
    command keeps (`common.keep`), which `_exit` drops with the process.
    """
    global KEPT
    gc.disable()
    KEPT = []
    code = 2
    try:
        typer.main.get_command(app).main(prog_name=PROG)
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 2
    _exit(code)


def _exit(code: int) -> NoReturn:
    """Exit now, without tearing down the interpreter.

    Standard output and error were flushed by `outcome`, and every file cloudplan
    writes is closed by then; freeing a national portfolio's model object by object
    would only add time (an exit through the interpreter's teardown makes `overdue
    --format json` 1.13 times as long at 10,000 milestones, 1.24 times at 100,000).
    So atexit handlers, finalisers and `__del__` methods do NOT run in a real run: a
    future change must not rely on them (close files with `with`, flush what must be
    written, inside the command).
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stdout.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sys.stderr.flush()
    os._exit(code)
