"""A parsed TOML document -> the model (build), with a finding for every key that is wrong; pure.

This is the one module that knows the plan file's key names.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from cloudplan.base.errors import BadPeriod
from cloudplan.base.findings import Finding, Key, error, warning
from cloudplan.base.translate import _
from cloudplan.base.zones import is_timezone
from cloudplan.core.model import Contact, Indicator, Level, Measure, Milestone, Plan, Project, Slip
from cloudplan.core.periods import Period, parse_file_value

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
REF_RE = re.compile(r"(?:([a-z0-9][a-z0-9-]*)/)?([a-z0-9][a-z0-9-]*)")

SUPPORTED_VERSIONS = (1,)

TOP_KEYS = ("version", "plan", "project", "indicator", "contact")
PLAN_KEYS = ("title", "owner", "timezone", "warn_days", "language")
PROJECT_KEYS = ("id", "title", "description", "owners", "tags", "milestone")
MILESTONE_KEYS = (
    "id", "title", "start", "due", "done", "cancelled", "owners", "depends_on", "notes", "slip",
)  # fmt: skip
SLIP_KEYS = ("from", "to", "on", "reason")
INDICATOR_KEYS = ("id", "title", "unit", "project", "baseline", "target", "measure")
BASELINE_KEYS = ("value", "on")
TARGET_KEYS = ("value", "by")
MEASURE_KEYS = ("on", "value", "note")
CONTACT_KEYS = ("owner", "email", "matrix", "webhook", "language")
LANGUAGES = ("fr", "en")  # of the plan and of each contact
# What a destination must look like; loose on purpose where the server has the last word.
# An e-mail address is an RFC 5322 addr-spec, bare: dot-atoms on both sides of one @, the
# letters of other scripts allowed (RFC 6531), a domain of two labels or more. No display
# name, <angle brackets>, (comment), quoted local part or list: mail software reads
# `x@(gouv.fr)evil.example` as x@evil.example, so only what means itself is accepted.
# Python's \w is every script's letters and digits, and no space, control, separator or
# bidi mark; the schema spells the same with ranges (EMAIL_SCHEMA), as editors read its
# patterns as JavaScript does, where \w is ASCII. (Ranges compile 100 times slower here.)
_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]+"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
EMAIL_RE = re.compile(rf"{_ATOM}(?:\.{_ATOM})*@{_LABEL}(?:\.{_LABEL})+")
_LETTER = r"A-Za-z0-9\u00c0-\u1fff\u2c00-\ud7ff"  # every script, short of U+2000-U+206F (spaces, marks)
_SCHEMA_ATOM = rf"[{_LETTER}_!#$%&'*+/=?^`{{|}}~-]+"
_SCHEMA_LABEL = rf"[{_LETTER}](?:[{_LETTER}_-]*[{_LETTER}])?"
EMAIL_SCHEMA = rf"{_SCHEMA_ATOM}(?:\.{_SCHEMA_ATOM})*@{_SCHEMA_LABEL}(?:\.{_SCHEMA_LABEL})+"
MATRIX_RE = re.compile(r"[!#][^:\s/]+:[A-Za-z0-9.\-\[\]]+(?::[0-9]+)?")
WEBHOOK_ENV_RE = re.compile(r"\$[A-Za-z_][A-Za-z0-9_]*")
WEBHOOK_URL_RE = re.compile(r"https?://[^\s/]+(?:/\S*)?")

T = TypeVar("T")
Table = dict[str, Any]


def build(doc: Table, source: str, origin: str | None = None) -> tuple[Plan, list[Finding]]:
    """Return the plan a parsed document describes, and every finding on its keys.

    *origin* is the portfolio source the file was read from, given to its projects,
    milestones and indicators (None for a local file). Never raises for a finding: what
    cannot be read is reported and left out.
    """
    builder = _Builder(source, origin)
    return builder.plan(doc), builder.findings


def build_one(name: str, index: int, table: Table, source: str) -> tuple[Project | Indicator | None, list[Finding]]:
    """Return element *index* of the plan's `project` or `indicator` array, as `build` makes it, and its findings.

    An edit changes one such element: rebuilding it alone spares parsing the whole file.
    """
    builder = _Builder(source)
    make = builder.project if name == "project" else builder.indicator
    return make((name, index), table), builder.findings


def empty_project(source: str, key: Key, pid: str | None) -> Finding:
    """Return the warning for a project without milestones (also made for a plan rebuilt by an edit)."""
    message = _("project {p!r} has no milestones: add one with [[project.milestone]]").format(p=pid or "?")
    return warning(source, key, "empty-project", message)


def full_ref(text: str, project: str | None = None) -> str | None:
    """Return the full ref PROJECT/MILESTONE that *text* names, or None if it is malformed.

    A bare MILESTONE is taken in *project*, when given.
    """
    match = REF_RE.fullmatch(text)
    if match is None or (match[1] is None and project is None):
        return None
    return f"{match[1] or project}/{match[2]}"


def type_name(value: object) -> str:
    """Return the TOML name of a value's type, for messages."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "table"
    if hasattr(value, "hour"):
        return "date-time" if isinstance(value, date) else "time"
    return "date"


