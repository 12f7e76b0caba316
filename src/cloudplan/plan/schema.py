"""The plan file as a JSON Schema (draft-07) for editors such as Taplo and Even Better TOML; pure.

It says what a single key can say, as the model builder does (build.py): types, required
and unknown keys, slugs, refs, period and day spellings. What needs the calendar, the
time zone database or more than one key (duplicate ids, cycles, refs across files) is
left to `cloudplan check`. Taplo serialises TOML dates as strings, so a day is a string
here, and a period an integer year or a string.
"""

from __future__ import annotations

import json
from typing import Any

from cloudplan.plan.decode import EMAIL_RE, LANGUAGES, MATRIX_RE, SUPPORTED_VERSIONS, WEBHOOK_ENV_RE, WEBHOOK_URL_RE

DRAFT = "http://json-schema.org/draft-07/schema#"

# [0-9], not \d: JSON Schema regexes are ECMA-262, where \d is ASCII, but Python's re
# (the jsonschema package) would let other scripts' digits through.
SLUG = "^[a-z0-9][a-z0-9-]*$"
REF = "^(?:[a-z0-9][a-z0-9-]*/)?[a-z0-9][a-z0-9-]*$"
_YEAR = "[1-9][0-9]{3}"
_MONTH = "(?:0[1-9]|1[0-2])"
_DAY = "(?:0[1-9]|[12][0-9]|3[01])"
DAY = f"^{_YEAR}-{_MONTH}-{_DAY}$"
PERIOD = (
    f"^{_YEAR}(?:-(?:[HS][12]|[QT][1-4]|W(?:0[1-9]|[1-4][0-9]|5[0-3])|{_MONTH}(?:-{_DAY})?))?$"
)  # fmt: skip

PERIODS = (
    "a year (2020), half (2019-H2, 2019-S2), quarter (2021-Q1, 2021-T1), month (2020-02), "
    "ISO week (2020-W53) or day (2020-05-15)"
)


def _string(description: str, **more: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **more}


def _strings(description: str, **items: Any) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": {"type": "string", **items}}


