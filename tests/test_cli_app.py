"""The command line as a whole: one app, one error boundary, the formats each command offers,
filters that name nothing, ref suggestions, and shell completion; through CliRunner and real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import ROADMAP, ROOT

Cli = Callable[..., Result]
DAY = "2020-06-30"


def run(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "cloudplan", *args],
        cwd=cwd, env={**base, **(env or {})}, text=True, encoding="utf-8", timeout=60, **kwargs,
    )  # fmt: skip


def shell(command: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run *command* under sh, as a cron line would, with `cloudplan` meaning this checkout's."""
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src"), "CP": f"{sys.executable} -m cloudplan"}
    return subprocess.run(
        ["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True, encoding="utf-8", timeout=60
    )


# -- one app -------------------------------------------------------------------------------------------


def test_a_real_run_imports_only_the_command_it_runs() -> None:
    code = (
        "import sys; from cloudplan import cli; sys.argv = ['cloudplan', 'overdue', '--as-of', '2019-01-01', "
        f"{str(ROADMAP)!r}]; cli._exit = lambda code: sys.exit(0 if code == 0 and "
        "'cloudplan.cli.edit' not in sys.modules and 'cloudplan.cli.views' not in sys.modules else 3); cli.main()"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_add_runs_the_real_way(tmp_path: Path) -> None:
    """`add` (a group of commands) runs through the same app in a real process as under CliRunner."""
    plan = tmp_path / "cloudplan.toml"
    plan.write_bytes(ROADMAP.read_bytes())
    result = run("add", "project", "nouveau", "--title", "Nouveau", "--plan", str(plan), cwd=tmp_path,
                 capture_output=True)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert 'id = "nouveau"' in plan.read_text(encoding="utf-8")


def test_help_lists_every_command_and_completion(cli: Cli) -> None:
    from cloudplan.cli import COMMANDS

    result = cli("--help")
    assert result.exit_code == 0
    for name in COMMANDS:
        assert f"  {name} " in result.stdout, name
    assert "--install-completion" in result.stdout
    assert "--show-completion" in result.stdout


# -- the error boundary: failures to write the output ------------------------------------------------


def test_closed_standard_output_is_exit_2_with_one_line() -> None:
    result = shell(f"$CP overdue --lang en --as-of {DAY} {ROADMAP} >&-")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["cloudplan: standard output is closed; nothing was done"]


def test_closed_standard_error_is_exit_2_even_with_nothing_overdue() -> None:
    result = shell(f"$CP overdue --lang en --as-of 2019-01-01 {ROADMAP} 2>&-")
    assert result.returncode == 2
    assert result.stdout.splitlines() == ["cloudplan: standard error is closed; nothing was done"]


def test_a_full_disk_is_exit_2_with_one_line_not_1() -> None:
    result = shell(f"$CP overdue --lang en --as-of {DAY} {ROADMAP} > /dev/full")
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["cloudplan: cannot write the output: No space left on device"]
    assert "Traceback" not in result.stderr


def test_a_full_disk_on_standard_error_is_exit_2() -> None:
    result = shell(f"$CP check {ROADMAP} 2> /dev/full")
    assert result.returncode == 2
    assert "Traceback" not in result.stdout


def test_a_reader_that_goes_away_is_exit_2_with_one_line(tmp_path: Path) -> None:
    """`| head -c1` on an output longer than a pipe holds: the write fails, exit 2, one line."""
    milestones = "".join(
        f'\n  [[project.milestone]]\n  id = "m{i}"\n  title = "{"x" * 80}"\n  due = "2019-01-01"\n' for i in range(2000)
    )
    plan = tmp_path / "big.toml"
    plan.write_text(f'[plan]\ntitle = "Big"\n\n[[project]]\nid = "p"\ntitle = "P"\n{milestones}', encoding="utf-8")
    result = shell(f"( $CP overdue --as-of {DAY} {plan}; echo $? >&2 ) | head -c1 >/dev/null")
    lines = result.stderr.splitlines()
    assert lines == ["cloudplan: cannot write the output: Broken pipe", "2"], result.stderr


def test_a_pipe_closed_before_the_write_is_exit_2() -> None:
    read, write = os.pipe()
    os.close(read)
    try:
        result = run("overdue", "--lang", "en", "--as-of", DAY, str(ROADMAP), stdout=write, stderr=subprocess.PIPE)
    finally:
        os.close(write)
    assert result.returncode == 2
    assert result.stderr.splitlines() == ["cloudplan: cannot write the output: Broken pipe"]


def test_ctrl_c_is_exit_130(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    from cloudplan.core import status as status_module

    def interrupted(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(status_module, "project_state", interrupted)
    result = cli("overdue", "--as-of", DAY, ROADMAP)
    assert result.exit_code == 130
    assert result.stderr == "cloudplan: interrupted\n"


def test_a_mistyped_command_suggests_the_close_one(cli: Cli) -> None:
    result = cli("overdeu", ROADMAP)
    assert result.exit_code == 2
    assert "No such command 'overdeu'; did you mean 'overdue'?" in result.stderr


def test_a_usage_error_is_exit_2(cli: Cli) -> None:
    result = cli("overdue", "--no-such-option", ROADMAP)
    assert result.exit_code == 2
    assert "No such option" in result.stderr


# -- formats: each command offers what it can print -----------------------------------------------------


@pytest.mark.parametrize(
    ("command", "offered"),
    [
        ("status", "<table|text|json|csv|markdown>"),
        ("overdue", "<text|table|json|csv|markdown>"),
        ("indicators", "<table|json|csv|markdown>"),
        ("history", "<text|json>"),
        ("export", "<json|csv|ics|markdown|mermaid|xlsx|ods>"),
        ("check", "<text|github|gitlab|json>"),
    ],
)
def test_help_offers_only_the_formats_that_work(cli: Cli, command: str, offered: str) -> None:
    assert offered in " ".join(cli(command, "--help").stdout.split())


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_history_refuses_what_it_does_not_offer(cli: Cli, fmt: str) -> None:
    result = cli("history", "cercle-2/etude", "--format", fmt, ROADMAP)
    assert result.exit_code == 2
    assert "is not one of 'text', 'json'" in result.stderr


def test_overdue_text_is_lines_and_table_is_a_table(cli: Cli) -> None:
    text = cli("overdue", "--as-of", DAY, "-F", "text", ROADMAP)
    table = cli("overdue", "--as-of", DAY, "-F", "table", ROADMAP)
    assert (text.exit_code, table.exit_code) == (1, 1)
    assert text.stdout.splitlines()[0].startswith("OVERDUE  cercle-1/finalisation  due 2019")
    head = table.stdout.splitlines()[0].split()
    assert head == ["Status", "Milestone", "Deadline", "Days"]
    assert "cercle-1/finalisation" in table.stdout
    assert table.stdout != text.stdout


def test_status_text_is_one_line_per_milestone(cli: Cli) -> None:
    result = cli("status", "--as-of", DAY, "-F", "text", ROADMAP)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == 15
    assert any(line.startswith("OVERDUE  cercle-2/etude  due 2019-H2 (2019-12-31), 182 days late: ") for line in lines)
    assert any(line.startswith("UNSCHEDULED  cercle-1/partenariats  Appuyer") for line in lines)


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown"])
def test_status_machine_formats_are_the_export_documents(cli: Cli, fmt: str) -> None:
    status = cli("status", "--as-of", DAY, "-F", fmt, ROADMAP)
    export = cli("export", fmt, "--as-of", DAY, ROADMAP)
    assert status.exit_code == export.exit_code == 0
    assert status.stdout_bytes == export.stdout_bytes


def test_export_takes_the_format_as_its_first_argument(cli: Cli) -> None:
    positional = cli("export", "ics", "--as-of", DAY, ROADMAP)
    option = cli("export", "--format", "ics", "--as-of", DAY, ROADMAP)
    assert positional.exit_code == option.exit_code == 0
    assert positional.stdout_bytes == option.stdout_bytes
    assert positional.stdout.startswith("BEGIN:VCALENDAR")


def test_a_new_format_is_one_registry_entry(tmp_path: Path) -> None:
    """A binary format (a spreadsheet, say) added to EXPORTERS is offered, written as bytes to stdout or -o."""
    code = (
        "import sys; from cloudplan.export import formats; "
        "formats.EXPORTERS['bin'] = lambda view, delimiter: b'\\x00\\xffBIN ' + view.title.encode(); "
        "from cloudplan import cli; sys.argv = ['cloudplan', *sys.argv[1:]]; cli.main()"
    )
    base = [sys.executable, "-c", code, "export", "bin", "--as-of", DAY, str(ROADMAP)]
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "src")}
    out = subprocess.run(base, capture_output=True, env=env, timeout=60)
    assert (out.returncode, out.stdout[:6]) == (0, b"\x00\xffBIN "), out.stderr
    target = tmp_path / "plan.bin"
    written = subprocess.run([*base, "-o", str(target)], capture_output=True, env=env, timeout=60)
    assert written.returncode == 0, written.stderr
    assert target.read_bytes() == out.stdout
    listed = subprocess.run([sys.executable, "-c", code, "export", "--help"], capture_output=True, env=env, text=True)
    assert "<json|csv|ics|markdown|mermaid|xlsx|ods|bin>" in " ".join(listed.stdout.split())


def test_export_without_a_format_says_which_there_are(cli: Cli) -> None:
    result = cli("export", ROADMAP)
    assert result.exit_code == 2
    assert "json, csv, ics, markdown, mermaid" in result.stderr


def test_every_json_document_is_one_line(cli: Cli) -> None:
    for args in (("status", "-F", "json"), ("overdue", "-F", "json"), ("indicators", "-F", "json"),
                 ("export", "json"), ("check", "-F", "json"), ("check", "-F", "gitlab")):  # fmt: skip
        result = cli(*args, "--as-of", DAY, ROADMAP)
        assert result.stdout.count("\n") == 1, args
        json.loads(result.stdout)


def test_status_choices_come_from_the_engine(cli: Cli) -> None:
    from cloudplan.core.status import IndicatorStatus, Status

    milestones = " ".join(cli("status", "--help").stdout.split())
    assert "<" + "|".join(s.value for s in Status) + ">" in milestones
    indicators = " ".join(cli("indicators", "--help").stdout.split())
    assert "<" + "|".join(s.value for s in IndicatorStatus) + ">" in indicators
    assert "<overdue|due-soon>" in " ".join(cli("overdue", "--help").stdout.split())


# -- filters that name nothing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("option", "value", "message", "hint"),
    [
        ("-p", "cercle-3", "no project 'cercle-3' in the plans", "did you mean 'cercle-2'?"),
        ("--tag", "infra", "no tag 'infra' in the plans", "did you mean 'infrastructure'?"),
        ("--owner", "armes", "no owner 'armes' in the plans", "the plans have: "),
    ],
)
def test_a_filter_that_names_nothing_is_exit_2_with_a_suggestion(
    cli: Cli, option: str, value: str, message: str, hint: str
) -> None:
    result = cli("overdue", "--as-of", DAY, option, value, ROADMAP)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.splitlines()[0] == f"cloudplan: {message}"
    assert hint in result.stderr.splitlines()[1]


def test_owners_match_regardless_of_case_and_accents(cli: Cli) -> None:
    result = cli("overdue", "--as-of", DAY, "--owner", "armees", ROADMAP)
    assert result.exit_code == 1
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["cercle-2/etude"]
    assert cli("overdue", "--as-of", DAY, "--owner", "ARMÉES", ROADMAP).stdout == result.stdout


def test_every_read_command_checks_its_filters(cli: Cli) -> None:
    for command in ("status", "overdue", "indicators", "timeline", "export json"):
        result = cli(*command.split(), "-p", "cercle-3", ROADMAP)
        assert result.exit_code == 2, command
        assert "did you mean 'cercle-2'?" in result.stderr, command


# -- ref suggestions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ref", "suggestion"),
    [
        ("finalisation", "cercle-1/finalisation"),
        ("cercle-2/étude", "cercle-2/etude"),
        ("cercle-2/etud", "cercle-2/etude"),
    ],
)
def test_a_wrong_ref_suggests_the_close_one(cli: Cli, ref: str, suggestion: str) -> None:
    result = cli("history", ref, ROADMAP)
    assert result.exit_code == 2
    assert f"did you mean {suggestion!r}?" in result.stderr


