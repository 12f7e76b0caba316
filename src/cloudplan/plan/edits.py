"""What an edit changes, checked against the plan: refs, ids, periods, dependencies; pure.

Each function takes the portfolio as loaded and the command line's words, and returns
an Edit: the plan file to change and the changes (see toml.edit), or no change and why.
What the plan cannot take raises a CloudplanError with a message a person can act on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar

from cloudplan.base import human
from cloudplan.base.errors import BadRef, DuplicateId, InUse, UnknownRef, UsageError
from cloudplan.base.suggest import closest, closest_ref, did_you_mean
from cloudplan.base.translate import _, ngettext, speaking
from cloudplan.core import periods
from cloudplan.core.model import Indicator, Milestone, Plan, Portfolio, Project
from cloudplan.core.periods import Period, PeriodKind
from cloudplan.plan import decode
from cloudplan.plan.toml.splice import Append, Change, Drop, Remove, Set, Value


@dataclass(frozen=True, slots=True)
class Edit:
    """The changes to make in one plan file, and what they do, for people; no changes when there is nothing to do."""

    source: str
    changes: tuple[Change, ...]
    message: str


def _before(keys: tuple[str, ...], name: str) -> tuple[str, ...]:
    return keys[: keys.index(name)]


# -- finding things ------------------------------------------------------------------------


def close_match(word: str, choices: Iterable[str]) -> str:
    """Return 'did you mean ...?' with the choice closest to *word*, or an empty string."""
    return did_you_mean(closest(word, choices))


def split_ref(ref: str) -> tuple[str, str]:
    """Return (project, milestone) of a PROJECT/MILESTONE ref; raise BadRef when it is not one."""
    match = decode.REF_RE.fullmatch(ref)
    if match is None or match[1] is None:
        raise BadRef(
            _("{ref!r} is not a milestone ref").format(ref=ref),
            hint=_("write PROJECT/MILESTONE, e.g. cercle-2/ouverture (lower-case letters, digits and '-')"),
        )
    return match[1], match[2]


def find_project(portfolio: Portfolio, pid: str) -> Project:
    """Return the project *pid*; raise UnknownRef, with the closest id, when no plan holds it."""
    missing, where = _("no project {id!r} in the plan"), _("`cloudplan status` lists the projects")
    return _find(list(portfolio.projects), pid, missing, where)


def find_milestone(portfolio: Portfolio, ref: str) -> Milestone:
    """Return the milestone *ref* names; raise BadRef or UnknownRef, with the ref it most likely means."""
    try:
        pid, mid = split_ref(ref)
    except BadRef as e:
        near = closest_ref(ref, (m.ref for m in portfolio.milestones))
        if near is None:
            raise
        raise BadRef(e.message, hint=did_you_mean(near)) from None
    project = find_project(portfolio, pid)
    for milestone in project.milestones:
        if milestone.id == mid:
            return milestone
    raise UnknownRef(
        _("no milestone {ref!r} in the plan").format(ref=f"{pid}/{mid}"),
        hint=did_you_mean(closest_ref(ref, (m.ref for m in project.milestones)))
        or _("project {p!r} has: {ids}").format(p=pid, ids=", ".join(m.id for m in project.milestones) or "-"),
    )


def find_indicator(portfolio: Portfolio, iid: str) -> Indicator:
    """Return the indicator *iid*; raise UnknownRef, with the closest id, when no plan holds it."""
    missing, where = _("no indicator {id!r} in the plan"), _("`cloudplan indicators` lists them")
    return _find(list(portfolio.indicators), iid, missing, where)


_Item = TypeVar("_Item", Project, Indicator)


def _find(items: list[_Item], wanted: str, missing: str, where: str) -> _Item:
    """Return the item whose id is *wanted*; raise UnknownRef: *missing*, and the closest id or else *where*."""
    for item in items:
        if item.id == wanted:
            return item
    raise UnknownRef(missing.format(id=wanted), hint=close_match(wanted, (i.id for i in items)) or where)


def _slug(value: str, what: str) -> str:
    if not decode.SLUG_RE.fullmatch(value):
        raise BadRef(
            _("{what} id {id!r} is not valid").format(what=what, id=value),
            hint=_("use lower-case letters, digits and '-', starting with a letter or digit, e.g. cercle-2"),
        )
    return value


def _plan_for_new(portfolio: Portfolio, what: str, into: str | None) -> Plan:
    """The plan a new project or indicator goes in: the one named, else the only one."""
    if into is not None:
        return next(p for p in portfolio.plans if p.source == into)
    if len(portfolio.plans) == 1:
        return portfolio.plans[0]
    raise UsageError(
        _("{n} plan files are read together; which one gets the new {what}?").format(n=len(portfolio.plans), what=what),
        hint=_("name it with --plan FILE (one of: {files})").format(files=", ".join(p.source for p in portfolio.plans)),
    )


# -- spelling values -------------------------------------------------------------------------


def spell_period(period: Period) -> Value:
    """Return how cloudplan writes a period: a TOML date for a day, else its first spelling ("2021-Q1")."""
    return period.first if period.kind is PeriodKind.DAY else period.text


def number(text: str) -> int | float:
    """Return the number *text* spells (French "1 000,5" too); raise UsageError otherwise."""
    # French writes 1 000,5: spaces (plain, no-break, narrow no-break) group digits, a comma ends them.
    cleaned = re.sub(r"[ \xa0\u202f]", "", text.strip()).replace(",", ".")
    if re.fullmatch(r"[+-]?\d+", cleaned):
        return int(cleaned)
    try:
        value = float(cleaned)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise UsageError(_("{text!r} is not a number").format(text=text), hint=_("write e.g. 110 or 12.5"))
    return value


# -- milestones --------------------------------------------------------------------------------


def done(portfolio: Portfolio, ref: str, on: str | None, today: date) -> Edit:
    """Mark a milestone done on *on* (today by default)."""
    m = find_milestone(portfolio, ref)
    day = periods.parse_day(on, today) if on else today
    if m.cancelled is not None:
        raise UsageError(
            _("{ref} was cancelled on {day}").format(ref=m.ref, day=human.day(m.cancelled)),
            hint=_("reopen it first: cloudplan reopen {ref}").format(ref=m.ref),
        )
    if m.done == day:
        return Edit(
            m.source, (), _("{ref} is already done on {day}: nothing to change").format(ref=m.ref, day=human.day(day))
        )
    change = Set(m.key, "done", day, _before(decode.MILESTONE_KEYS, "done"))
    return Edit(m.source, (change,), _("{ref} done on {day}").format(ref=m.ref, day=human.day(day)))


def _plan_of(portfolio: Portfolio, source: str) -> Plan:
    return next(p for p in portfolio.plans if p.source == source)


def reopen(portfolio: Portfolio, ref: str) -> Edit:
    """Clear a milestone's done and cancelled dates."""
    m = find_milestone(portfolio, ref)
    changes = tuple(Drop(m.key, name) for name, value in (("done", m.done), ("cancelled", m.cancelled)) if value)
    if not changes:
        return Edit(m.source, (), _("{ref} is neither done nor cancelled: nothing to change").format(ref=m.ref))
    return Edit(m.source, changes, _("{ref} reopened").format(ref=m.ref))