def show(value: object) -> str:
    """Return a TOML value as a message quotes it: strings quoted, dates and times in ISO form."""
    if isinstance(value, str):
        return repr(value)
    if hasattr(value, "isoformat"):
        return f"{value.isoformat()} ({type_name(value)})"
    return f"{value!r} ({type_name(value)})"


def table_name(key: Key) -> str:
    """Return how a table is written in the file, e.g. [[project.milestone]] or [plan]."""
    names = ".".join(k for k in key if isinstance(k, str))
    if not names:
        return _("the file")
    return f"[[{names}]]" if isinstance(key[-1], int) else f"[{names}]"


class _Builder:
    def __init__(self, source: str, origin: str | None = None) -> None:
        self.source = source
        self.origin = origin
        self.findings: list[Finding] = []
        # One object for each distinct string, day and list of strings of the file (owners,
        # tags, milestone ids, refs): the parsed-plan cache pickles a value once and refers to it
        # after, which makes an entry a third smaller and a fifth faster to load.
        self._shared: dict[object, Any] = {}

    def share(self, value: T) -> T:
        """Return the object equal to *value* that this file already gave, else *value*."""
        return self._shared.setdefault(value, value)  # type: ignore[no-any-return]

    def report(self, key: Key, code: str, message: str) -> None:
        self.findings.append(error(self.source, key, code, message))

    def warn(self, key: Key, code: str, message: str) -> None:
        self.findings.append(warning(self.source, key, code, message))

    # -- generic checks ------------------------------------------------------------

    def keys(self, table: Table, key: Key, allowed: tuple[str, ...], required: tuple[str, ...]) -> None:
        extra = table.keys() - set(allowed)
        for name in sorted(extra):
            from cloudplan.base.suggest import closest

            close = closest(name, allowed)
            hint = _("; did you mean {name!r}?").format(name=close) if close else ""
            self.report(
                (*key, name),
                "unknown-key",
                _("unknown key {name!r}{hint} (allowed: {allowed})").format(
                    name=name, hint=hint, allowed=", ".join(allowed)
                ),
            )
        for name in required:
            if name not in table:
                # The key path names the missing key; it is located at its table's header.
                self.report(
                    (*key, name),
                    "missing-key",
                    _("missing required key {name!r} in {table}").format(name=name, table=table_name(key)),
                )

    def typed(self, table: Table, name: str, key: Key, kind: type[T] | tuple[type, ...], what: str) -> T | None:
        value = table.get(name)
        if value is None:
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            self.report(
                (*key, name),
                "wrong-type",
                _("{name!r} must be {what}, not a {got}").format(name=name, what=what, got=type_name(value)),
            )
            return None
        return self.share(value) if isinstance(value, str) else value  # type: ignore[return-value]

    def text(self, table: Table, name: str, key: Key) -> str:
        return self.typed(table, name, key, str, _("a string")) or ""

    def texts(self, table: Table, name: str, key: Key) -> tuple[str, ...] | None:
        values = self.typed(table, name, key, list, _("an array of strings"))
        if values is None:
            return None
        bad = next((i for i, v in enumerate(values) if not isinstance(v, str)), None)
        if bad is not None:
            # At the element, which has a line of its own in an array written over several lines.
            self.report((*key, name, bad), "wrong-type", _("{name!r} must hold only strings").format(name=name))
            return self.share(tuple(self.share(v) for v in values if isinstance(v, str)))
        return self.share(tuple(map(self.share, values)))

    def slug(self, table: Table, name: str, key: Key) -> str | None:
        value = self.typed(table, name, key, str, _("a string"))
        if value is not None and not SLUG_RE.fullmatch(value):
            self.report(
                (*key, name),
                "bad-slug",
                _("{value!r} is not a valid id: use lower-case letters, digits and '-', "
                  "starting with a letter or digit").format(value=value),
            )  # fmt: skip
            return None
        return value

    def period(self, table: Table, name: str, key: Key) -> Period | None:
        value = table.get(name)
        if value is None:
            return None
        try:
            return parse_file_value(value)
        except BadPeriod as e:
            hint = f"; {e.hint}" if e.hint else ""
            self.report((*key, name), "bad-period", f"{name!r}: {e.message}{hint}")
            return None

    def day(self, table: Table, name: str, key: Key) -> date | None:
        value = table.get(name)
        if value is None:
            return None
        if isinstance(value, date) and not hasattr(value, "hour"):
            return self.share(value)
        # A quoted day is accepted, as editors (Taplo) see TOML dates as strings; only
        # YYYY-MM-DD, not the other ISO forms that date.fromisoformat also reads.
        if isinstance(value, str) and DAY_RE.fullmatch(value):
            try:
                return self.share(date.fromisoformat(value))
            except ValueError:
                pass
        self.report(
            (*key, name),
            "bad-date",
            _("{name!r} must be a day such as 2021-03-15, not {value}").format(name=name, value=show(value)),
        )
        return None

    def language(self, table: Table, key: Key, code: str) -> str | None:
        """Return the table's `language` if cloudplan speaks it; report it under *code* otherwise."""
        language = self.typed(table, "language", key, str, _("a string"))
        if language is not None and language not in LANGUAGES:
            self.report(
                (*key, "language"),
                code,
                _("unknown language {lang!r}: cloudplan speaks {languages}").format(
                    lang=language, languages=" and ".join(repr(x) for x in LANGUAGES)
                ),
            )
            return None
        return language

    def number(self, table: Table, name: str, key: Key) -> float | None:
        value: float | None = self.typed(table, name, key, (int, float), _("a number"))
        if isinstance(value, int) and not -(2**63) <= value < 2**63:  # TOML's integers are 64-bit; tomllib reads any
            if abs(value) < 10**308:
                why = _("{name!r} is too large for a TOML integer (64 bits): write it as a float, such as {value:.3e}")
            else:
                why = _("{name!r} is beyond the largest number cloudplan holds (about 1.8e308)")
            self.report((*key, name), "wrong-type", why.format(name=name, value=float(min(abs(value), 10**308))))
            return None
        if value is not None and not math.isfinite(value):  # TOML's inf and nan: no measure, and no JSON number
            self.report((*key, name), "wrong-type",
                        _("{name!r} must be a finite number, not {value}").format(name=name, value=value))  # fmt: skip
            return None
        return value

    def tables(self, parent: Table, name: str, key: Key) -> list[tuple[Key, Table]]:
        """Return the array of tables *name* with each table's key; report what is not one."""
        value = parent.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
            self.report(
                (*key, name),
                "wrong-type",
                _("{name!r} must be an array of tables, written [[{path}]]").format(
                    name=name, path=".".join(str(k) for k in (*key, name) if isinstance(k, str))
                ),
            )
            return []
        return [((*key, name, i), t) for i, t in enumerate(value)]

    def each(self, items: list[tuple[Key, Table]], make: Callable[[Key, Table], T | None]) -> tuple[T, ...]:
        built = (make(key, table) for key, table in items)
        return tuple(item for item in built if item is not None)

    # -- the tables ------------------------------------------------------------------

    def plan(self, doc: Table) -> Plan:
        self.keys(doc, (), TOP_KEYS, ("plan",))
        version = doc.get("version")
        if version is not None and (type(version) is not int or version not in SUPPORTED_VERSIONS):
            self.report(
                ("version",),
                "unsupported-version",
                _("version {v!r} is not supported; this cloudplan reads version 1").format(v=version),
            )
        head = self.typed(doc, "plan", (), dict, _("a table, written [plan]")) or {}
        key: Key = ("plan",)
        if isinstance(doc.get("plan"), dict):
            self.keys(head, key, PLAN_KEYS, ("title",))
        timezone = self.typed(head, "timezone", key, str, _("a string"))
        if timezone is not None and not is_timezone(timezone):
            self.report(
                (*key, "timezone"),
                "unknown-timezone",
                _("unknown time zone {tz!r}; use an IANA name such as 'Europe/Paris'").format(tz=timezone),
            )
            timezone = None
        warn_days = self.typed(head, "warn_days", key, int, _("a whole number of days"))
        if warn_days is not None and warn_days < 0:
            self.report((*key, "warn_days"), "wrong-type", _("'warn_days' must be 0 or more"))
            warn_days = None
        language = self.language(head, key, "unknown-language")
        return Plan(
            source=self.source,
            title=self.text(head, "title", key),
            owner=self.text(head, "owner", key),
            timezone=timezone,
            warn_days=warn_days,
            projects=self.each(self.tables(doc, "project", ()), self.project),
            indicators=self.each(self.tables(doc, "indicator", ()), self.indicator),
            contacts=self.each(self.tables(doc, "contact", ()), self.contact),
            language=language,
        )

    def project(self, key: Key, table: Table) -> Project | None:
        self.keys(table, key, PROJECT_KEYS, ("id", "title"))
        pid = self.slug(table, "id", key)
        owners = self.texts(table, "owners", key) or ()
        milestones: list[Milestone] = []
        seen: set[str] = set()
        for mkey, mtable in self.tables(table, "milestone", key):
            milestone = self.milestone(mkey, mtable, pid or "?", owners)
            if milestone is None:
                continue
            if milestone.id in seen:
                self.report(
                    (*mkey, "id"),
                    "duplicate-id",
                    _("milestone id {id!r} is used twice in project {p!r}").format(id=milestone.id, p=pid),
                )
                continue
            seen.add(milestone.id)
            milestones.append(milestone)
        title = self.text(table, "title", key)
        if table.get("milestone") in (None, []):
            self.findings.append(empty_project(self.source, key, pid))
        if pid is None:
            return None
        return Project(
            id=pid,
            title=title,
            key=key,
            source=self.source,
            description=self.text(table, "description", key),
            owners=owners,
            tags=self.texts(table, "tags", key) or (),
            milestones=tuple(milestones),
            origin=self.origin,
        )

    def milestone(self, key: Key, table: Table, project: str, project_owners: tuple[str, ...]) -> Milestone | None:
        self.keys(table, key, MILESTONE_KEYS, ("id", "title"))
        mid = self.slug(table, "id", key)
        depends_on = []
        self.texts(table, "depends_on", key)
        raw = table.get("depends_on")
        for i, ref in enumerate(raw if isinstance(raw, list) else ()):
            if not isinstance(ref, str):
                continue
            full = full_ref(ref, project)
            if full is None:
                self.report(
                    (*key, "depends_on", i),
                    "bad-ref",
                    _("{ref!r} is not a ref: write MILESTONE or PROJECT/MILESTONE").format(ref=ref),
                )
            else:
                depends_on.append(self.share(full))
        owners = self.texts(table, "owners", key)
        milestone = Milestone(
            project=project,
            id=mid or "?",
            title=self.text(table, "title", key),
            key=key,
            source=self.source,
            start=self.period(table, "start", key),
            due=self.period(table, "due", key),
            done=self.day(table, "done", key),
            cancelled=self.day(table, "cancelled", key),
            owners=owners if owners else project_owners,
            depends_on=tuple(depends_on),
            notes=self.text(table, "notes", key),
            slips=self.each(self.tables(table, "slip", key), self.slip),
            origin=self.origin,
        )
        return milestone if mid is not None else None

    def slip(self, key: Key, table: Table) -> Slip:
        self.keys(table, key, SLIP_KEYS, ("from", "to", "on"))
        return Slip(
            from_=self.period(table, "from", key),
            to=self.period(table, "to", key),
            on=self.day(table, "on", key),
            reason=self.text(table, "reason", key),
            key=key,
        )

    def indicator(self, key: Key, table: Table) -> Indicator | None:
        self.keys(table, key, INDICATOR_KEYS, ("id", "title"))
        iid = self.slug(table, "id", key)
        for name in ("baseline", "target"):
            if name not in table:
                self.report(
                    (*key, name),
                    "indicator-incomplete",
                    _("indicator has no {name}: add {name} = {{ value = ..., {when} = ... }}").format(
                        name=name, when="on" if name == "baseline" else "by"
                    ),
                )
        measures = self.each(self.tables(table, "measure", key), self.measure)
        indicator = Indicator(
            id=iid or "?",
            title=self.text(table, "title", key),
            key=key,
            source=self.source,
            unit=self.text(table, "unit", key),
            project=self.slug(table, "project", key),
            baseline=self.level(table, "baseline", key, BASELINE_KEYS),
            target=self.level(table, "target", key, TARGET_KEYS),
            measures=tuple(sorted(measures, key=lambda m: m.on)),
            origin=self.origin,
        )
        return indicator if iid is not None else None

    def level(self, table: Table, name: str, key: Key, keys: tuple[str, str]) -> Level | None:
        """Return a baseline or target: an inline table of *keys*, a value and its period."""
        when = keys[1]
        value = self.typed(
            table, name, key, dict, _("an inline table {{ value = ..., {when} = ... }}").format(when=when)
        )
        if value is None:
            return None
        lkey = (*key, name)
        self.keys(value, lkey, keys, keys)
        number = self.number(value, "value", lkey)
        period = self.period(value, when, lkey)
        if number is None or period is None:
            return None
        return Level(number, period)

    def measure(self, key: Key, table: Table) -> Measure | None:
        self.keys(table, key, MEASURE_KEYS, ("on", "value"))
        on = self.day(table, "on", key)
        value = self.number(table, "value", key)
        if on is None or value is None:
            return None
        return Measure(on=on, value=value, key=key, note=self.text(table, "note", key))

    def contact(self, key: Key, table: Table) -> Contact | None:
        self.keys(table, key, CONTACT_KEYS, ("owner",))
        owner = self.typed(table, "owner", key, str, _("a string"))
        if owner is not None and not owner.strip():
            self.report((*key, "owner"), "bad-contact", _("'owner' must name an owner, or be \"*\" for every other"))
            owner = None
        kinds = (
            ("email", EMAIL_RE, _("an e-mail address such as cloud@dinsic.example")),
            ("matrix", MATRIX_RE, _("a Matrix room id (!abc:server) or alias (#room:server)")),
            ("webhook", None, _('"$NAME" (the URL is in the environment variable NAME) or an https:// URL')),
        )
        found: dict[str, tuple[str, ...]] = {}
        for name, pattern, what in kinds:
            values = self.texts(table, name, key) or ()
            good = []
            for i, value in enumerate(values):
                ok = (
                    WEBHOOK_ENV_RE.fullmatch(value) or WEBHOOK_URL_RE.fullmatch(value)
                    if pattern is None
                    else pattern.fullmatch(value)
                )
                if ok:
                    good.append(value)
                else:
                    self.report((*key, name, i), "bad-contact", _bad_destination(name, value, what))
            found[name] = tuple(good)
        language = self.language(table, key, "bad-contact")
        if owner is None:
            return None
        return Contact(owner, key, self.source, found["email"], found["matrix"], found["webhook"], language)


def _bad_destination(name: str, value: str, what: str) -> str:
    """Return what is wrong with a contact's *value* under *name*: not *what*, or an address not bare."""
    if name == "email":
        from email.utils import parseaddr

        try:  # read as lax mail software does; Python's own parser turned strict in its security releases
            read = parseaddr(value, strict=False)[1]  # type: ignore[call-arg,unused-ignore]
        except TypeError:  # a Python from before them: lax already
            read = parseaddr(value)[1]
        if read and read != value and EMAIL_RE.fullmatch(read):
            why = _("{value!r} in 'email' is not a bare address: mail software would send to {read!r}; "
                    "write the address alone, such as cloud@dinsic.example")  # fmt: skip
            return why.format(value=value, read=read)
    return _("{value!r} in {name!r} is not {what}").format(value=value, name=name, what=what)
