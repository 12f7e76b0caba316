"""The HTML report: one self-contained page (inline style and SVG, nothing fetched, no script); pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from cloudplan import __version__
from cloudplan.base import human
from cloudplan.base.errors import UsageError
from cloudplan.base.translate import _, language, ngettext, npgettext
from cloudplan.core.status import MilestoneState, ProjectState, Status, expected_value, next_deadline
from cloudplan.export import svg
from cloudplan.export.formats import PortfolioView
from cloudplan.export.svg import esc
from cloudplan.words import statuses
from cloudplan.words.theme import AT_RISK_COLOUR, STATUS_COLOURS

if TYPE_CHECKING:
    from cloudplan.core.changes import Change, Revision, SourceRevision
    from cloudplan.core.periods import Period

# The page may load nothing and run nothing: a hostile plan that slipped markup past the
# escaping would still find no script run and no request made.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #212121; background: #fff; margin: 2rem auto; max-width: 1040px; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #eee; padding-bottom: .2rem; }
.meta, .none, .small { color: #616161; }
.small { font-size: .9em; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.date { white-space: nowrap; }  /* dates, and what must stay on one line */
code { font-size: .92em; white-space: nowrap; }
.status { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; font-size: .82rem;
          white-space: nowrap; }
.bar { display: inline-block; width: 90px; height: .6rem; background: #eee; border-radius: .3rem;
       vertical-align: middle; margin-right: .4rem; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #2e7d32; }
/* Charts shrink to their column rather than scroll: the as-of line stays in view on a narrow screen. */
.chart svg, .card svg { display: block; width: 100%; height: auto; }
.chart svg { max-width: 1040px; }
.card svg { max-width: 560px; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 1rem; }
.card { border: 1px solid #e0e0e0; border-radius: .4rem; padding: .6rem .8rem; }
.card h3 { font-size: 1rem; margin: 0 0 .3rem; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .8rem; margin: .3rem 0; font-size: .88rem; }
.card dt { color: #616161; }
.card dd { margin: 0; }
footer { margin-top: 2.5rem; color: #757575; font-size: .8rem; }
/* Printing (or "Save as PDF") gives an A4 landscape document: the timeline keeps its width,
   sections do not start at the foot of a page, rows, cards and charts are not cut in two,
   and the status colours print. */
@page { size: A4 landscape; margin: 12mm 12mm 14mm; }
@media print {
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { margin: 0; max-width: none; padding: 0; font-size: 10pt; }
  h1 { font-size: 16pt; margin-top: 0; }
  h2 { font-size: 13pt; margin-top: 14pt; break-after: avoid; page-break-after: avoid; }
  table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, .card, .chart, .whole, h2 + p { break-inside: avoid; page-break-inside: avoid; }
  /* A chart taller than the page shrinks to it, keeping its proportions, rather than break. */
  .chart svg { width: auto; max-width: 100%; max-height: 170mm; margin: 0 auto; }
  .cards { grid-template-columns: repeat(2, 1fr); gap: 8pt; }
  .card { border-color: #bdbdbd; }
  footer { margin-top: 12pt; }
}
"""

# A section of the report: a pure function of what it shows, returning its HTML (a heading
# and what comes under it). The report is the list of them, in order; other parts add theirs.
Section = Callable[[PortfolioView], str]


def _badge(status: str) -> str:
    # The class keeps the keyword (the stylesheet's); the words follow the language.
    return f'<span class="status s-{status}">{esc(statuses.label(status))}</span>'


def _status_css() -> str:
    return "".join(f".s-{name} {{ background: {colour}; }}\n" for name, colour in STATUS_COLOURS.items())