def cancel(portfolio: Portfolio, ref: str, on: str | None, reason: str | None, today: date) -> Edit:
    """Cancel a milestone on *on* (today by default); the reason is added to its notes."""
    m = find_milestone(portfolio, ref)
    day = periods.parse_day(on, today) if on else today
    if m.done is not None:
        raise UsageError(
            _("{ref} was done on {day}").format(ref=m.ref, day=human.day(m.done)),
            hint=_("reopen it first: cloudplan reopen {ref}").format(ref=m.ref),
        )
    changes: list[Change] = []
    if m.cancelled != day:
        changes.append(Set(m.key, "cancelled", day, _before(decode.MILESTONE_KEYS, "cancelled")))
    if reason:
        # Written into the plan, for whoever reads it next: in the plan's language when it names one.
        with speaking(_plan_of(portfolio, m.source).language):
            line = _("Cancelled on {day}: {reason}").format(day=human.day(day), reason=reason.strip())
        notes = f"{m.notes}\n{line}" if m.notes else line
        changes.append(Set(m.key, "notes", notes, _before(decode.MILESTONE_KEYS, "notes")))
    if not changes:
        return Edit(
            m.source,
            (),
            _("{ref} is already cancelled on {day}: nothing to change").format(ref=m.ref, day=human.day(day)),
        )
    return Edit(m.source, tuple(changes), _("{ref} cancelled on {day}").format(ref=m.ref, day=human.day(day)))


