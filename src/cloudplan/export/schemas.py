"""The JSON Schemas (draft 2020-12) of the JSON documents cloudplan prints, for programs that read them; pure.

One schema a kind of document, as `cloudplan schema KIND` prints it: `status` (also what
`export json` writes, under its own title), `overdue`, `indicators`, `show`, `history`,
`trend`, `changes`, `check`. Each is whole on its own (its parts under `$defs`), lists
every key its objects carry as required, and allows no other: a key that a later version
adds appears in that version's schema. The tests validate every document the commands
print against these. (The plan file's own schema, `cloudplan schema plan`, is the
draft-07 one of cloudplan.plan.schema, which editors read.)

Imported only by `cloudplan schema` and the tests: no command that prints a document
pays for building these.
"""

from __future__ import annotations

import json
from typing import Any

from cloudplan.base.findings import Severity
from cloudplan.core.alerts import Reason
from cloudplan.core.changes import ChangeKind
from cloudplan.core.status import IndicatorStatus, Status

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# [0-9], not \d: JSON Schema regexes are ECMA-262, where \d is ASCII, but Python's re would take other digits.
_MONTH = "(?:0[1-9]|1[0-2])"
_DAY = "(?:0[1-9]|[12][0-9]|3[01])"
DAY_PATTERN = f"^[0-9]{{4}}-{_MONTH}-{_DAY}$"
# A period as cloudplan spells it: 2020, 2019-H2, 2021-Q1, 2020-02, 2020-W53, 2020-05-15.
PERIOD_PATTERN = (
    f"^[0-9]{{1,4}}(?:-(?:H[12]|Q[1-4]|W(?:0[1-9]|[1-4][0-9]|5[0-3])|{_MONTH}(?:-{_DAY})?))?$"
)  # fmt: skip
SLUG_PATTERN = "^[a-z0-9][a-z0-9-]*$"
REF_PATTERN = "^[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9-]*$"

KINDS = ("status", "overdue", "indicators", "show", "history", "trend", "changes", "export", "check", "blame")


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/$defs/{name}"}