def _page(title: str, body: list[str]) -> str:
    """Return a whole page: the head every page shares (the CSP, the style), then *body*."""
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{language()}">',  # the language the page is written in
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="cloudplan">',
        '<link rel="icon" href="data:,">',
        f"<title>{title}</title>",
        f"<style>{STYLE}{_status_css()}{RISK_STYLE}</style>",
        "</head>",
        "<body>",
        *body,
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def report(
    snapshot: PortfolioView,
    sections: Sequence[Section] | None = None,
    changed: tuple[Revision, list[Change]] | tuple[Revision, list[Change], Sequence[SourceRevision]] | None = None,
) -> str:
    """Return the report page: a header, then each of *sections* (default: SECTIONS), then a footer.

    With *changed* (a revision and what changed since it), a section listing the changes follows the summary.
    """
    sections = list(SECTIONS if sections is None else sections)
    if snapshot.snapshots:  # read through a portfolio file: which sources, and how old their data is
        sections.insert(0, sources_section)
    if changed is not None:
        since = changed
        sections.insert(sections.index(summary) + 1 if summary in sections else 0, lambda _v: changes_section(*since))
    day = human.day(snapshot.as_of)
    title = esc(snapshot.title)
    projects = list(snapshot.projects)
    plans = ", ".join(snapshot.sources) or "-"
    as_of = _("As of {day}").format(day=day)
    body = [
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="meta">{esc(as_of)} · {esc(_counts(projects))}</p>',
        "</header>",
        *(section(snapshot) for section in sections),
        "<footer>",
        esc(
            _("Made by cloudplan {version} from {plans}, as of {day}.").format(
                version=__version__, plans=plans, day=day
            )
        ),
        "</footer>",
    ]
    on_day = _("as of {day}").format(day=day)
    return _page(f"{title} · {esc(on_day)}", body)


def timeline_page(snapshot: PortfolioView, chart: str) -> str:
    """Return a page that holds the timeline *chart* (an SVG) alone, on white, to show or paste in a slide."""
    day = human.day(snapshot.as_of)
    head = esc(_("Timeline as of {day}").format(day=day))
    return _page(f"{esc(snapshot.title)} · {head}", [f'<div class="chart">{chart}</div>'])


def _counts(projects: list[ProjectState]) -> str:
    n_projects = ngettext("{n} project", "{n} projects", len(projects)).format(n=len(projects))
    total = sum(len(p.milestones) for p in projects)
    late = sum(1 for p in projects for s in p.milestones if s.status is Status.OVERDUE)
    milestones = ngettext("{n} milestone", "{n} milestones", total).format(n=total)
    overdue = npgettext("milestones", "{n} overdue", "{n} overdue", late).format(n=late)
    return f"{n_projects}, {milestones}, {overdue}"


def summary(snapshot: PortfolioView) -> str:
    """The summary by project: status, progress, overdue and due-soon counts, next deadline."""
    rows = []
    for p in snapshot.projects:
        late = sum(1 for s in p.milestones if s.status is Status.OVERDUE)
        soon = sum(1 for s in p.milestones if s.status is Status.DUE_SOON)
        nxt = next_deadline(p)
        share = p.done / p.total if p.total else 0.0
        progress = (
            f'<span class="bar"><span style="width:{share * 100:.0f}%"></span></span>{p.done}/{p.total}'
            if p.total
            else esc(_("nothing to do"))
        )
        owners = f'<span class="small"> · {esc(", ".join(p.project.owners))}</span>' if p.project.owners else ""
        if p.project.origin is not None:
            source = _("source {name}").format(name=p.project.origin)
            owners += f'<span class="small"> · {esc(source)}</span>'
        following = "-"
        if nxt is not None and nxt.milestone.due is not None:
            m, due = nxt.milestone, nxt.milestone.due
            late_mark = f" {_badge(nxt.status.value)}" if nxt.status is Status.OVERDUE else ""
            following = (
                f'<span class="date">{human.day(due.last)}</span>{late_mark}<br>'
                f'<span class="small" title="{esc(m.ref)}">{esc(m.title)}</span>'
            )
        rows.append(
            f"<tr><td><strong>{esc(p.project.title)}</strong><br><code>{esc(p.project.id)}</code>"
            f"{owners}</td>"
            f'<td>{_badge(p.status.value)}</td><td class="date">{progress}</td>'
            f'<td class="num">{late}</td><td class="num">{soon}</td><td>{following}</td></tr>'
        )
    head = [_("Project"), _("Status"), _("Progress"), _("Overdue"), _("Due soon"), _("Next deadline")]
    return _table(_("Summary by project"), head, rows, _("No project."))


def _table(title: str, head: list[str], rows: list[str], empty: str) -> str:
    if not rows:
        return f'<h2>{esc(title)}</h2>\n<p class="none">{esc(empty)}</p>'
    cells = "".join(f"<th>{esc(h)}</th>" for h in head)
    return (
        f"<h2>{esc(title)}</h2>\n<table>\n<thead><tr>{cells}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>"
    )


def timeline(snapshot: PortfolioView) -> str:
    """The timeline: the Gantt chart of every milestone shown, labelled with titles."""
    heading = _("Timeline")
    try:
        chart = f'<div class="chart">{svg.timeline(list(snapshot.projects), snapshot.as_of)}</div>'
    except UsageError as e:  # centuries of milestones (a day such as 9999-12-31): the rest of the report stands
        why = _("The milestones span too many years to draw ({why}): draw a part with "
                "cloudplan timeline --from and --to.").format(why=e.message)  # fmt: skip
        chart = f"<p>{esc(why)}</p>"
    return f'<section class="whole">\n<h2>{esc(heading)}</h2>\n{chart}\n</section>'