def reschedule(portfolio: Portfolio, ref: str, to: str, reason: str, on: str | None, today: date) -> Edit:
    """Move a milestone's deadline to the period *to*, and record the move as a slip."""
    m = find_milestone(portfolio, ref)
    new = periods.parse(to, today)
    day = periods.parse_day(on, today) if on else today
    if not reason.strip():
        raise UsageError(_("a reschedule needs a reason"), hint=_("say why with --reason TEXT"))
    set_due = Set(m.key, "due", spell_period(new), _before(decode.MILESTONE_KEYS, "due"))
    if m.due is None:
        # Nothing to slip from: this schedules the milestone.
        message = _("{ref} is now due {due} (it had no deadline, so no slip is recorded)")
        return Edit(m.source, (set_due,), message.format(ref=m.ref, due=human.period(new)))
    if m.due.same_span(new):
        return Edit(
            m.source, (), _("{ref} is already due {due}: nothing to change").format(ref=m.ref, due=human.period(m.due))
        )
    slip = Append(
        m.key,
        "slip",
        (("from", spell_period(m.due)), ("to", spell_period(new)), ("on", day), ("reason", reason.strip())),
    )
    days = (new.last - m.due.last).days
    return Edit(
        m.source,
        (set_due, slip),
        _("{ref} moved from {old} to {new} ({days:+d} days)").format(
            ref=m.ref, old=human.period(m.due), new=human.period(new), days=days
        ),
    )


def reschedule_warnings(portfolio: Portfolio, ref: str, to: str, on: str | None, today: date) -> list[str]:
    """Return what a reschedule does that its author may not mean: a deadline already past, a milestone done."""
    m = find_milestone(portfolio, ref)
    new = periods.parse(to, today)
    found = []
    if on is None and new.last < today:
        found.append(
            _("warning: the new deadline {due} is already past, and the move is recorded as decided today ({today}); "
              "if it was decided earlier, say when with --on DATE").format(
                due=human.period(new), today=human.day(today))
        )  # fmt: skip
    if m.done is not None:
        found.append(
            _("warning: {ref} was already done on {day}; moving its deadline changes whether it was late").format(
                ref=m.ref, day=human.day(m.done)
            )
        )
    return found


def changed_milestone(
    portfolio: Portfolio,
    ref: str,
    today: date,
    *,
    due: str | None = None,
    cancelled: str | None = None,
    cancel: bool = False,
) -> Milestone:
    """Return milestone *ref* as a reschedule (*due*) or a cancel (*cancel*, on *cancelled*) leaves it."""
    m = find_milestone(portfolio, ref)
    if due is not None:
        m = m._replace(due=periods.parse(due, today))
    if cancel:
        m = m._replace(cancelled=periods.parse_day(cancelled, today) if cancelled else today)
    return m


def add_milestone(
    portfolio: Portfolio,
    ref: str,
    title: str,
    today: date,
    *,
    due: str | None = None,
    start: str | None = None,
    owners: Iterable[str] = (),
    depends_on: Iterable[str] = (),
    notes: str | None = None,
) -> Edit:
    """Add a milestone at the end of its project."""
    pid, mid = split_ref(ref)
    project = find_project(portfolio, pid)
    if any(m.id == mid for m in project.milestones):
        raise DuplicateId(
            _("project {p!r} already has a milestone {id!r}").format(p=pid, id=mid),
            hint=_("pick another id, or change that one with done, reschedule or cancel"),
        )
    values: list[tuple[str, Value]] = [("id", mid), ("title", _title(title))]
    if start:
        values.append(("start", spell_period(periods.parse(start, today))))
    if due:
        values.append(("due", spell_period(periods.parse(due, today))))
    owners = [o.strip() for o in owners if o.strip()]
    if owners:
        values.append(("owners", owners))
    deps = _dependencies(portfolio, pid, mid, (d.strip() for d in depends_on), "--depends-on")
    if deps:
        values.append(("depends_on", deps))
    if notes:
        values.append(("notes", notes))
    return Edit(
        project.source,
        (Append(project.key, "milestone", tuple(values)),),
        _("milestone {ref} added").format(ref=f"{pid}/{mid}"),
    )


