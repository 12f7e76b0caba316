"""Checks across a portfolio (ids, refs, cycles, dates); pure, never raises for a finding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from cloudplan.base import human  # days and periods inside findings, in the language of the run
from cloudplan.base.findings import Finding, error, warning
from cloudplan.base.translate import _
from cloudplan.core.model import Contact, Indicator, Milestone, Portfolio

STALE_AFTER = timedelta(days=365)


def validate(portfolio: Portfolio, today: date) -> list[Finding]:
    """Return every finding that needs more than one key to see, in file order."""
    findings: list[Finding] = []
    findings += _duplicates(portfolio)
    milestones = {m.ref: m for m in portfolio.milestones}
    for m in portfolio.milestones:
        findings += _milestone(m, milestones, today)
    findings += _cycles(milestones)
    projects = {p.id for p in portfolio.projects}
    for indicator in portfolio.indicators:
        findings += _indicator(indicator, projects, today)
    findings += _contacts(portfolio)
    return findings


def _contacts(portfolio: Portfolio) -> Iterator[Finding]:
    """Contacts: one per owner across the files; with any, every owner reached and every contact used.

    An owner "appears" in a plan's `owner`, a project's or a milestone's `owners`; it needs
    a contact when it owns a milestone (its own owners, else its project's, else the plan's).
    """
    contacts = list(portfolio.contacts)
    if not contacts:
        return
    first: dict[str, Contact] = {}
    for c in contacts:
        if c.owner in first:
            yield error(
                c.source, (*c.key, "owner"), "duplicate-contact",
                _("owner {owner!r} already has a contact in {where}: give each owner one [[contact]], "
                  "with all its addresses, rooms and webhooks").format(owner=c.owner, where=first[c.owner].source),
            )  # fmt: skip
        else:
            first[c.owner] = c
    appears: set[str] = set()
    needing: dict[str, Milestone] = {}  # owner -> the first milestone it owns
    for plan in portfolio.plans:
        if plan.owner:
            appears.add(plan.owner)
        for project in plan.projects:
            appears.update(project.owners)
            for m in project.milestones:
                owners = m.owners or ((plan.owner,) if plan.owner else ())
                appears.update(owners)
                for owner in owners:
                    needing.setdefault(owner, m)
    if "*" not in first:
        for owner, m in needing.items():
            if owner not in first:
                yield warning(
                    m.source, (*m.key, "owners") if m.owners else m.key, "owner-without-contact",
                    _("{owner!r} owns {ref} but has no [[contact]], and there is no contact for \"*\": "
                      "its alerts would reach nobody").format(owner=owner, ref=m.ref),
                )  # fmt: skip
    for c in contacts:
        if c.owner != "*" and c.owner not in appears and first[c.owner] is c:
            from cloudplan.base.suggest import closest

            close = closest(c.owner, sorted(appears))
            hint = _("; did you mean {name!r}?").format(name=close) if close else ""
            yield warning(
                c.source, (*c.key, "owner"), "unused-contact",
                _("no plan names the owner {owner!r}: write it as in the owners lists{hint}").format(
                    owner=c.owner, hint=hint),
            )  # fmt: skip


def _duplicates(portfolio: Portfolio) -> Iterator[Finding]:
    for kind, items in (("project", portfolio.projects), ("indicator", portfolio.indicators)):
        first: dict[str, str] = {}
        origins: dict[str, str | None] = {}
        for item in items:
            if item.id in first and item.origin != origins[item.id]:
                # One of them at least is in a source's repository, which the office does not write.
                yield error(
                    item.source, (*item.key, "id"), "duplicate-id",
                    _("{kind} id {id!r} is used twice, by {one} and by {other}: refs must name one {kind}; "
                      "ask one of them to rename it").format(
                        kind=kind, id=item.id, one=_by(origins[item.id], first[item.id]),
                        other=_by(item.origin, item.source)),
                )  # fmt: skip
            elif item.id in first:
                yield error(
                    item.source, (*item.key, "id"), "duplicate-id",
                    _("{kind} id {id!r} is already used in {where}: ids are unique across the plan files read "
                      "together; rename one").format(kind=kind, id=item.id, where=first[item.id]),
                )  # fmt: skip
            else:
                first[item.id] = item.source
                origins[item.id] = item.origin


def _by(origin: str | None, source: str) -> str:
    """Return who holds an item: the source of a portfolio ('source armees (armees:plans/a.toml)'), or the file."""
    return _("source {name!r} ({file})").format(name=origin, file=source) if origin is not None else source


def _milestone(m: Milestone, milestones: dict[str, Milestone], today: date) -> Iterator[Finding]:
    here = m.source
    if m.done is not None and m.cancelled is not None:
        yield error(here, (*m.key, "cancelled"), "done-and-cancelled",
                    _("{ref} is both done and cancelled: keep one").format(ref=m.ref))  # fmt: skip
    if m.start is not None and m.due is not None and m.start.first > m.due.last:
        yield error(
            here, (*m.key, "start"), "start-after-due",
            _("{ref} starts ({start}) after its deadline ({due}): move one of them").format(
                ref=m.ref, start=human.period(m.start), due=human.period(m.due)),
        )  # fmt: skip
    if m.done is not None and m.done > today:
        yield warning(
            here, (*m.key, "done"), "done-in-future",
            _("{ref} is marked done on {d}, which is after today ({t}): record the day it was done").format(
                ref=m.ref, d=human.day(m.done), t=human.day(today)),
        )  # fmt: skip
    for ref in m.depends_on:
        other = milestones.get(ref)
        if other is None:
            yield error(here, (*m.key, "depends_on"), "unknown-ref", _unknown(ref, milestones))
        elif other.cancelled is not None and m.done is None and m.cancelled is None:
            yield warning(
                here, (*m.key, "depends_on"), "depends-on-cancelled",
                _("{ref} depends on {other}, which was cancelled on {day}: drop the dependency "
                  "(cloudplan set {ref} depends_on=...) or cancel {ref} too").format(
                    ref=m.ref, other=ref, day=human.day(other.cancelled)),
            )  # fmt: skip
        elif other.due is not None and m.due is not None and m.due.last < other.due.last:
            yield warning(
                here, (*m.key, "due"), "due-before-dependency",
                _("{ref} is due {due}, before {other} that it depends on, due {odue}: "
                  "move one of the deadlines").format(
                    ref=m.ref, due=human.due(m.due), other=ref, odue=human.due(other.due)),
            )  # fmt: skip
    yield from _slip_chain(m)


def _unknown(ref: str, milestones: Iterable[str]) -> str:
    from cloudplan.base.suggest import closest_ref

    close = closest_ref(ref, milestones)
    hint = _("; did you mean {name!r}?").format(name=close) if close else ""
    return _("depends on {ref!r}, which no plan holds{hint}").format(ref=ref, hint=hint)


def _slip_chain(m: Milestone) -> Iterator[Finding]:
    """Each slip must start where the one before it ended, and the last end at `due`."""
    if not m.slips:
        return
    spans = [(s.from_, s.to) for s in m.slips]
    for (_before, to), (from_, _after), slip in zip(spans, spans[1:], m.slips[1:], strict=False):
        if to is not None and from_ is not None and not to.same_span(from_):
            yield error(
                m.source, (*slip.key, "from"), "slip-chain",
                _("this slip starts from {from_} but the one before it moved {ref} to {to}").format(
                    from_=human.period(from_), ref=m.ref, to=human.period(to)),
            )  # fmt: skip
    last = m.slips[-1]
    if last.to is not None and not last.to.same_span(m.due):
        yield error(
            m.source, (*last.key, "to"), "slip-chain",
            _("the last slip moved {ref} to {to}, but its due is {due}: make them agree").format(
                ref=m.ref, to=human.period(last.to), due=human.period(m.due) if m.due else _("unset")),
        )  # fmt: skip


def _cycles(milestones: dict[str, Milestone]) -> Iterator[Finding]:
    """Report each dependency cycle once, at the milestone of the cycle that comes first."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for root in milestones:
        if root in state:
            continue
        path: list[str] = []
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(milestones[root].depends_on))]
        state[root] = 1
        path.append(root)
        while stack:
            ref, deps = stack[-1]
            for dep in deps:
                if dep not in milestones:
                    continue
                if state.get(dep) == 1:
                    cycle = [*path[path.index(dep) :], dep]
                    m = milestones[cycle[0]]
                    yield error(
                        m.source, (*m.key, "depends_on"), "dependency-cycle",
                        _("dependency cycle: {cycle}; remove one of these dependencies").format(
                            cycle=" -> ".join(cycle)),
                    )  # fmt: skip
                elif dep not in state:
                    state[dep] = 1
                    path.append(dep)
                    stack.append((dep, iter(milestones[dep].depends_on)))
                    break
            else:
                state[ref] = 2
                path.pop()
                stack.pop()


def _indicator(indicator: Indicator, projects: set[str], today: date) -> Iterator[Finding]:
    here = indicator.source
    if indicator.project is not None and indicator.project not in projects:
        yield error(here, (*indicator.key, "project"), "unknown-ref",
                    _("indicator {i!r} names project {p!r}, which no plan holds").format(
                        i=indicator.id, p=indicator.project))  # fmt: skip
    base, target = indicator.baseline, indicator.target
    if base is not None and target is not None and base.when.last >= target.when.last:
        yield error(here, (*indicator.key, "target"), "target-before-baseline",
                    _("the target date ({t}) must come after the baseline's ({b})").format(
                        t=human.period(target.when), b=human.period(base.when)))  # fmt: skip
    if indicator.measures:
        latest = indicator.measures[-1]
        if today - latest.on > STALE_AFTER and (target is None or target.when.last >= today):
            yield warning(here, (*latest.key, "on"), "stale-indicator",
                          _("the last measure of {i!r} dates from {d}, over a year ago: record a new one "
                            "with `cloudplan measure`").format(i=indicator.id, d=human.day(latest.on)))  # fmt: skip