def test_a_far_ref_suggests_nothing_weak(cli: Cli) -> None:
    result = cli("history", "cercle-2/nope", ROADMAP)
    assert result.exit_code == 2
    assert "did you mean" not in result.stderr
    assert "project 'cercle-2' has: " in result.stderr


def test_done_suggests_the_ref_of_a_bare_id(cli: Cli, tmp_path: Path) -> None:
    plan = tmp_path / "cloudplan.toml"
    plan.write_bytes(ROADMAP.read_bytes())
    result = cli("done", "finalisation", "--plan", plan)
    assert result.exit_code == 2
    assert "did you mean 'cercle-1/finalisation'?" in result.stderr
    assert plan.read_bytes() == ROADMAP.read_bytes()


# -- shell completion --------------------------------------------------------------------------------------


def _complete_bash(words: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """What bash runs on TAB, from the script `--show-completion` prints: COMP_WORDS, COMP_CWORD, the variable."""
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {"COMP_WORDS": words, "COMP_CWORD": str(cword), "_CLOUDPLAN_COMPLETE": "complete_bash"}
    return run(cwd=cwd, env=env, capture_output=True)


def test_bash_completes_commands(tmp_path: Path) -> None:
    result = _complete_bash("cloudplan ov")
    assert (result.returncode, result.stdout.split()) == (0, ["overdue"])


def test_bash_completes_refs_from_the_plan(tmp_path: Path) -> None:
    (tmp_path / "cloudplan.toml").write_bytes(ROADMAP.read_bytes())
    result = _complete_bash("cloudplan done cercle-2/", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    words = result.stdout.split()
    assert "cercle-2/etude" in words
    assert all(word.startswith("cercle-2/") for word in words)


def test_bash_completes_project_and_indicator_ids(tmp_path: Path) -> None:
    (tmp_path / "cloudplan.toml").write_bytes(ROADMAP.read_bytes())
    projects = _complete_bash("cloudplan overdue --project cer", cwd=tmp_path)
    assert projects.stdout.split() == ["cercle-1", "cercle-2"]
    indicators = _complete_bash("cloudplan measure ", cwd=tmp_path)
    assert indicators.stdout.split() == ["applications-cloud", "agents-mobilite"]


def test_zsh_and_fish_complete_from_the_plan(tmp_path: Path) -> None:
    (tmp_path / "cloudplan.toml").write_bytes(ROADMAP.read_bytes())
    zsh = run(env={"_TYPER_COMPLETE_ARGS": "cloudplan done cercle-2/", "_CLOUDPLAN_COMPLETE": "zsh_complete"},
              cwd=tmp_path, capture_output=True)  # fmt: skip
    assert '"cercle-2/etude"' in zsh.stdout
    fish = run(env={"_TYPER_COMPLETE_ARGS": "cloudplan measure ", "_TYPER_COMPLETE_FISH_ACTION": "get-args",
                    "_CLOUDPLAN_COMPLETE": "complete_fish"}, cwd=tmp_path, capture_output=True)  # fmt: skip
    assert fish.stdout.split() == ["applications-cloud", "agents-mobilite"]


def test_bash_completes_the_export_format() -> None:
    assert _complete_bash("cloudplan export ").stdout.split() == [
        "json",
        "csv",
        "ics",
        "markdown",
        "mermaid",
        "xlsx",
        "ods",
    ]
    assert _complete_bash("cloudplan export i").stdout.split() == ["ics"]


def test_completion_of_an_unreadable_plan_is_silent(tmp_path: Path) -> None:
    (tmp_path / "cloudplan.toml").write_text("not = toml = at all\n", encoding="utf-8")
    result = _complete_bash("cloudplan done ", cwd=tmp_path)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, "", "")


@pytest.mark.parametrize("instruction", ["bash_source", "source_bash"])
def test_the_bash_script_in_either_spelling(instruction: str) -> None:
    result = run(env={"_CLOUDPLAN_COMPLETE": instruction}, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert "complete -o default -F _cloudplan_completion cloudplan" in result.stdout


@pytest.mark.parametrize(
    ("shell_name", "marker"), [("zsh", "#compdef cloudplan"), ("fish", "complete --command cloudplan")]
)
def test_zsh_and_fish_scripts(shell_name: str, marker: str) -> None:
    result = run(env={"_CLOUDPLAN_COMPLETE": f"{shell_name}_source"}, capture_output=True)
    assert result.returncode == 0, result.stderr
    assert marker in result.stdout


def _from_shell(shell: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `cloudplan --show-completion` as a child of *shell*, whatever shell runs the tests.

    The command is not the script's last: a shell that ran it last would replace itself with it (bash -c does),
    and cloudplan would then see the test runner's own shell as its parent.
    """
    script = textwrap.dedent(f"""\
        export PYTHONPATH={ROOT / "src"}
        {sys.executable} -m cloudplan --show-completion {" ".join(args)}
        status=$?
        exit $status
        """)
    return subprocess.run([shell, "-c", script], capture_output=True, text=True, timeout=60, cwd=tmp_path)


def test_show_completion_prints_the_script_of_the_shell(tmp_path: Path) -> None:
    """--show-completion detects the shell that runs cloudplan: here bash, even when the tests run under sh."""
    result = _from_shell("bash", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "_CLOUDPLAN_COMPLETE=complete_bash" in result.stdout


@pytest.mark.parametrize(
    ("lang", "said"),
    [("en", "--show-completion: the shell sh has no completion that cloudplan can install; it completes bash, zsh, "
             "fish"),
     ("fr", "--show-completion\u202f: le shell sh n'a pas de complétion que cloudplan puisse installer\u202f; il "
            "sait compléter bash, zsh, fish")],
)  # fmt: skip
def test_show_completion_under_sh_says_why_and_what_to_do(tmp_path: Path, lang: str, said: str) -> None:
    """sh (dash: Debian's /bin/sh, Makefiles, Dockerfiles) has no programmable completion: a usage error in the
    user's language, with the way to print a script by name, exit 2; never Typer's English `Shell sh not
    supported.` with exit 1."""
    result = _from_shell("sh", tmp_path, "--lang", lang)
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines()[0] == f"cloudplan: {said}"
    assert "_CLOUDPLAN_COMPLETE=bash_source cloudplan" in result.stderr.splitlines()[1]
    assert "not supported" not in result.stderr


def test_cloudplan_alone_prints_the_help_and_exits_2() -> None:
    """No command was run: the help says what there is, and a script sees a usage error."""
    done = run(capture_output=True, env={"CLOUDPLAN_LANG": "en"})
    assert done.returncode == 2
    assert "Usage: cloudplan [OPTIONS] COMMAND [ARGS]..." in done.stdout + done.stderr
    assert "overdue" in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