def remove(portfolio: Portfolio, ref: str, yes: bool) -> Edit:
    """Remove a milestone (PROJECT/MILESTONE) or a project (PROJECT); refuse what something depends on."""
    if "/" not in ref:
        return _remove_project(portfolio, _slug(ref, _("project")), yes)
    m = find_milestone(portfolio, ref)
    users = [other.ref for other in portfolio.milestones if m.ref in other.depends_on]
    if users:
        raise InUse(
            ngettext(
                "{ref} cannot be removed: it is a dependency of {users}",
                "{ref} cannot be removed: it is a dependency of {users}",
                len(users),
            ).format(ref=m.ref, users=", ".join(users)),
            hint=_(
                "remove those dependencies first (cloudplan set {user} depends_on=...), or cancel it: "
                "cloudplan cancel {ref}"
            ).format(ref=m.ref, user=users[0]),
        )
    return Edit(m.source, (Remove(m.key),), _("milestone {ref} removed").format(ref=m.ref))


def _remove_project(portfolio: Portfolio, pid: str, yes: bool) -> Edit:
    project = find_project(portfolio, pid)
    own = {m.ref for m in project.milestones}
    users = [m.ref for m in portfolio.milestones if m.project != pid and own.intersection(m.depends_on)]
    if users:
        raise InUse(
            ngettext(
                "project {p} cannot be removed: its milestones are dependencies of {users}",
                "project {p} cannot be removed: its milestones are dependencies of {users}",
                len(users),
            ).format(p=pid, users=", ".join(users)),
            hint=_("remove those dependencies first (cloudplan set {user} depends_on=...)").format(user=users[0]),
        )
    indicators = [i.id for i in portfolio.indicators if i.project == pid]
    if indicators:
        raise InUse(
            ngettext(
                "project {p} cannot be removed: it is the project of the indicator {ids}",
                "project {p} cannot be removed: it is the project of the indicators {ids}",
                len(indicators),
            ).format(p=pid, ids=", ".join(indicators)),
            hint=ngettext("change its `project` key first", "change their `project` key first", len(indicators)),
        )
    if project.milestones and not yes:
        raise UsageError(
            ngettext(
                "project {p} has {n} milestone; removing it removes it too",
                "project {p} has {n} milestones; removing it removes them too",
                len(project.milestones),
            ).format(p=pid, n=len(project.milestones)),
            hint=_("run again with --yes to remove it"),
        )
    return Edit(project.source, (Remove(project.key),), _("project {p} removed").format(p=pid))


# -- projects and indicators ----------------------------------------------------------------------


def _title(title: str) -> str:
    if not title.strip():
        raise UsageError(_("the title is empty"), hint=_("give one with --title TEXT"))
    return title.strip()


def _unique(portfolio: Portfolio, kind: str, new_id: str, ids: Iterable[tuple[str, str]]) -> None:
    for existing, source in ids:
        if existing == new_id:
            raise DuplicateId(
                _("{kind} id {id!r} is already used in {where}").format(kind=kind, id=new_id, where=source),
                hint=_("ids are unique across the plan files read together; pick another"),
            )


def add_project(
    portfolio: Portfolio,
    pid: str,
    title: str,
    *,
    owners: Iterable[str] = (),
    tags: Iterable[str] = (),
    description: str | None = None,
    into: str | None = None,
) -> Edit:
    """Add a project after the last one, in the plan file *into* (needed when there are several)."""
    _slug(pid, _("project"))
    _unique(portfolio, _("project"), pid, ((p.id, p.source) for p in portfolio.projects))
    plan = _plan_for_new(portfolio, _("project"), into)
    values: list[tuple[str, Value]] = [("id", pid), ("title", _title(title))]
    if description:
        values.append(("description", description))
    owners = [o.strip() for o in owners if o.strip()]
    if owners:
        values.append(("owners", owners))
    tags = [t.strip() for t in tags if t.strip()]
    if tags:
        values.append(("tags", tags))
    # A first project goes before the indicators, as the plan file's order has it.
    change = Append((), "project", tuple(values), before=("indicator",))
    return Edit(plan.source, (change,), _("project {p} added").format(p=pid))


