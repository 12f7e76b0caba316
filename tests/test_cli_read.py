"""The read commands from the outside: status, overdue, indicators, through CliRunner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.conftest import MINIMAL, ROADMAP

Cli = Callable[..., Result]

# The roadmap's milestones whose deadline falls before 2020-06-30: every one due in 2019.
ROADMAP_OVERDUE_2020_06_30 = [
    "cercle-1/finalisation",
    "cercle-2/etude",
    "cloud-souverain/etude",
    "cloud-souverain/propositions",
    "saas-agents/experimentation",
]


class TestOverdue:
    def test_roadmap_as_of_mid_2020_lists_the_2019_milestones_and_exits_1(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2020-06-30", ROADMAP)
        assert result.exit_code == 1
        refs = [line.split()[1] for line in result.stdout.splitlines()]
        assert refs == ROADMAP_OVERDUE_2020_06_30
        assert result.stderr == ""

    def test_roadmap_before_any_deadline_prints_nothing_and_exits_0(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2019-01-01", ROADMAP)
        assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")

    def test_line_shape_is_stable_for_mail(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2020-06-30", ROADMAP)
        assert result.stdout.splitlines()[1] == (
            "OVERDUE  cercle-2/etude  due 2019-H2 (2019-12-31), 182 days late: "
            "Réaliser une étude technico-économique [Ministère des Armées, DINSIC]"
        )

    def test_long_lines_are_never_wrapped(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2020-06-30", ROADMAP, env={"COLUMNS": "40"})
        assert len(result.stdout.splitlines()) == 5

    def test_never_overdue_on_the_deadline_day_itself(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan(MINIMAL)
        assert cli("overdue", "--as-of", "2020-03-31", plan).exit_code == 0
        result = cli("overdue", "--as-of", "2020-04-01", plan)
        assert result.exit_code == 1
        assert "1 day late" in result.stdout

    def test_within_adds_due_soon_without_failing(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan(MINIMAL)
        result = cli("overdue", "--as-of", "2020-03-20", "--within", "15", plan)
        assert result.exit_code == 0
        assert result.stdout == ("DUE-SOON  alpha/one  due 2020-Q1 (2020-03-31), in 11 days: One [DINSIC]\n")

    def test_fail_on_due_soon_moves_the_bar(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan(MINIMAL)
        result = cli("overdue", "--as-of", "2020-03-20", "--fail-on", "due-soon", plan)
        assert result.exit_code == 1
        assert result.stdout.startswith("DUE-SOON  alpha/one")

    def test_fail_on_never_lists_but_exits_0(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2020-06-30", "--fail-on", "never", ROADMAP)
        assert result.exit_code == 0
        assert len(result.stdout.splitlines()) == 5

    def test_quiet_prints_nothing_at_all(self, cli: Cli) -> None:
        result = cli("overdue", "-q", "--as-of", "2020-06-30", ROADMAP)
        assert (result.exit_code, result.stdout, result.stderr) == (1, "", "")

    def test_json_is_one_document_also_when_empty(self, cli: Cli) -> None:
        result = cli("overdue", "--format", "json", "--as-of", "2019-01-01", ROADMAP)
        assert result.exit_code == 0
        assert json.loads(result.stdout) == {"as_of": "2019-01-01", "within": 30, "items": []}

    def test_json_items_have_the_spec_shape(self, cli: Cli) -> None:
        result = cli("overdue", "--format", "json", "--as-of", "2020-06-30", ROADMAP)
        doc = json.loads(result.stdout)
        assert doc["as_of"] == "2020-06-30"
        first = doc["items"][0]
        assert first == {
            "ref": "cercle-1/finalisation",
            "project": "cercle-1",
            "id": "finalisation",
            "title": "Finalisation",
            "owners": ["Ministère de l'Économie et des Finances"],
            "start": None,
            "due": "2019",
            "deadline": "2019-12-31",
            "done": None,
            "cancelled": None,
            "status": "overdue",
            "days_left": -182,
            "slipped_days": 0,
            "depends_on": [],
            "notes": "",
            "at_risk": False,
            "blocked_by": [],
            "plan": str(ROADMAP),
        }

    def test_csv_has_the_fixed_header(self, cli: Cli) -> None:
        result = cli("overdue", "--format", "csv", "--as-of", "2020-06-30", ROADMAP)
        header, *rows = result.stdout.splitlines()
        assert header == (
            "ref,project,id,title,owners,start,due,deadline,done,cancelled,status,days_left,slipped_days,plan"
        )
        assert len(rows) == 5

    def test_markdown_lists_the_overdue(self, cli: Cli) -> None:
        result = cli("overdue", "--format", "markdown", "--as-of", "2020-06-30", ROADMAP)
        assert result.stdout.count("| `") == 5

    def test_filters_by_owner_substring_any_case(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2020-06-30", "--owner", "armées", ROADMAP)
        assert [line.split()[1] for line in result.stdout.splitlines()] == ["cercle-2/etude"]

    def test_filters_by_project_and_tag(self, cli: Cli) -> None:
        by_project = cli("overdue", "--as-of", "2020-06-30", "-p", "cloud-souverain", ROADMAP)
        assert len(by_project.stdout.splitlines()) == 2
        by_tag = cli("overdue", "--as-of", "2020-06-30", "--tag", "infrastructure", ROADMAP)
        assert {line.split()[1] for line in by_tag.stdout.splitlines()} == {"cercle-1/finalisation", "cercle-2/etude"}

    def test_a_filter_that_keeps_nothing_is_silent_success(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2019-01-01", "--project", "cercle-2", ROADMAP)
        assert (result.exit_code, result.stdout) == (0, "")

    def test_a_filter_that_names_nothing_is_exit_2(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "2020-06-30", "--project", "nothing", ROADMAP)
        assert (result.exit_code, result.stdout) == (2, "")
        assert "no project 'nothing' in the plans" in result.stderr


class TestStatus:
    def test_roadmap_table_in_80_columns(self, cli: Cli) -> None:
        result = cli("status", "--as-of", "2020-06-30", ROADMAP)
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80
        assert lines[0] == "Roadmap as of 2020-06-30"
        assert "cercle-2/ouverture" in result.stdout
        assert "4 projects, 15 milestones: 6 unscheduled, 5 overdue, 4 upcoming" in lines[-1]
        assert all(line == line.rstrip() for line in lines), "piped output keeps no trailing spaces"

    def test_wide_terminal_gives_title_and_owner_columns(self, cli: Cli) -> None:
        result = cli("status", "--as-of", "2020-06-30", ROADMAP, env={"COLUMNS": "170"})
        header = next(line for line in result.stdout.splitlines() if line.startswith("Ref"))
        assert header.split() == ["Ref", "Title", "Owners", "Due", "Deadline", "Status", "Days"]
        assert max(len(line) for line in result.stdout.splitlines()) <= 170

    def test_no_escape_sequences_when_piped(self, cli: Cli) -> None:
        result = cli("status", "--as-of", "2020-06-30", ROADMAP, env={"NO_COLOR": ""})
        assert "\x1b" not in result.stdout

    def test_summary_has_one_row_per_project(self, cli: Cli) -> None:
        result = cli("status", "--summary", "--as-of", "2020-06-30", ROADMAP)
        assert result.exit_code == 0
        for pid in ("cercle-1", "cercle-2", "saas-agents", "cloud-souverain"):
            assert sum(line.startswith(pid) for line in result.stdout.splitlines()) == 1

    def test_json_shape(self, cli: Cli) -> None:
        result = cli("status", "--format", "json", "--as-of", "2020-06-30", ROADMAP)
        doc = json.loads(result.stdout)
        assert doc["as_of"] == "2020-06-30"
        assert [p["id"] for p in doc["projects"]] == ["cercle-1", "cercle-2", "saas-agents", "cloud-souverain"]
        cercle2 = doc["projects"][1]
        assert cercle2["status"] == "overdue"
        assert cercle2["progress"] == {"done": 0, "total": 3}
        assert cercle2["owners"] == ["Ministère des Armées", "DINSIC"]
        assert [m["status"] for m in cercle2["milestones"]] == ["overdue", "upcoming", "upcoming"]
        assert [i["id"] for i in doc["indicators"]] == ["applications-cloud", "agents-mobilite"]

    def test_as_of_accepts_french_periods(self, cli: Cli) -> None:
        """A period stands for its last day: '1er semestre 2020' is 2020-06-30."""
        result = cli("status", "--format", "json", "--as-of", "1er semestre 2020", ROADMAP)
        assert json.loads(result.stdout)["as_of"] == "2020-06-30"

    def test_status_filter(self, cli: Cli) -> None:
        result = cli("status", "--format", "json", "--status", "upcoming", "--as-of", "2020-06-30", ROADMAP)
        refs = [m["ref"] for p in json.loads(result.stdout)["projects"] for m in p["milestones"]]
        assert refs == [
            "cercle-1/extension",
            "cercle-2/construction",
            "cercle-2/ouverture",
            "cloud-souverain/mise-en-oeuvre",
        ]

    def test_unknown_status_is_a_usage_error(self, cli: Cli) -> None:
        result = cli("status", "--status", "late", ROADMAP)
        assert result.exit_code == 2
        assert "'late' is not one of" in result.stderr
        assert "'overdue', 'due-soon'" in result.stderr

    def test_done_after_the_as_of_day_does_not_count(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan(MINIMAL.replace('due = "2020-Q1"', 'due = "2020-Q1"\n  done = 2020-03-10'))
        before = json.loads(cli("status", "-F", "json", "--as-of", "2020-03-09", plan).stdout)
        after = json.loads(cli("status", "-F", "json", "--as-of", "2020-03-10", plan).stdout)
        assert before["projects"][0]["milestones"][0]["status"] == "due-soon"
        assert after["projects"][0]["milestones"][0]["status"] == "done"
        assert after["projects"][0]["progress"] == {"done": 1, "total": 2}

    def test_csv_and_markdown(self, cli: Cli) -> None:
        csv_out = cli("status", "--format", "csv", "--as-of", "2020-06-30", ROADMAP).stdout
        assert len(csv_out.splitlines()) == 16
        md = cli("status", "--format", "markdown", "--as-of", "2020-06-30", ROADMAP).stdout
        assert md.count("\n## ") == 4


class TestIndicators:
    def test_roadmap_indicators_have_no_data_and_an_expected_value(self, cli: Cli) -> None:
        result = cli("indicators", "--format", "json", "--as-of", "2020-06-30", ROADMAP)
        doc = json.loads(result.stdout)
        apps = doc["indicators"][0]
        assert apps["baseline"] == {"value": 60, "on": "2018"}
        assert apps["target"] == {"value": 200, "by": "2022"}
        assert apps["status"] == "no-data"
        # 2018-12-31 -> 2022-12-31 is 1461 days; 2020-06-30 is 547 days in.
        assert apps["expected"] == pytest.approx(60 + 140 * 547 / 1461)

    def test_table(self, cli: Cli) -> None:
        result = cli("indicators", "--as-of", "2020-06-30", ROADMAP)
        assert result.exit_code == 0
        assert "applications-cloud" in result.stdout
        assert "200" in result.stdout
        assert "(2022)" in result.stdout

    def test_measures_give_a_status(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan(
            MINIMAL
            + """