def _null(schema: dict[str, Any]) -> dict[str, Any]:
    """Return *schema* or null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _object(description: str, properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    """Return an object that holds every one of *properties* (but *optional*) and nothing else."""
    return {
        "type": "object",
        **({"description": description} if description else {}),
        "properties": properties,
        "required": [name for name in properties if name not in optional],
        "additionalProperties": False,
    }


def _array(items: dict[str, Any], description: str = "") -> dict[str, Any]:
    return {"type": "array", "items": items, **({"description": description} if description else {})}


def _string(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", **({"description": description} if description else {}), **more}


def _integer(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "integer", **({"description": description} if description else {}), **more}


def _number(description: str) -> dict[str, Any]:
    return {"type": "number", **({"description": description} if description else {})}


STRINGS = _array({"type": "string"})

# The parts that documents share; each schema carries those it uses under $defs.
DEFS: dict[str, dict[str, Any]] = {
    "day": _string("A day, ISO 8601: 2021-03-31.", format="date", pattern=DAY_PATTERN),
    "period": _string(
        "A period as cloudplan spells it: a year (2020), half (2019-H2), quarter (2021-Q1), month (2020-02), "
        "ISO week (2020-W53) or day (2020-05-15).",
        pattern=PERIOD_PATTERN,
    ),
    "ref": _string("A milestone's name across the portfolio: PROJECT/MILESTONE.", pattern=REF_PATTERN),
    "status": {
        "description": "A milestone's status as of the day asked (a project's: the most urgent of its milestones').",
        "enum": [s.value for s in Status],
    },
    "indicator_status": {
        "description": "An indicator's status as of the day asked.",
        "enum": [s.value for s in IndicatorStatus],
    },
    "source_name": _string(
        "Read through a portfolio file: the source (a repository of the portfolio) it comes from. Absent for "
        "plan files read from disk.",
        pattern=SLUG_PATTERN,
    ),
    "commit": _string("A full commit hash.", pattern="^[0-9a-f]{40,64}$"),
}
DEFS["source"] = _object(
    "A source read through a portfolio file: its name, the commit read, when it was fetched (UTC).",
    {
        "name": _ref("source_name"),
        "commit": _ref("commit"),
        "fetched": _string("When it was fetched.", format="date-time"),
    },
)
DEFS["milestone"] = _object(
    "A milestone as of the day asked.",
    {
        "ref": _ref("ref"),
        "project": _string("The project's id (the first half of the ref).", pattern=SLUG_PATTERN),
        "id": _string("The milestone's id in its project (the second half of the ref).", pattern=SLUG_PATTERN),
        "title": _string("As written in the plan."),
        "owners": {**STRINGS, "description": "Its own owners, else its project's."},
        "start": _null(_ref("period")),
        "due": _null(_ref("period")),
        "deadline": {**_null(_ref("day")), "description": "The last day of `due`."},
        "done": {**_null(_ref("day")), "description": "The day it was done, if on or before the day asked."},
        "cancelled": {**_null(_ref("day")), "description": "The day it was cancelled, if on or before the day asked."},
        "status": _ref("status"),
        "days_left": {
            **_null(_integer("")),
            "description": "The deadline minus the day asked, in days (negative when late); null once closed or "
            "when unscheduled.",
        },
        "slipped_days": _integer("How far the deadline moved since the first one, in days."),
        "depends_on": {**_array(_ref("ref")), "description": "What it depends on, as full refs."},
        "notes": _string("As written in the plan; empty when none."),
        "at_risk": {"type": "boolean", "description": "Whether a dependency is overdue, cancelled or due after it."},
        "blocked_by": {**_array(_ref("ref")), "description": "The dependencies that put it at risk."},
        "plan": _string("The plan file it comes from, as named on the command line."),
        "source": _ref("source_name"),
    },
    optional=("source",),
)
_PROJECT = {
    "id": _string("The project's id.", pattern=SLUG_PATTERN),
    "title": _string("As written in the plan."),
    "owners": STRINGS,
    "tags": STRINGS,
    "status": _ref("status"),
    "progress": _object(
        "Milestones done (late or not) over all but the cancelled ones.",
        {"done": _integer("", minimum=0), "total": _integer("", minimum=0)},
    ),
    "milestones": _array(_ref("milestone")),
    "plan": _string("The plan file it comes from."),
    "source": _ref("source_name"),
}
DEFS["project"] = _object("A project, its status, progress and milestones.", _PROJECT, optional=("source",))
_LEVEL = {"value": _number("")}
_INDICATOR = {
    "id": _string("The indicator's id.", pattern=SLUG_PATTERN),
    "title": _string("As written in the plan."),
    "unit": _string("As written in the plan; empty when none."),
    "project": _null(_string("The project it measures.", pattern=SLUG_PATTERN)),
    "baseline": _null(_object("The value it started from.", {**_LEVEL, "on": _ref("period")})),
    "target": _null(_object("The value it aims at.", {**_LEVEL, "by": _ref("period")})),
    "latest": _null(_object("The latest measure on or before the day asked.", {**_LEVEL, "on": _ref("day")})),
    "expected": _null(_number("The value on the line from baseline to target, on the day asked.")),
    "progress": _null(_number("The share of the way from baseline to target the latest measure went (1 = there).")),
    "status": _ref("indicator_status"),
    "measures": _array(
        _object("A recorded measure.", {"on": _ref("day"), "value": _number(""), "note": _string("Empty when none.")})
    ),
    "plan": _string("The plan file it comes from."),
    "source": _ref("source_name"),
}
DEFS["indicator"] = _object(
    "An indicator, its latest measure, expected value and status.", _INDICATOR, optional=("source",)
)
DEFS["slip"] = _object(
    "One move of a deadline, as `reschedule` recorded it.",
    {
        "from": _null(_ref("period")),
        "to": _null(_ref("period")),
        "on": _null(_ref("day")),
        "reason": _string("Why it moved."),
    },
)
DEFS["brief"] = _object(
    "A milestone named beside another: its ref, title, deadline, status and risk.",
    {
        "ref": _ref("ref"),
        "title": _string(""),
        "deadline": _null(_ref("day")),
        "status": _ref("status"),
        "at_risk": {"type": "boolean"},
    },
)
DEFS["finding"] = _object(
    "A finding of `check`, at the line of the key it is about.",
    {
        "path": _string("The plan file, as named on the command line."),
        "line": _integer("", minimum=1),
        "col": _integer("", minimum=1),
        "severity": {"enum": [s.value for s in Severity]},
        "code": _string("What kind of finding; stays English.", pattern="^[a-z][a-z0-9-]*$"),
        "message": _string("What is wrong and what to do, in the language of the run."),
        "key": _array({"type": ["string", "integer"]}, "The key's path in the file: table names and array indexes."),
    },
)

_AS_OF = {"as_of": {**_ref("day"), "description": "The day the plan is shown as of."}}


def _document(kind: str, title: str, description: str, root: dict[str, Any]) -> dict[str, Any]:
    """Return a whole schema: its draft, title and description, *root*, and the $defs it names (and theirs)."""
    wanted: dict[str, dict[str, Any]] = {}
    pending = [root]
    while pending:
        text = json.dumps(pending.pop())
        for name, part in DEFS.items():
            if f'"#/$defs/{name}"' in text and name not in wanted:
                wanted[name] = part
                pending.append(part)
    return {
        "$schema": DRAFT,
        "$id": f"urn:cloudplan:schema:{kind}",
        "title": title,
        "description": description,
        **root,
        "$defs": {name: DEFS[name] for name in DEFS if name in wanted},
    }


def _status(kind: str, title: str) -> dict[str, Any]:
    return _document(
        kind,
        title,
        "Every project with its milestones, and every indicator, as of a day.",
        _object(
            "",
            {
                **_AS_OF,
                "sources": _array(_ref("source"), "Read through portfolio files only: the sources read."),
                "projects": _array(_ref("project")),
                "indicators": _array(_ref("indicator")),
            },
            optional=("sources",),
        ),
    )


def _changes() -> dict[str, Any]:
    head = {
        "type": {"enum": ["project", "milestone", "indicator"]},
        "ref": _string("A project's or an indicator's id, or a milestone's ref."),
        "title": _string("The item's title now (then, for a removed item)."),
    }
    on = {"on": _null(_ref("day"))}
    fields: dict[ChangeKind, dict[str, Any]] = {
        ChangeKind.ADDED: {},
        ChangeKind.REMOVED: {},
        ChangeKind.DONE: on,
        ChangeKind.CANCELLED: on,
        ChangeKind.REOPENED: {"was": {"enum": ["done", "cancelled"]}, **on},
        ChangeKind.RESCHEDULED: {
            "from": _null(_ref("period")),
            "to": _null(_ref("period")),
            **on,
            "reason": _null(_string("The slip's reason.")),
        },
        ChangeKind.RETITLED: {"from": _string(""), "to": _string("")},
        ChangeKind.OWNERS: {"from": STRINGS, "to": STRINGS},
        ChangeKind.MEASURED: {
            **on,
            "value": _number(""),
            "previous": _null(_number("The value it replaced on that day.")),
            "note": _null(_string("")),
        },
    }
    change = {
        "oneOf": [
            _object(
                f"A change of kind {kind.value}.",
                {"kind": {"const": kind.value}, **head, **more, "source": _ref("source_name")},
                optional=("source",),
            )
            for kind, more in fields.items()
        ]
    }
    since = _object(
        "The revision compared with (its commit and date null when only the sources of portfolio files were "
        "compared: each has its own, under `sources`).",
        {
            "rev": _string("As the user wrote it."),
            "commit": _null(_ref("commit")),
            "date": _null(_string("The commit's date.", format="date-time")),
        },
    )
    source = _object(
        "A source of a portfolio file compared with its own history.",
        {
            "name": _ref("source_name"),
            "read": {**_ref("commit"), "description": "The commit read now."},
            "commit": {**_null(_ref("commit")), "description": "The one compared with; null when its history "
                       "starts later (everything is new)."},
            "date": _null(_string("That commit's date.", format="date-time")),
        },
    )  # fmt: skip
    return _document(
        "changes",
        "cloudplan changes --format json",
        "What changed in the portfolio since a git revision.",
        _object(
            "",
            {
                "since": since,
                "sources": _array(source, "Read through portfolio files only."),
                "changes": _array(change),
            },
            optional=("sources",),
        ),
    )


def _show() -> dict[str, Any]:
    head = {**_AS_OF}
    milestone = _object(
        "A milestone in full.",
        {
            **head,
            "kind": {"const": "milestone"},
            **DEFS["milestone"]["properties"],
            "project_title": _string(""),
            "dependencies": _array(_ref("brief"), "What it depends on."),
            "dependants": _array(_ref("brief"), "What depends on it."),
            "risk_chains": _array(_array(_ref("ref")), "For each ref of blocked_by: the chain from it to that ref."),
            "slips": _array(_ref("slip")),
        },
        optional=("source",),
    )
    project = _object(
        "A project in full.",
        {**head, "kind": {"const": "project"}, **_PROJECT, "description": _string("Empty when none.")},
        optional=("source",),
    )
    indicator = _object(
        "An indicator in full.", {**head, "kind": {"const": "indicator"}, **_INDICATOR}, optional=("source",)
    )
    return _document(
        "show",
        "cloudplan show --format json",
        "Everything about one milestone, project or indicator; `kind` says which.",
        {"oneOf": [milestone, project, indicator]},
    )


def build(kind: str) -> dict[str, Any]:
    """Return the schema of the documents of *kind* (one of KINDS)."""
    if kind == "status":
        return _status(kind, "cloudplan status --format json")
    if kind == "export":
        return _status(kind, "cloudplan export json")
    if kind == "overdue":
        cleared = _object(
            "A milestone the last run listed and this one does not.",
            {
                "ref": _ref("ref"),
                "was": {**_ref("status"), "description": "Its status when it was listed."},
                # `reassigned` is notify's alone: overdue --state has no owners to follow.
                "reason": {"enum": [r.value for r in Reason if r is not Reason.REASSIGNED]},
                "milestone": {**_null(_ref("milestone")), "description": "Null when no plan holds it any more."},
            },
        )
        root = _object(
            "",
            {
                **_AS_OF,
                "within": _integer("The due-soon window, in days.", minimum=0),
                "items": _array(_ref("milestone"), "Overdue (and due soon) milestones; with --state, the new ones."),
                "cleared": _array(cleared, "With --state only: what left the list since the last run."),
            },
            optional=("cleared",),
        )
        return _document(kind, "cloudplan overdue --format json", "Milestones overdue, or due soon.", root)
    if kind == "indicators":
        root = _object("", {**_AS_OF, "indicators": _array(_ref("indicator"))})
        return _document(kind, "cloudplan indicators --format json", "Every indicator as of a day.", root)
    if kind == "show":
        return _show()
    if kind == "history":
        recorded = {
            "commit": {**_null(_ref("commit")), "description": "The commit that recorded it (null: not committed)."},
            "author": _null(_string("Who made that commit: Name <email>.")),
            "date": _null(_string("That commit's author date.", format="date-time")),
        }
        slip = _object(
            "A slip; in a git work tree, with the commit that recorded it.",
            {**DEFS["slip"]["properties"], **recorded},
            optional=tuple(recorded),
        )
        root = _object(
            "",
            {
                "ref": _ref("ref"),
                "title": _string(""),
                "due": _null(_ref("period")),
                "slipped_days": _integer("How far the deadline moved since the first one, in days."),
                "slips": _array(slip),
            },
        )
        return _document(kind, "cloudplan history --format json", "A milestone's slips.", root)
    if kind == "trend":
        deadline = _object(
            "A deadline in force from a day on; the first, the original one, since null.",
            {"since": _null(_ref("day")), "period": _ref("period"), "deadline": _ref("day")},
        )
        line = _object(
            "A milestone and the deadlines it had, in order.",
            {"ref": _ref("ref"), "title": _string(""), "status": _ref("status"), "deadlines": _array(deadline)},
        )
        root = _object("", {**_AS_OF, "milestones": _array(line)})
        return _document(kind, "cloudplan trend --format json", "The deadline in force over time.", root)
    if kind == "changes":
        return _changes()
    if kind == "blame":
        field = _object(
            "A key of the milestone (or one of its slips) and the commit that last set it.",
            {
                "key": {
                    "enum": ["title", "start", "due", "done", "cancelled", "owners", "depends_on", "notes", "slip"]
                },
                "value": {"description": "The value now, as the plan file has it (null: removed since)."},
                "commit": {**_null(_ref("commit")), "description": "Null: changed in the work tree, not committed."},
                "author": _null(_string("Name <email>.")),
                "date": _null(_string("The author date.", format="date-time")),
                "signature": {
                    "enum": ["good", "bad", "none"],
                    "description": "The commit's signature, as git checks it.",
                },
            },
        )
        root = _object("", {"ref": _ref("ref"), "fields": _array(field)})
        return _document(kind, "cloudplan blame --format json", "Who last set each key of a milestone.", root)
    if kind == "check":
        return _document(
            kind, "cloudplan check --format json", "Every finding of the plans read.", _array(_ref("finding"))
        )
    raise KeyError(kind)


def dumps(kind: str) -> str:
    """Return the schema of *kind* as the JSON text `cloudplan schema KIND` prints."""
    return json.dumps(build(kind), ensure_ascii=False, indent=2) + "\n"