def add_indicator(
    portfolio: Portfolio,
    iid: str,
    title: str,
    today: date,
    *,
    unit: str | None = None,
    baseline: str | None = None,
    baseline_on: str | None = None,
    target: str | None = None,
    target_by: str | None = None,
    project: str | None = None,
    into: str | None = None,
) -> Edit:
    """Add an indicator after the last one; it needs a baseline and a target.

    It goes in the plan file *into*, else in its project's, else in the only one.
    """
    _slug(iid, _("indicator"))
    _unique(portfolio, _("indicator"), iid, ((i.id, i.source) for i in portfolio.indicators))
    if baseline is None or baseline_on is None or target is None or target_by is None:
        raise UsageError(
            _("an indicator needs a baseline and a target"),
            hint=_("pass --baseline VALUE --baseline-on PERIOD --target VALUE --target-by PERIOD"),
        )
    base = {"value": number(baseline), "on": spell_period(periods.parse(baseline_on, today))}
    goal = {"value": number(target), "by": spell_period(periods.parse(target_by, today))}
    values: list[tuple[str, Value]] = [("id", iid), ("title", _title(title))]
    if unit:
        values.append(("unit", unit))
    if project:
        values.append(("project", project))
    if into is not None or not project:
        plan_source = _plan_for_new(portfolio, _("indicator"), into).source
    else:
        plan_source = find_project(portfolio, project).source
    if project:
        find_project(portfolio, project)
    values += [("baseline", base), ("target", goal)]
    return Edit(plan_source, (Append((), "indicator", tuple(values)),), _("indicator {id} added").format(id=iid))


def measure(portfolio: Portfolio, iid: str, value: str, on: str | None, note: str | None, today: date) -> Edit:
    """Record a measure of an indicator; a second measure on the same day replaces the first."""
    indicator = find_indicator(portfolio, iid)
    amount = number(value)
    day = periods.parse_day(on, today) if on else today
    for old in indicator.measures:
        if old.on == day:
            changes: list[Change] = [Set(old.key, "value", amount, _before(decode.MEASURE_KEYS, "value"))]
            if note:
                changes.append(Set(old.key, "note", note, _before(decode.MEASURE_KEYS, "note")))
            return Edit(
                indicator.source,
                tuple(changes),
                _("{id}: the measure of {day} is now {value} (it was {old})").format(
                    id=iid, day=human.day(day), value=human.exact(amount), old=human.exact(old.value)),
            )  # fmt: skip
    values: list[tuple[str, Value]] = [("on", day), ("value", amount)]
    if note:
        values.append(("note", note))
    return Edit(
        indicator.source,
        (Append(indicator.key, "measure", tuple(values)),),
        _("{id}: {value} on {day} recorded").format(id=iid, value=human.exact(amount), day=human.day(day)),
    )


# -- set: the keys that done, cancel and reschedule do not change ---------------------------------------

SETTABLE = {
    "milestone": ("title", "start", "owners", "depends_on", "notes"),
    "project": ("title", "description", "owners", "tags"),
    "indicator": ("title", "unit", "project"),
}
_LISTS = frozenset({"owners", "depends_on", "tags"})


