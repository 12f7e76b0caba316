"""Checks across a portfolio (ids, refs, cycles, dates); pure, never raises for a finding."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from cloudplan.findings import Finding, error, warning
from cloudplan.i18n import _
from cloudplan.model import Indicator, Milestone, Portfolio
from cloudplan.periods import Period

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
    return findings


def _duplicates(portfolio: Portfolio) -> Iterator[Finding]:
    for kind, items in (("project", portfolio.projects), ("indicator", portfolio.indicators)):
        first: dict[str, str] = {}
        for item in items:
            if item.id in first:
                yield error(
                    item.source, (*item.key, "id"), "duplicate-id",
                    _("{kind} id {id!r} is already used in {where}: ids are unique across the plan files read "
                      "together; rename one").format(kind=kind, id=item.id, where=first[item.id]),
                )  # fmt: skip
            else:
                first[item.id] = item.source


def _milestone(m: Milestone, milestones: dict[str, Milestone], today: date) -> Iterator[Finding]:
    here = m.source
    if m.done is not None and m.cancelled is not None:
        yield error(here, (*m.key, "cancelled"), "done-and-cancelled",
                    _("{ref} is both done and cancelled: keep one").format(ref=m.ref))  # fmt: skip
    if m.start is not None and m.due is not None and m.start.first > m.due.last:
        yield error(
            here, (*m.key, "start"), "start-after-due",
            _("{ref} starts ({start}) after its deadline ({due}): move one of them").format(
                ref=m.ref, start=m.start, due=m.due),
        )  # fmt: skip
    if m.done is not None and m.done > today:
        yield warning(
            here, (*m.key, "done"), "done-in-future",
            _("{ref} is marked done on {d}, which is after today ({t}): record the day it was done").format(
                ref=m.ref, d=m.done, t=today),
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
                    ref=m.ref, other=ref, day=other.cancelled),
            )  # fmt: skip
        elif other.due is not None and m.due is not None and m.due.last < other.due.last:
            yield warning(
                here, (*m.key, "due"), "due-before-dependency",
                _("{ref} is due {due}, before {other} that it depends on, due {odue}: "
                  "move one of the deadlines").format(
                    ref=m.ref, due=_deadline(m.due), other=ref, odue=_deadline(other.due)),
            )  # fmt: skip
    yield from _slip_chain(m)


def _deadline(period: Period) -> str:
    """Return e.g. '2021-Q1 (2021-03-31)', or '2021-03-31' for a day."""
    last = period.last.isoformat()
    return last if period.text == last else f"{period.text} ({last})"


def _unknown(ref: str, milestones: Iterable[str]) -> str:
    import difflib

    # Within the ref's own project, compare ids alone: the shared "project/" prefix would
    # make any two refs of a project look alike.
    project, _slash, mid = ref.partition("/")
    siblings = [r.partition("/")[2] for r in milestones if r.startswith(f"{project}/")]
    close = [f"{project}/{m}" for m in difflib.get_close_matches(mid, siblings, n=1, cutoff=0.6)]
    close = close or difflib.get_close_matches(ref, list(milestones), n=1, cutoff=0.8)
    hint = _("; did you mean {name!r}?").format(name=close[0]) if close else ""
    return _("depends on {ref!r}, which no plan holds{hint}").format(ref=ref, hint=hint)


def _slip_chain(m: Milestone) -> Iterator[Finding]:
    """Each slip must start where the one before it ended, and the last end at `due`."""
    if not m.slips:
        return
    spans = [(s.from_, s.to) for s in m.slips]
    for (_before, to), (from_, _after), slip in zip(spans, spans[1:], m.slips[1:], strict=False):
        if to is not None and from_ is not None and (to.first, to.last) != (from_.first, from_.last):
            yield error(
                m.source, (*slip.key, "from"), "slip-chain",
                _("this slip starts from {from_} but the one before it moved {ref} to {to}").format(
                    from_=from_, ref=m.ref, to=to),
            )  # fmt: skip
    last = m.slips[-1]
    if last.to is not None and (m.due is None or (m.due.first, m.due.last) != (last.to.first, last.to.last)):
        yield error(
            m.source, (*last.key, "to"), "slip-chain",
            _("the last slip moved {ref} to {to}, but its due is {due}: make them agree").format(
                ref=m.ref, to=last.to, due=m.due or _("unset")),
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
                        t=target.when, b=base.when))  # fmt: skip
    if indicator.measures:
        latest = indicator.measures[-1]
        if today - latest.on > STALE_AFTER and (target is None or target.when.last >= today):
            yield warning(here, (*latest.key, "on"), "stale-indicator",
                          _("the last measure of {i!r} dates from {d}, over a year ago: record a new one "
                            "with `cloudplan measure`").format(i=indicator.id, d=latest.on))  # fmt: skip
