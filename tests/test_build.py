"""Building the model from a parsed plan file, with a finding for every wrong key."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from cloudplan.base.findings import CODES, Finding, Severity
from cloudplan.core.model import Plan
from cloudplan.core.periods import PeriodKind
from cloudplan.plan import decode as builder

VALID = """\
version = 1

[plan]
title = "Feuille de route de l'État sur le cloud"
owner = "DINSIC"
timezone = "Europe/Paris"
warn_days = 14

[[project]]
id = "cercle-1"
title = "Cloud interne (cercle 1)"
owners = ["Ministère de l'Économie et des Finances"]
tags = ["infrastructure"]

  [[project.milestone]]
  id = "finalisation"
  title = "Finalisation"
  due = "2019"

  [[project.milestone]]
  id = "extension"
  title = "Extension"
  due = 2020
  depends_on = ["finalisation"]

[[project]]
id = "cercle-2"
title = "Cloud dédié (cercle 2)"
description = "Avec un industriel"
owners = ["DINSIC"]

  [[project.milestone]]
  id = "etude"
  title = "Étude"
  start = "2019-S2"
  due = "2020-Q2"
  done = 2020-06-15
  owners = ["Ministère des Armées", "DINSIC"]
  notes = "Faite"

  [[project.milestone]]
  id = "ouverture"
  title = "Ouverture de l'offre"
  start = "2020"
  due = "2021-T1"
  depends_on = ["etude", "cercle-1/extension"]

    [[project.milestone.slip]]
    from = "2020-Q4"
    to = "2021-Q1"
    on = 2020-09-01
    reason = "Appel d'offres relancé"

  [[project.milestone]]
  id = "abandon"
  title = "Abandonné"
  due = "2020-W53"
  cancelled = "2020-11-02"

[[indicator]]
id = "apps-cloud"
title = "Applications hébergées en mode cloud"
unit = "applications"
project = "cercle-1"
baseline = { value = 60, on = "2018" }
target = { value = 200, by = "2022" }

  [[indicator.measure]]
  on = 2020-06-30
  value = 110
  note = "Mi-parcours"

  [[indicator.measure]]
  on = 2019-06-30
  value = 80.5