def set_keys(portfolio: Portfolio, target: str, pairs: Iterable[str], today: date, *, indicator: bool = False) -> Edit:
    """Set (KEY=VALUE) or remove (KEY=) keys of a milestone (PROJECT/MILESTONE), a project or an indicator.

    Lists are comma-separated; the title cannot be removed.
    """
    item: Milestone | Project | Indicator
    order: tuple[str, ...]
    if indicator:
        item, kind, order = find_indicator(portfolio, target), "indicator", decode.INDICATOR_KEYS
    elif "/" in target:
        item, kind, order = find_milestone(portfolio, target), "milestone", decode.MILESTONE_KEYS
    else:
        item, kind, order = find_project(portfolio, _slug(target, _("project"))), "project", decode.PROJECT_KEYS
    name = item.ref if isinstance(item, Milestone) else item.id
    allowed = SETTABLE[kind]
    what = {"milestone": _("milestone"), "project": _("project"), "indicator": _("indicator")}[kind]  # for people
    changes: list[Change] = []
    said: list[str] = []
    pairs = list(pairs)
    if not pairs:
        raise UsageError(
            _("say what to set, as KEY=VALUE"),
            hint=_("keys of a {kind}: {keys}").format(kind=what, keys=", ".join(allowed)),
        )
    seen: set[str] = set()
    for pair in pairs:
        key, eq, raw = pair.partition("=")
        key = key.strip()
        if not eq:
            raise UsageError(
                _("{pair!r} is not KEY=VALUE").format(pair=pair),
                hint=_('e.g. title="Ouverture de l\'offre"; KEY= removes a key'),
            )
        if key in seen:
            raise UsageError(
                _("{key!r} is given more than once").format(key=key),
                hint=_("give each key once: KEY=VALUE sets it, KEY= removes it"),
            )
        seen.add(key)
        if key not in allowed:
            raise UsageError(
                _("a {kind} has no key {key!r} that set can change").format(kind=what, key=key),
                hint=close_match(key, allowed)
                or _("keys of a {kind}: {keys}").format(kind=what, keys=", ".join(allowed)),
            )
        value = _set_value(portfolio, item, key, raw.strip(), today)
        if value is None:
            if key == "title":
                raise UsageError(_("the title cannot be removed"), hint=_("give a new one: title=TEXT"))
            changes.append(Drop(item.key, key))
            said.append(_("{key} removed").format(key=key))
        else:
            changes.append(Set(item.key, key, value, _before(order, key)))
            said.append(f"{key}={_shown(key, value)}")
    return Edit(item.source, tuple(changes), _("{name}: {what}").format(name=name, what=", ".join(said)))


def _shown(key: str, value: Value) -> str:
    """Return a value set, as people read it: a period in the run's language (1er trimestre 2027 in French)."""
    if key == "start":
        return human.period(periods.parse_file_value(value))
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)


def _set_value(
    portfolio: Portfolio, item: Milestone | Project | Indicator, key: str, raw: str, today: date
) -> Value | None:
    """Return the value to write for *key*, checked; None to remove the key."""
    if not raw:
        return None
    if key in _LISTS:
        words = [w.strip() for w in raw.split(",") if w.strip()]
        if not words:
            return None
        if key == "depends_on":
            assert isinstance(item, Milestone)
            return _dependencies(portfolio, item.project, item.id, words, "depends_on")
        return words
    if key == "start":
        return spell_period(periods.parse(raw, today))
    if key == "project":
        return find_project(portfolio, raw).id
    return raw


def _dependencies(portfolio: Portfolio, pid: str, mid: str, words: Iterable[str], given: str) -> list[str]:
    """Return the dependencies as written (bare ids within the project), each checked to exist.

    *given* names where the user gave them, for the messages: `--depends-on` or `depends_on`.
    """
    deps: list[str] = []
    refs = {m.ref for m in portfolio.milestones}
    for dep in words:
        full = decode.full_ref(dep, pid)
        if full is None:
            raise BadRef(
                _("{given} {ref!r} is not a ref").format(given=given, ref=dep),
                hint=_("write MILESTONE (in the same project) or PROJECT/MILESTONE"),
            )
        if full == f"{pid}/{mid}":
            raise UsageError(_("{ref} cannot depend on itself").format(ref=full))
        if full not in refs:
            raise UnknownRef(
                _("{given} {ref!r}: no such milestone in the plan").format(given=given, ref=dep),
                hint=close_match(full, refs) or _("`cloudplan status` lists the milestones"),
            )
        deps.append(full.removeprefix(f"{pid}/"))
    return deps


# -- new plans ------------------------------------------------------------------------------------------

SCHEMA_FILE = "cloudplan.schema.json"  # written beside a new plan, so that its first line resolves
SCHEMA_LINE = f"#:schema ./{SCHEMA_FILE}"


def with_schema_line(text: str) -> str:
    """Return *text* with its first line pointing at the schema beside it (the shipped roadmap's points up a folder)."""
    first, sep, rest = text.partition("\n")
    return f"{SCHEMA_LINE}{sep}{rest}" if first.startswith("#:schema ") else f"{SCHEMA_LINE}\n{text}"