def attention(snapshot: PortfolioView) -> str:
    """The milestones overdue and due soon, the most urgent first."""
    states = [s for p in snapshot.projects for s in p.milestones]
    items = sorted(
        (s for s in states if s.status in (Status.OVERDUE, Status.DUE_SOON)),
        key=lambda s: (s.status.urgency, s.milestone.due.last if s.milestone.due else date.max, s.milestone.ref),
    )
    rows = []
    for s in items:
        m = s.milestone
        due = _due(m.due) if m.due else "-"
        later = esc(human.days_left(s.days_left))
        rows.append(
            f"<tr><td><code>{esc(m.ref)}</code></td><td>{esc(m.title)}</td>"
            f'<td class="small">{esc(", ".join(m.owners))}</td><td>{due}</td>'
            f'<td>{_badge(s.status.value)}{_risk_mark(s)}</td><td class="date">{later}</td></tr>'
        )
    head = [_("Milestone"), _("Title"), _("Owners"), _("Due"), _("Status"), _("When")]
    return _table(_("Overdue and due soon"), head, rows, _("Nothing is overdue or due soon."))


# -- at risk, and the trend of slips (views13) ---------------------------------------------------------------

RISK_STYLE = f".at-risk {{ color: {AT_RISK_COLOUR}; font-weight: 600; white-space: nowrap; }}\n"


def _risk_mark(state: MilestoneState) -> str:
    if not state.at_risk:
        return ""
    why = _("at risk: {refs}").format(refs=", ".join(state.blocked_by))
    label = _("at risk")
    return f' <span class="at-risk" title="{esc(why)}">⚠ {esc(label)}</span>'


def at_risk(snapshot: PortfolioView) -> str:
    """Milestones at risk, each with the chains of dependencies that put it at risk."""
    from cloudplan.core.risk import risk_chain
    from cloudplan.words.risk import chain_text, reason

    states = [s for p in snapshot.projects for s in p.milestones]
    by_ref = {s.milestone.ref: s for s in states}
    rows = []
    for s in states:
        if not s.at_risk:
            continue
        m = s.milestone
        why = "<br>".join(
            f"{esc(chain_text(risk_chain(states, m.ref, b)) or b)}{human.colon()}{esc(reason(by_ref[b], s))}"
            if b in by_ref else esc(b)
            for b in s.blocked_by
        )  # fmt: skip
        due = _due(m.due) if m.due else "-"
        rows.append(
            # Every row is at risk: the mark goes in the status cell, its reasons in the last one.
            f'<tr class="at-risk-row"><td><code>{esc(m.ref)}</code><br>{esc(m.title)}</td><td>{due}</td>'
            f'<td>{_badge(s.status.value)}{_risk_mark(s)}</td><td class="small">{why}</td></tr>'
        )
    head = [_("Milestone"), _("Due"), _("Status"), _("Why (its chain of dependencies)")]
    return _table(_("At risk through dependencies"), head, rows, _("No milestone is at risk."))


def trend(snapshot: PortfolioView) -> str:
    """The milestone trend analysis chart of the milestones that slipped."""
    from cloudplan.core.trend import trends
    from cloudplan.export.trendsvg import chart

    as_of = snapshot.as_of
    found = trends(s for p in snapshot.projects for s in p.milestones if s.milestone.slips)
    title = "<h2>" + esc(_("Milestone trend analysis")) + "</h2>"
    if not found:
        return title + '\n<p class="none">' + esc(_("No deadline has slipped.")) + "</p>"
    return f'{title}\n<div class="chart">{chart(found, as_of)}</div>'


def _due(due: Period) -> str:
    """Return a due period and its deadline, e.g. '2019-H2 (2019-12-31)', each kept on one line."""
    text, last = human.period(due), human.day(due.last)
    if text == last:
        return f'<span class="date">{esc(text)}</span>'
    return f'<span class="date">{esc(text)}</span> <span class="date">({last})</span>'


def _when(text: str) -> str:
    return f'<span class="date">({esc(text)})</span>'