"""

HEAD = '[plan]\ntitle = "P"\n'
PROJECT = HEAD + '[[project]]\nid = "p"\ntitle = "P"\n'
# A project without one is an empty-project warning: tests of a project's other keys give it one.
A_MILESTONE = '[[project.milestone]]\nid = "m"\ntitle = "M"\n'
MILESTONE = PROJECT + A_MILESTONE
INDICATOR = HEAD + '[[indicator]]\nid = "i"\ntitle = "I"\n'
LEVELS = 'baseline = { value = 1, on = "2018" }\ntarget = { value = 2, by = "2022" }\n'


def build(text: str) -> tuple[Plan, list[Finding]]:
    return builder.build(tomllib.loads(text), "p.toml")


def findings(text: str) -> list[Finding]:
    return build(text)[1]


def codes(text: str) -> list[str]:
    return [f.code for f in findings(text)]


def only(text: str, code: str) -> Finding:
    found = findings(text)
    assert [f.code for f in found] == [code], found
    return found[0]


# -- a valid plan -----------------------------------------------------------------------


def test_valid_plan_has_no_finding() -> None:
    assert findings(VALID) == []


def test_valid_plan_is_built() -> None:
    plan, _ = build(VALID)
    assert (plan.source, plan.title, plan.owner, plan.timezone, plan.warn_days) == (
        "p.toml", "Feuille de route de l'État sur le cloud", "DINSIC", "Europe/Paris", 14,
    )  # fmt: skip
    assert [p.id for p in plan.projects] == ["cercle-1", "cercle-2"]
    c1, c2 = plan.projects
    assert c1.key == ("project", 0)
    assert c2.key == ("project", 1)
    assert c1.tags == ("infrastructure",)
    assert c2.description == "Avec un industriel"
    assert [m.ref for m in c2.milestones] == ["cercle-2/etude", "cercle-2/ouverture", "cercle-2/abandon"]
    etude, ouverture, abandon = c2.milestones
    assert etude.key == ("project", 1, "milestone", 0)
    assert etude.start is not None
    assert etude.start.text == "2019-H2"
    assert etude.due is not None
    assert etude.due.last == date(2020, 6, 30)
    assert etude.done == date(2020, 6, 15)
    assert etude.owners == ("Ministère des Armées", "DINSIC")
    assert etude.notes == "Faite"
    assert ouverture.due is not None
    assert (ouverture.due.text, ouverture.due.kind) == ("2021-Q1", PeriodKind.QUARTER)
    assert ouverture.depends_on == ("cercle-2/etude", "cercle-1/extension")
    assert ouverture.owners == ("DINSIC",)  # the project's by default
    (slip,) = ouverture.slips
    assert slip.from_ is not None
    assert slip.from_.text == "2020-Q4"
    assert slip.to is not None
    assert slip.to.text == "2021-Q1"
    assert (slip.on, slip.reason, slip.key) == (
        date(2020, 9, 1), "Appel d'offres relancé", ("project", 1, "milestone", 1, "slip", 0),
    )  # fmt: skip
    assert abandon.cancelled == date(2020, 11, 2)  # a day written as a string is read too
    assert abandon.due is not None
    assert abandon.due.first == date(2020, 12, 28)
    assert c1.milestones[1].due is not None
    assert c1.milestones[1].due.text == "2020"
    assert c1.milestones[1].depends_on == ("cercle-1/finalisation",)


def test_valid_indicator_is_built() -> None:
    plan, _ = build(VALID)
    (ind,) = plan.indicators
    assert (ind.id, ind.unit, ind.project, ind.key) == ("apps-cloud", "applications", "cercle-1", ("indicator", 0))
    assert ind.baseline is not None
    assert (ind.baseline.value, ind.baseline.when.last) == (60, date(2018, 12, 31))
    assert ind.target is not None
    assert (ind.target.value, ind.target.when.last) == (200, date(2022, 12, 31))
    # measures come in date order, whatever the file's order
    assert [(m.on, m.value) for m in ind.measures] == [(date(2019, 6, 30), 80.5), (date(2020, 6, 30), 110)]
    assert ind.measures[1].note == "Mi-parcours"
    assert ind.measures[1].key == ("indicator", 0, "measure", 0)


def test_minimal_plan() -> None:
    plan, found = build(HEAD)
    assert found == []
    assert (plan.title, plan.owner, plan.timezone, plan.warn_days, plan.projects, plan.indicators) == (
        "P", "", None, None, (), (),
    )  # fmt: skip


def test_unicode_titles() -> None:
    plan, found = build(PROJECT.replace('title = "P"\n[[', 'title = "Ω 🚀 \\u0007 l\'État"\n[['))
    assert [f.code for f in found] == ["empty-project"]
    assert plan.title == "Ω 🚀 \x07 l'État"


def test_every_finding_from_schema_is_an_error_but_empty_project() -> None:
    found = findings('[plan]\ntitle = 1\nwarn_days = -1\nbogus = 2\n[[project]]\nid = "X"\n')
    assert sorted(f.code for f in found) == [
        "bad-slug", "empty-project", "missing-key", "unknown-key", "wrong-type", "wrong-type",
    ]  # fmt: skip
    # empty-project moved here from validate: the one warning schema gives
    assert {f.severity for f in found if f.code != "empty-project"} == {Severity.ERROR}
    assert [f.severity for f in found if f.code == "empty-project"] == [Severity.WARNING]
    assert all(f.severity is CODES[f.code] for f in found)
    assert {f.source for f in found} == {"p.toml"}


def test_empty_project_is_a_warning() -> None:
    plan, found = build(PROJECT)
    assert [(f.code, f.severity, f.key) for f in found] == [("empty-project", Severity.WARNING, ("project", 0))]
    assert "'p'" in found[0].message
    assert "[[project.milestone]]" in found[0].message  # how to add one
    assert [p.id for p in plan.projects] == ["p"]  # a warning: the project is still built


# -- unknown and missing keys -------------------------------------------------------------


def test_unknown_key_suggests_the_closest() -> None:
    f = only(MILESTONE + 'deu = "2021"\n', "unknown-key")
    assert f.key == ("project", 0, "milestone", 0, "deu")
    assert "'deu'" in f.message
    assert "did you mean 'due'?" in f.message


def test_typo_does_not_pass_as_a_deadline() -> None:
    plan, _ = build(MILESTONE + 'deu = "2021"\n')
    assert plan.projects[0].milestones[0].due is None


def test_unknown_key_without_a_close_match_lists_the_allowed_keys() -> None:
    f = only(MILESTONE + 'colour = "red"\n', "unknown-key")
    assert "did you mean" not in f.message
    assert "due" in f.message
    assert "depends_on" in f.message


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('titel = "x"\n' + HEAD, ("titel",)),
        ('[plan]\ntitle = "P"\nowenr = "x"\n', ("plan", "owenr")),
        (PROJECT + 'tag = ["x"]\n' + A_MILESTONE, ("project", 0, "tag")),
        (
            MILESTONE + "[[project.milestone.slip]]\n" + 'from = "2020"\nto = "2021"\non = 2020-01-01\nwhy = "x"\n',
            ("project", 0, "milestone", 0, "slip", 0, "why"),
        ),
        (INDICATOR + LEVELS + "units = 'x'\n", ("indicator", 0, "units")),
        (
            INDICATOR + LEVELS + "[[indicator.measure]]\non = 2020-01-01\nvalue = 1\nnotes = 'x'\n",
            ("indicator", 0, "measure", 0, "notes"),
        ),
        (
            INDICATOR + 'baseline = { value = 1, on = "2018", at = "x" }\ntarget = { value = 2, by = "2022" }\n',
            ("indicator", 0, "baseline", "at"),
        ),
    ],
)
def test_unknown_keys_everywhere(text: str, key: tuple[object, ...]) -> None:
    f = only(text, "unknown-key")
    assert f.key == key


def test_missing_plan_table() -> None:
    f = only('[[project]]\nid = "p"\ntitle = "P"\n' + A_MILESTONE, "missing-key")
    assert f.key == ("plan",)  # the key path names the missing key
    assert "'plan'" in f.message


def test_missing_plan_title() -> None:
    f = only("[plan]\nowner = 'x'\n", "missing-key")
    assert f.key == ("plan", "title")
    assert "'title'" in f.message
    assert "[plan]" in f.message


@pytest.mark.parametrize(
    ("text", "key", "table"),
    [
        (HEAD + '[[project]]\ntitle = "P"\n' + A_MILESTONE, ("project", 0, "id"), "[[project]]"),
        (HEAD + '[[project]]\nid = "p"\n' + A_MILESTONE, ("project", 0, "title"), "[[project]]"),
        (
            PROJECT + '[[project.milestone]]\ntitle = "M"\n',
            ("project", 0, "milestone", 0, "id"),
            "[[project.milestone]]",
        ),
        (
            PROJECT + '[[project.milestone]]\nid = "m"\n',
            ("project", 0, "milestone", 0, "title"),
            "[[project.milestone]]",
        ),
        (
            MILESTONE + '[[project.milestone.slip]]\nfrom = "2020"\nto = "2021"\n',
            ("project", 0, "milestone", 0, "slip", 0, "on"),
            "[[project.milestone.slip]]",
        ),
        (
            INDICATOR + LEVELS + "[[indicator.measure]]\non = 2020-01-01\n",
            ("indicator", 0, "measure", 0, "value"),
            "[[indicator.measure]]",
        ),
        (
            INDICATOR + LEVELS + "[[indicator.measure]]\nvalue = 1\n",
            ("indicator", 0, "measure", 0, "on"),
            "[[indicator.measure]]",
        ),
        (
            INDICATOR + 'baseline = { value = 1 }\ntarget = { value = 2, by = "2022" }\n',
            ("indicator", 0, "baseline", "on"),
            "[indicator.baseline]",
        ),
        (
            INDICATOR + 'baseline = { value = 1, on = "2018" }\ntarget = { by = "2022" }\n',
            ("indicator", 0, "target", "value"),
            "[indicator.target]",
        ),
    ],
)
def test_missing_keys(text: str, key: tuple[object, ...], table: str) -> None:
    f = only(text, "missing-key")
    assert f.key == key  # the key path ends with the missing key's name
    assert repr(key[-1]) in f.message
    assert f"in {table}" in f.message  # and the message names the table that lacks it


def test_milestone_without_id_is_left_out_but_checked() -> None:
    plan, found = build(PROJECT + '[[project.milestone]]\ntitle = "M"\ndue = "2021-Q9"\n')
    assert sorted(f.code for f in found) == ["bad-period", "missing-key"]
    assert plan.projects[0].milestones == ()


# -- types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[plan]\ntitle = 1\n", ("plan", "title")),
        ('[plan]\ntitle = "P"\nowner = ["a"]\n', ("plan", "owner")),
        ('[plan]\ntitle = "P"\nwarn_days = "30"\n', ("plan", "warn_days")),
        ('[plan]\ntitle = "P"\nwarn_days = 1.5\n', ("plan", "warn_days")),
        ('[plan]\ntitle = "P"\nwarn_days = true\n', ("plan", "warn_days")),
        ('[plan]\ntitle = "P"\nwarn_days = -1\n', ("plan", "warn_days")),
        ('[plan]\ntitle = "P"\ntimezone = 1\n', ("plan", "timezone")),
        ('plan = "P"\n', ("plan",)),
        ('project = "p"\n' + HEAD, ("project",)),
        ("indicator = [1, 2]\n" + HEAD, ("indicator",)),
        (PROJECT + 'owners = "DINSIC"\n', ("project", 0, "owners")),
        (PROJECT + "tags = [1]\n", ("project", 0, "tags", 0)),  # at the element that is not a string
        (PROJECT + "description = false\n", ("project", 0, "description")),
        (HEAD + '[[project]]\nid = 3\ntitle = "P"\n', ("project", 0, "id")),
        (PROJECT + 'milestone = "m"\n', ("project", 0, "milestone")),
        (MILESTONE.replace('title = "M"', "title = 2021-01-01"), ("project", 0, "milestone", 0, "title")),
        (MILESTONE + "depends_on = 'a'\n", ("project", 0, "milestone", 0, "depends_on")),
        (MILESTONE + "notes = ['a']\n", ("project", 0, "milestone", 0, "notes")),
        (MILESTONE + 'owners = ["a", true]\n', ("project", 0, "milestone", 0, "owners", 1)),
        (INDICATOR + "baseline = 60\n" + 'target = { value = 2, by = "2022" }\n', ("indicator", 0, "baseline")),
        (
            INDICATOR + 'baseline = { value = "60", on = "2018" }\ntarget = { value = 2, by = "2022" }\n',
            ("indicator", 0, "baseline", "value"),
        ),
        (
            INDICATOR + 'baseline = { value = true, on = "2018" }\ntarget = { value = 2, by = "2022" }\n',
            ("indicator", 0, "baseline", "value"),
        ),
        (
            INDICATOR + LEVELS + "[[indicator.measure]]\non = 2020-01-01\nvalue = '3'\n",
            ("indicator", 0, "measure", 0, "value"),
        ),
    ],
)
def test_wrong_types(text: str, key: tuple[object, ...]) -> None:
    found = [f for f in findings(text) if f.code == "wrong-type"]
    assert [f.key for f in found] == [key]


def test_wrong_type_names_what_is_expected() -> None:
    f = only('[plan]\ntitle = "P"\nwarn_days = "30"\n', "wrong-type")
    assert "'warn_days'" in f.message
    assert "number" in f.message
    assert "string" in f.message


def test_array_of_tables_wrong_type_says_how_to_write_it() -> None:
    f = only(PROJECT + 'milestone = "m"\n', "wrong-type")
    assert "[[project.milestone]]" in f.message


def test_numbers_may_be_integers_or_floats() -> None:
    plan, found = build(INDICATOR + 'baseline = { value = 0.5, on = "2018" }\ntarget = { value = 2, by = "2022" }\n')
    assert found == []
    assert plan.indicators[0].baseline is not None
    assert plan.indicators[0].baseline.value == 0.5


def test_warn_days_zero_is_allowed() -> None:
    plan, found = build('[plan]\ntitle = "P"\nwarn_days = 0\n')
    assert (found, plan.warn_days) == ([], 0)


def test_empty_owners_means_the_project_owners() -> None:
    plan, found = build(PROJECT + 'owners = ["A"]\n[[project.milestone]]\nid = "m"\ntitle = "M"\nowners = []\n')
    assert found == []
    assert plan.projects[0].milestones[0].owners == ("A",)


# -- slugs and ids ---------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["Cercle-2", "cercle_2", "-cercle", "cercle 2", "", "cercle/2", "é"])
def test_bad_project_slug(bad: str) -> None:
    plan, found = build(HEAD + f'[[project]]\nid = "{bad}"\ntitle = "P"\n' + A_MILESTONE)
    assert [(f.code, f.key) for f in found] == [("bad-slug", ("project", 0, "id"))]
    assert repr(bad) in found[0].message
    assert plan.projects == ()


@pytest.mark.parametrize("good", ["cercle-2", "2", "a", "0-a-", "abc-def-123"])
def test_good_slugs(good: str) -> None:
    plan, found = build(HEAD + f'[[project]]\nid = "{good}"\ntitle = "P"\n' + A_MILESTONE)
    assert found == []
    assert plan.projects[0].id == good


def test_bad_milestone_slug() -> None:
    f = only(PROJECT + '[[project.milestone]]\nid = "Étude"\ntitle = "M"\n', "bad-slug")
    assert f.key == ("project", 0, "milestone", 0, "id")


def test_bad_indicator_slug() -> None:
    plan, found = build(HEAD + '[[indicator]]\nid = "Apps"\ntitle = "I"\n' + LEVELS)
    assert [(f.code, f.key) for f in found] == [("bad-slug", ("indicator", 0, "id"))]
    assert plan.indicators == ()


def test_bad_indicator_project_slug() -> None:
    f = only(INDICATOR + LEVELS + 'project = "Cercle 1"\n', "bad-slug")
    assert f.key == ("indicator", 0, "project")


def test_duplicate_milestone_id_in_a_project() -> None:
    text = MILESTONE + '[[project.milestone]]\nid = "m"\ntitle = "Again"\n'
    plan, found = build(text)
    assert [(f.code, f.key) for f in found] == [("duplicate-id", ("project", 0, "milestone", 1, "id"))]
    assert "'m'" in found[0].message
    assert [m.title for m in plan.projects[0].milestones] == ["M"]


def test_same_milestone_id_in_two_projects_is_fine() -> None:
    text = MILESTONE + '[[project]]\nid = "q"\ntitle = "Q"\n[[project.milestone]]\nid = "m"\ntitle = "M"\n'
    plan, found = build(text)
    assert found == []
    assert [m.ref for m in (*plan.projects[0].milestones, *plan.projects[1].milestones)] == ["p/m", "q/m"]


# -- periods and dates --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["due", "start"])
@pytest.mark.parametrize(
    "value", ['"2021-Q5"', '"Q1 2021"', '"2021-W53"', "true", "1.5", '"soon"', "2021-03-15T10:00:00"]
)
def test_bad_period(name: str, value: str) -> None:
    plan, found = build(MILESTONE + f"{name} = {value}\n")
    assert [(f.code, f.key) for f in found] == [("bad-period", ("project", 0, "milestone", 0, name))]
    assert repr(name) in found[0].message
    assert getattr(plan.projects[0].milestones[0], name) is None


def test_bad_period_message_quotes_the_value_and_the_forms() -> None:
    f = only(MILESTONE + 'due = "Q1 2021"\n', "bad-period")
    assert "'Q1 2021'" in f.message
    assert "2021-Q1" in f.message
    assert "2019-H2" in f.message


def test_bad_periods_in_slips_and_levels() -> None:
    slip = MILESTONE + '[[project.milestone.slip]]\nfrom = "2020-Q0"\nto = "2021-H3"\non = 2020-01-01\n'
    assert [f.key[-1] for f in findings(slip) if f.code == "bad-period"] == ["from", "to"]
    level = INDICATOR + 'baseline = { value = 1, on = "never" }\ntarget = { value = 2, by = "2022-13" }\n'
    assert [f.key for f in findings(level)] == [("indicator", 0, "baseline", "on"), ("indicator", 0, "target", "by")]
    assert {f.code for f in findings(level)} == {"bad-period"}


@pytest.mark.parametrize("name", ["done", "cancelled"])
@pytest.mark.parametrize(
    "value",
    [
        '"2021"',  # a period, not a day
        '"2021-Q1"',
        '"yesterday"',
        '"15/03/2021"',
        '"2021-3-15"',
        '"2021-02-30"',
        '"2021-W01-1"',  # an ISO week date is not a day form of docs/plan-format.md
        '"20210315"',
        "2021",
        "true",
        "2021-03-15T10:00:00",
        "2021-03-15T10:00:00+01:00",
        "10:00:00",
    ],
)
def test_bad_date(name: str, value: str) -> None:
    plan, found = build(MILESTONE + f"{name} = {value}\n")
    assert [(f.code, f.key) for f in found] == [("bad-date", ("project", 0, "milestone", 0, name))]
    assert "2021-03-15" in found[0].message  # an example of what to write
    assert getattr(plan.projects[0].milestones[0], name) is None


def test_bad_dates_in_slips_and_measures() -> None:
    slip = MILESTONE + '[[project.milestone.slip]]\nfrom = "2020"\nto = "2021"\non = "2020"\n'
    assert [(f.code, f.key[-1]) for f in findings(slip)] == [("bad-date", "on")]
    measure = INDICATOR + LEVELS + '[[indicator.measure]]\non = "2020-Q2"\nvalue = 1\n'
    plan, found = build(measure)
    assert [(f.code, f.key) for f in found] == [("bad-date", ("indicator", 0, "measure", 0, "on"))]
    assert plan.indicators[0].measures == ()


def test_unknown_timezone() -> None:
    plan, found = build('[plan]\ntitle = "P"\ntimezone = "Europe/Pariss"\n')
    assert [(f.code, f.key) for f in found] == [("unknown-timezone", ("plan", "timezone"))]
    assert "'Europe/Pariss'" in found[0].message
    assert plan.timezone is None


@pytest.mark.parametrize("tz", ["../../etc/passwd", "", "Not a zone", "/etc/localtime"])
def test_hostile_timezones_are_unknown(tz: str) -> None:
    assert codes(f'[plan]\ntitle = "P"\ntimezone = "{tz}"\n') == ["unknown-timezone"]


@pytest.mark.parametrize("tz", ["Europe/Paris", "UTC", "America/Cayenne", "Pacific/Noumea"])
def test_known_timezones(tz: str) -> None:
    plan, found = build(f'[plan]\ntitle = "P"\ntimezone = "{tz}"\n')
    assert (found, plan.timezone) == ([], tz)


@pytest.mark.parametrize("version", ["2", "0", '"1"', "true", "-1"])
def test_unsupported_version(version: str) -> None:
    f = only(f"version = {version}\n" + HEAD, "unsupported-version")
    assert f.key == ("version",)
    assert "version 1" in f.message


def test_version_1_is_supported() -> None:
    assert findings("version = 1\n" + HEAD) == []


# -- indicators and refs ------------------------------------------------------------------


def test_indicator_without_baseline_or_target() -> None:
    found = findings(INDICATOR)
    assert [(f.code, f.key) for f in found] == [
        ("indicator-incomplete", ("indicator", 0, "baseline")),
        ("indicator-incomplete", ("indicator", 0, "target")),
    ]
    assert "baseline" in found[0].message
    assert "on = " in found[0].message
    assert "target" in found[1].message
    assert "by = " in found[1].message


def test_indicator_without_target() -> None:
    plan, found = build(INDICATOR + 'baseline = { value = 1, on = "2018" }\n')
    assert [f.code for f in found] == ["indicator-incomplete"]
    assert "target" in found[0].message
    assert plan.indicators[0].target is None


@pytest.mark.parametrize("ref", ["Etude", "p/", "/m", "p/m/x", "p m", "", "../m"])
def test_bad_ref(ref: str) -> None:
    plan, found = build(MILESTONE + f'depends_on = ["{ref}"]\n')
    assert [(f.code, f.key) for f in found] == [("bad-ref", ("project", 0, "milestone", 0, "depends_on", 0))]
    assert repr(ref) in found[0].message
    assert plan.projects[0].milestones[0].depends_on == ()


def test_bad_ref_is_at_its_entry_and_the_good_ones_are_kept() -> None:
    plan, found = build(MILESTONE + 'depends_on = ["a", "Bad", "q/b"]\n')
    assert [(f.code, f.key) for f in found] == [("bad-ref", ("project", 0, "milestone", 0, "depends_on", 1))]
    assert plan.projects[0].milestones[0].depends_on == ("p/a", "q/b")


def test_full_ref() -> None:
    assert builder.full_ref("m", "p") == "p/m"
    assert builder.full_ref("q/m", "p") == "q/m"
    assert builder.full_ref("q/m") == "q/m"
    assert builder.full_ref("m") is None
    assert builder.full_ref("Q/m", "p") is None


def test_many_findings_are_all_reported() -> None:
    text = (
        "version = 3\n"
        '[plan]\ntitle = "P"\ntimezone = "Mars/Olympus"\n'
        '[[project]]\nid = "Bad"\ntitle = "P"\n'
        '[[project.milestone]]\nid = "m"\ntitle = "M"\ndeu = "2021"\ndone = "later"\n'
        '[[indicator]]\nid = "i"\ntitle = "I"\n'
    )
    assert sorted(codes(text)) == sorted(
        ["unsupported-version", "unknown-timezone", "bad-slug", "unknown-key", "bad-date",
         "indicator-incomplete", "indicator-incomplete"]
    )  # fmt: skip


def test_type_name() -> None:
    values: list[object] = [True, 1, 1.5, "s", [], {}, date(2020, 1, 1)]
    assert [builder.type_name(v) for v in values] == [
        "boolean", "number", "number", "string", "array", "table", "date",
    ]  # fmt: skip


def test_a_value_repeated_in_a_file_is_one_object() -> None:
    """Owners, ids, refs and days written many times are built once: the cache pickles each once."""
    text = """\
[plan]
title = "P"

[[project]]
id = "a"
title = "A"

  [[project.milestone]]
  id = "one"
  title = "Recette"
  owners = ["DINUM", "DNUM"]
  done = 2021-05-14

  [[project.milestone]]
  id = "two"
  title = "Recette"
  owners = ["DINUM", "DNUM"]
  done = 2021-05-14
  depends_on = ["one"]

[[project]]
id = "b"
title = "B"
owners = ["DNUM"]

  [[project.milestone]]
  id = "one"
  title = "Recette"
  depends_on = ["a/one"]
"""
    plan, found = builder.build(tomllib.loads(text), "p.toml")
    assert found == []
    (one, two), (other,) = (p.milestones for p in plan.projects)
    assert one.owners == ("DINUM", "DNUM")
    assert one.owners is two.owners
    assert one.title is two.title is other.title
    assert one.id is other.id
    assert one.done == date(2021, 5, 14)
    assert one.done is two.done
    assert two.depends_on[0] is other.depends_on[0] == "a/one"
    assert other.owners[0] is one.owners[1]