def _table(description: str, properties: dict[str, Any], required: tuple[str, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "description": description,
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _array_of(ref: str, description: str) -> dict[str, Any]:
    return {"type": "array", "description": description, "items": {"$ref": f"#/definitions/{ref}"}}


def _ref(name: str, description: str) -> dict[str, Any]:
    # draft-07 ignores keywords beside $ref, so the description goes around it.
    return {"description": description, "allOf": [{"$ref": f"#/definitions/{name}"}]}


def build() -> dict[str, Any]:
    """Return the JSON Schema of a plan file, as a plain dict."""
    definitions: dict[str, Any] = {
        "slug": {
            "type": "string",
            "pattern": SLUG,
            "description": "Lower-case ASCII letters, digits and '-', starting with a letter or digit.",
        },
        "day": {"type": "string", "format": "date", "pattern": DAY, "description": "One day: 2021-03-15."},
        "period": {
            "description": f"A period: {PERIODS}. Its deadline is its last day.",
            "anyOf": [
                {"type": "integer", "minimum": 1000, "maximum": 9998},
                {"type": "string", "pattern": PERIOD},
            ],
        },
        "slip": _table(
            "A move of the milestone's deadline, as `cloudplan reschedule` records it.",
            {
                "from": _ref("period", "The deadline before the move."),
                "to": _ref("period", "The deadline after the move."),
                "on": _ref("day", "The day of the move."),
                "reason": _string("Why the deadline moved."),
            },
            ("from", "to", "on"),
        ),
        "milestone": _table(
            "A dated step of a project.",
            {
                "id": _ref("slug", "Unique in its project; refs name it PROJECT/ID."),
                "title": _string("What the milestone delivers."),
                "start": _ref("period", "When work starts."),
                "due": _ref("period", "The deadline: the period's last day. Absent: unscheduled."),
                "done": _ref("day", "The day it was done."),
                "cancelled": _ref("day", "The day it was cancelled; never with done."),
                "owners": _strings("Who delivers it; default: the project's owners."),
                "depends_on": _strings(
                    "Milestones that must come first: MILESTONE in this project, or PROJECT/MILESTONE.",
                    pattern=REF,
                ),
                "notes": _string("Free text."),
                "slip": _array_of("slip", "Deadline moves, oldest first, written [[project.milestone.slip]]."),
            },
            ("id", "title"),
        ),
        "project": _table(
            "A project (chantier): owners, tags and milestones.",
            {
                "id": _ref("slug", "Unique across the plan files read together."),
                "title": _string("The project's name."),
                "description": _string("Free text."),
                "owners": _strings("Ministries, agencies or teams in charge."),
                "tags": _strings("Labels to filter on."),
                "milestone": _array_of("milestone", "Its milestones, written [[project.milestone]]."),
            },
            ("id", "title"),
        ),
        "baseline": _table(
            "Where the indicator started.",
            {"value": {"type": "number"}, "on": _ref("period", "When; a period stands for its last day.")},
            ("value", "on"),
        ),
        "target": _table(
            "Where the indicator must get to.",
            {"value": {"type": "number"}, "by": _ref("period", "By when; a period stands for its last day.")},
            ("value", "by"),
        ),
        "measure": _table(
            "A recorded value of the indicator.",
            {"on": _ref("day", "The day of the measure."), "value": {"type": "number"}, "note": _string("Source.")},
            ("on", "value"),
        ),
        "indicator": _table(
            "A figure the roadmap promises to move, from a baseline to a target.",
            {
                "id": _ref("slug", "Unique across the plan files read together."),
                "title": _string("What is measured."),
                "unit": _string("e.g. applications, % des agents."),
                "project": _ref("slug", "The id of the project it measures."),
                "baseline": _ref("baseline", "{ value = ..., on = PERIOD }"),
                "target": _ref("target", "{ value = ..., by = PERIOD }"),
                "measure": _array_of("measure", "Recorded values, written [[indicator.measure]]."),
            },
            ("id", "title", "baseline", "target"),
        ),
        "contact": _table(
            "Where an owner's alerts go (`cloudplan notify`). Secrets never go here: the servers and their "
            "passwords and tokens are in the environment.",
            {
                "owner": _string(
                    'An owner as written in owners lists, or "*" for every owner without a contact of its own.',
                    minLength=1,
                ),
                "email": _strings("E-mail addresses.", pattern=f"^{EMAIL_RE.pattern}$"),
                "matrix": _strings(
                    "Matrix (Tchap) rooms: ids (!abc:server) or aliases (#room:server).",
                    pattern=f"^{MATRIX_RE.pattern}$",
                ),
                "webhook": _strings(
                    'Webhooks (Mattermost, Slack, Rocket.Chat): "$NAME", the URL being in the environment '
                    "variable NAME, or the URL itself.",
                    pattern=f"^(?:{WEBHOOK_ENV_RE.pattern}|{WEBHOOK_URL_RE.pattern})$",
                ),
                "language": {
                    "type": "string",
                    "enum": list(LANGUAGES),
                    "description": "The language of this owner's messages; default: the plan's.",
                },
            },
            ("owner",),
        ),
    }
    plan = _table(
        "The plan itself.",
        {
            "title": _string("The roadmap's title."),
            "owner": _string("Who keeps the roadmap."),
            "timezone": _string("IANA time zone name, e.g. Europe/Paris: 'today' is taken there."),
            "warn_days": {
                "type": "integer",
                "minimum": 0,
                "description": "The due-soon window in days (default 30).",
            },
            "language": {
                "type": "string",
                "enum": ["fr", "en"],
                "description": "What cloudplan speaks for this plan when the user's settings (--lang, "
                "CLOUDPLAN_LANG, the locale) do not say: fr or en.",
            },
        },
        ("title",),
    )
    document = _table(
        "A cloudplan plan file: projects, milestones with period deadlines, and indicators.",
        {
            "version": {"type": "integer", "enum": list(SUPPORTED_VERSIONS), "description": "Only 1 exists."},
            "plan": plan,
            "project": _array_of("project", "The projects, written [[project]]."),
            "indicator": _array_of("indicator", "The indicators, written [[indicator]]."),
            "contact": _array_of("contact", "Where each owner's alerts go, written [[contact]]."),
        },
        ("plan",),
    )
    return {"$schema": DRAFT, "title": "cloudplan plan file", **document, "definitions": definitions}


def dumps() -> str:
    """Return the schema as the JSON text that `cloudplan schema` prints and the repository ships."""
    return json.dumps(build(), ensure_ascii=False, indent=2) + "\n"