[[indicator]]
id = "apps"
title = "Apps"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2020-06-30
  value = 130
"""
        )
        doc = json.loads(cli("indicators", "-F", "json", "--as-of", "2020-07-01", plan).stdout)
        assert doc["indicators"][0]["status"] == "on-track"
        assert doc["indicators"][0]["latest"] == {"value": 130, "on": "2020-06-30"}
        csv_out = cli("indicators", "-F", "csv", "--as-of", "2020-07-01", plan).stdout
        assert csv_out.splitlines()[1].startswith("apps,Apps,,,60,2018,200,2022,130,2020-06-30,")


class TestDiscovery:
    def test_nearest_plans_folder_in_a_parent(self, cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        (tmp_path / "repo" / "plans").mkdir(parents=True)
        shutil.copy(ROADMAP, tmp_path / "repo" / "plans" / "cloud-etat.toml")
        deep = tmp_path / "repo" / "a" / "b"
        deep.mkdir(parents=True)
        monkeypatch.chdir(deep)
        result = cli("overdue", "--as-of", "2020-06-30", "--format", "json")
        assert result.exit_code == 1
        assert json.loads(result.stdout)["items"][0]["plan"] == "../../plans/cloud-etat.toml"

    def test_cloudplan_toml_in_the_current_folder(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        write_plan(MINIMAL)
        result = cli("overdue", "--as-of", "2021-01-01", "-F", "json")
        assert json.loads(result.stdout)["items"][0]["plan"] == "cloudplan.toml"

    def test_environment_variable_lists_files(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        one = write_plan(MINIMAL, "one.toml")
        two = write_plan(MINIMAL.replace('"alpha"', '"beta"'), "two.toml")
        result = cli("status", "-F", "json", "--as-of", "2020-01-01", env={"CLOUDPLAN_PLAN": f"{one}:{two}"})
        assert [p["id"] for p in json.loads(result.stdout)["projects"]] == ["alpha", "beta"]

    def test_folder_argument_reads_every_toml_in_name_order(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        write_plan(MINIMAL.replace('"alpha"', '"zulu"'), "dir/b.toml")
        write_plan(MINIMAL, "dir/a.toml")
        result = cli("status", "-F", "json", "--as-of", "2020-01-01", "dir")
        assert [p["id"] for p in json.loads(result.stdout)["projects"]] == ["alpha", "zulu"]

    def test_nothing_found_is_a_clear_error(self, cli: Cli) -> None:
        result = cli("status")
        assert result.exit_code == 2
        assert "no plan file given" in result.stderr
        assert "cloudplan init" in result.stderr

    def test_missing_file(self, cli: Cli) -> None:
        result = cli("overdue", "nope.toml")
        assert (result.exit_code, result.stdout) == (2, "")
        assert "nope.toml: no such file or folder" in result.stderr

    def test_duplicate_project_across_files_is_refused(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        one = write_plan(MINIMAL, "one.toml")
        two = write_plan(MINIMAL, "two.toml")
        result = cli("overdue", one, two)
        assert result.exit_code == 2
        assert "two.toml:5:1: error duplicate-id: project id 'alpha' is already used in" in result.stderr


class TestErrors:
    def test_bad_date_quotes_the_input_and_lists_forms(self, cli: Cli) -> None:
        result = cli("overdue", "--as-of", "31/02/2020", ROADMAP)
        assert result.exit_code == 2
        assert "'31/02/2020'" in result.stderr
        unreadable = cli("overdue", "--as-of", "someday", ROADMAP)
        assert "accepted forms:" in unreadable.stderr
        assert "1er trimestre 2021" in unreadable.stderr

    def test_invalid_plan_names_file_line_and_fix(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan(MINIMAL.replace('due = "2020-12"', 'deu = "2020-12"'))
        result = cli("status", plan)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert f"{plan}:17:3: error unknown-key: unknown key 'deu'; did you mean 'due'?" in result.stderr
        assert "Traceback" not in result.stderr

    def test_toml_syntax_error_has_line_and_column(self, cli: Cli, write_plan: Callable[..., Path]) -> None:
        plan = write_plan('[plan]\ntitle = "x"\n\n[[project]]\nid = "a\n')
        result = cli("overdue", plan)
        assert result.exit_code == 2
        assert f"{plan}:5:" in result.stderr
        assert "toml-syntax" in result.stderr

    def test_non_utf8_file(self, cli: Cli, tmp_path: Path) -> None:
        plan = tmp_path / "latin1.toml"
        plan.write_bytes('[plan]\ntitle = "Feuille de route de l\'État"\n'.encode("latin-1"))
        result = cli("status", plan)
        assert result.exit_code == 2
        assert ":2:" in result.stderr
        assert "not UTF-8" in result.stderr

    def test_deeply_nested_file(self, cli: Cli, tmp_path: Path) -> None:
        plan = tmp_path / "deep.toml"
        plan.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
        result = cli("overdue", plan)
        assert result.exit_code == 2
        assert "deep.toml:1:37: error too-deep: arrays or inline tables nested more than 32 deep" in result.stderr

    def test_internal_error_exits_2_not_1(self, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        from cloudplan.core import status as status_module

        def boom(*args: object) -> None:
            raise ZeroDivisionError("boom")

        monkeypatch.setattr(status_module, "project_state", boom)
        result = cli("overdue", "--as-of", "2020-06-30", ROADMAP)
        assert result.exit_code == 2
        assert "internal error: ZeroDivisionError: boom" in result.stderr
        assert "Traceback" not in result.stderr

    def test_debug_shows_the_traceback(self, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        from cloudplan.core import status as status_module

        def boom(*args: object) -> None:
            raise ZeroDivisionError("boom")

        monkeypatch.setattr(status_module, "project_state", boom)
        result = cli("overdue", ROADMAP, env={"CLOUDPLAN_DEBUG": "1"})
        assert result.exit_code == 2
        assert "Traceback" in result.stderr

    def test_usage_error_exits_2(self, cli: Cli) -> None:
        result = cli("overdue", "--within", "-3", ROADMAP)
        assert result.exit_code == 2


def test_version(cli: Cli) -> None:
    from cloudplan import __version__

    result = cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"cloudplan {__version__}\n")


class TestToday:
    """'Today' is the date in the plan's time zone, not the machine's."""

    def test_near_midnight_the_plan_time_zone_decides(self) -> None:
        from datetime import UTC, date, datetime

        from cloudplan.cli.common import today_in

        instant = datetime(2020, 6, 30, 22, 30, tzinfo=UTC)  # already 1 July in Paris
        assert today_in("Europe/Paris", instant) == date(2020, 7, 1)
        assert today_in("America/Cayenne", instant) == date(2020, 6, 30)
        assert today_in("Pacific/Noumea", datetime(2020, 6, 30, 12, 59, tzinfo=UTC)) == date(2020, 6, 30)
        assert today_in("Pacific/Noumea", datetime(2020, 6, 30, 13, 0, tzinfo=UTC)) == date(2020, 7, 1)

    def test_without_a_time_zone_the_machine_decides(self, monkeypatch: pytest.MonkeyPatch) -> None:
        import time
        from datetime import UTC, date, datetime

        from cloudplan.cli.common import today_in

        monkeypatch.setenv("TZ", "Asia/Tokyo")
        time.tzset()
        try:
            assert today_in(None, datetime(2020, 6, 30, 16, 0, tzinfo=UTC)) == date(2020, 7, 1)
        finally:
            monkeypatch.delenv("TZ")
            time.tzset()

    def test_the_roadmap_is_read_in_paris(self, cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
        """Without --as-of, the day is today in Europe/Paris, the roadmap's time zone."""
        from datetime import datetime
        from zoneinfo import ZoneInfo

        result = cli("overdue", "--format", "json", "--fail-on", "never", ROADMAP)
        assert json.loads(result.stdout)["as_of"] == datetime.now(ZoneInfo("Europe/Paris")).date().isoformat()