def slips(snapshot: PortfolioView) -> str:
    """Every recorded slip: from, to, when, why, and how far the milestone slipped in all."""
    rows = []
    for s in (s for p in snapshot.projects for s in p.milestones):
        m = s.milestone
        for slip in m.slips:
            rows.append(
                f"<tr><td><code>{esc(m.ref)}</code></td>"
                f'<td class="date">{esc(human.period(slip.from_)) if slip.from_ else "-"}</td>'
                f'<td class="date">{esc(human.period(slip.to)) if slip.to else "-"}</td>'
                f'<td class="date">{human.day(slip.on) if slip.on else "-"}</td><td>{esc(slip.reason)}</td>'
                f'<td class="num">{s.slipped_days:+d}</td></tr>'
            )
    head = [_("Milestone"), _("From"), _("To"), _("On"), _("Reason"), _("Days slipped in all")]
    return _table(_("Slips"), head, rows, _("No deadline has slipped."))


def indicators(snapshot: PortfolioView) -> str:
    """A card per indicator: its levels, its latest measure, the expected values, and its chart."""
    states, as_of = list(snapshot.indicators), snapshot.as_of
    title = "<h2>" + esc(_("Indicators")) + "</h2>"
    if not states:
        return title + '\n<p class="none">' + esc(_("No indicator.")) + "</p>"
    cards = []
    for s in states:
        i = s.indicator
        unit = esc(human.unit(i.unit))
        facts = [
            (
                _("Baseline"),
                f"{human.number(i.baseline.value)}{unit} {_when(human.period(i.baseline.when))}" if i.baseline else "-",
            ),
            (
                _("Target"),
                f"{human.number(i.target.value)}{unit} {_when(human.period(i.target.when))}" if i.target else "-",
            ),
            (_("Latest"), f"{human.number(s.latest)}{unit} {_when(human.day(s.latest_on))}" if s.latest_on else "-"),
        ]
        if s.latest_on is not None and s.latest_on != as_of:
            # What the status compares the latest measure with: the line on that measure's day.
            then = expected_value(i, s.latest_on)
            facts.append((_("Expected on {day}").format(day=human.day(s.latest_on)), f"{human.number(then)}{unit}"))
        facts.append((_("Expected as of {day}").format(day=human.day(as_of)), f"{human.number(s.expected)}{unit}"))
        if s.progress is not None:
            facts.append((_("Progress"), human.percent(s.progress * 100)))
        dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts)
        cards.append(
            f'<div class="card"><h3>{esc(i.title)} {_badge(s.status.value)}</h3>'
            f'<div class="small"><code>{esc(i.id)}</code></div><dl>{dl}</dl>'
            f"{svg.indicator(s, as_of)}</div>"
        )
    return f'{title}\n<div class="cards">\n' + "\n".join(cards) + "\n</div>"


def changes_section(revision: Revision, changes: list[Change], sources: Sequence[SourceRevision] = ()) -> str:
    """Return the section "Changes since REV": a row per change, or a line saying there was none.

    Through portfolio files, a line per source says which commit of its own history it is compared with.
    """
    from cloudplan.words.changes import describe, heading, source_lines

    rows = [
        f"<tr><td><code>{esc(c.ref)}</code></td><td>{esc(c.title)}</td><td>{esc(describe(c))}</td></tr>"
        for c in changes
    ]
    table = _table(heading(revision), [_("Ref"), _("Title"), _("Change")], rows, _("Nothing changed."))
    lines = "".join(f'<p class="small">{esc(line)}</p>\n' for line in source_lines(sources))
    if lines:
        title, _sep, rest = table.partition("\n")
        table = f"{title}\n{lines}{rest}"
    return f'<section id="changes">\n{table}\n</section>'


def sources_section(snapshot: PortfolioView) -> str:
    """Return the section "Sources": each source of the portfolio read, its repository, commit, and when fetched."""
    from cloudplan.words.sources import SHORT, age, instant

    rows = []
    for s in snapshot.snapshots:
        when = esc(instant(s.fetched))
        if snapshot.now is not None:
            when += f' <span class="small">({esc(age(s.fetched, snapshot.now))})</span>'
        rows.append(
            f"<tr><td><strong>{esc(s.name)}</strong></td><td><code>{esc(s.git)}</code></td>"
            f'<td><code title="{esc(s.commit)}">{esc(s.commit[:SHORT])}</code></td><td class="date">{when}</td></tr>'
        )
    table = _table(_("Sources"), [_("Source"), _("Repository"), _("Commit"), _("Fetched")], rows, "")
    return f'<section id="sources">\n{table}\n</section>'


# The report's sections, in order.
SECTIONS: tuple[Section, ...] = (summary, timeline, attention, at_risk, slips, trend, indicators)