def skeleton(title: str) -> str:
    """Return a new plan: valid as it is, with commented examples of what goes in it.

    In the language of the run, which the plan then names in `[plan] language`, so that a cron job
    with an empty environment speaks it too.
    """
    from cloudplan.base.translate import language
    from cloudplan.plan.toml.splice import spell

    lang = language()
    template = _SKELETON_FR if lang == "fr" else _SKELETON_EN
    text = _title(_("Roadmap") if title == "Roadmap" else title)
    return template.format(schema=SCHEMA_LINE, title=spell(text), lang=spell(lang))


_SKELETON_EN = """{schema}
# A roadmap kept with cloudplan: projects with their milestones, and indicators.
# The line above lets editors (Taplo, Even Better TOML) check this file against
# the schema beside it, which `cloudplan init` wrote (`cloudplan schema -o FILE` rewrites it).

version = 1

[plan]
title = {title}
language = {lang}                 # what cloudplan speaks for this plan: "en" or "fr"
# owner = "DINSIC"              # who runs the roadmap
# timezone = "Europe/Paris"     # 'today' is taken there
# warn_days = 30                # the due-soon window, in days

# Projects come next, each with its milestones. Add them from the command line:
#   cloudplan add project cercle-2 --title "Cloud dédié à l'État (cercle 2)" --owner DINSIC
#   cloudplan add milestone cercle-2/ouverture --title "Ouverture de l'offre" --due "T1 2021"
# or write them here by hand:
#
# [[project]]
# id = "cercle-2"                # lower-case letters, digits and '-'
# title = "Cloud dédié à l'État (cercle 2)"
# owners = ["Ministère des Armées", "DINSIC"]
#
#   [[project.milestone]]
#   id = "ouverture"
#   title = "Ouverture de l'offre"
#   due = "2021-Q1"              # 2020, 2019-H2, 2021-Q1, 2020-02, 2020-W53 or a day: 2021-03-15
#   depends_on = ["construction"]   # MILESTONE, or PROJECT/MILESTONE
#
# Indicators go after the projects:
#   cloudplan add indicator applications-cloud --title "Applications hébergées en mode cloud" \\
#     --baseline 60 --baseline-on 2018 --target 200 --target-by 2022
"""

_SKELETON_FR = """{schema}
# Feuille de route tenue avec cloudplan : des projets avec leurs jalons, et des indicateurs.
# La ligne ci-dessus permet aux éditeurs (Taplo, Even Better TOML) de vérifier ce fichier
# avec le schéma posé à côté par `cloudplan init` (`cloudplan schema -o FICHIER` le réécrit).

version = 1

[plan]
title = {title}
language = {lang}                 # langue de cloudplan pour ce plan : "fr" ou "en"
# owner = "DINSIC"              # qui pilote la feuille de route
# timezone = "Europe/Paris"     # fuseau horaire dans lequel s'entend « aujourd'hui »
# warn_days = 30                # délai d'alerte avant échéance, en jours

# Viennent ensuite les projets, chacun avec ses jalons. Les ajouter en ligne de commande :
#   cloudplan add project cercle-2 --title "Cloud dédié à l'État (cercle 2)" --owner DINSIC
#   cloudplan add milestone cercle-2/ouverture --title "Ouverture de l'offre" --due "T1 2021"
# ou les écrire ici à la main :
#
# [[project]]
# id = "cercle-2"                # minuscules, chiffres et '-'
# title = "Cloud dédié à l'État (cercle 2)"
# owners = ["Ministère des Armées", "DINSIC"]
#
#   [[project.milestone]]
#   id = "ouverture"
#   title = "Ouverture de l'offre"
#   due = "2021-Q1"              # 2020, 2019-H2, 2021-Q1, 2020-02, 2020-W53 ou un jour : 2021-03-15
#   depends_on = ["construction"]   # JALON, ou PROJET/JALON
#
# Les indicateurs suivent les projets :
#   cloudplan add indicator applications-cloud --title "Applications hébergées en mode cloud" \\
#     --baseline 60 --baseline-on 2018 --target 200 --target-by 2022
"""
