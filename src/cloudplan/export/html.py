"""The HTML report: one self-contained page (inline style and SVG, nothing fetched, no script); pure."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from cloudplan import __version__
from cloudplan.export import svg
from cloudplan.export.formats import Snapshot
from cloudplan.export.svg import esc
from cloudplan.i18n import _, ngettext
from cloudplan.render.indicators import number
from cloudplan.render.lines import when
from cloudplan.render.theme import STATUS_COLOURS
from cloudplan.status import IndicatorState, MilestoneState, ProjectState, Status

if TYPE_CHECKING:
    from cloudplan.changes import Change
    from cloudplan.store.git import Revision

# The page may load nothing and run nothing: a hostile plan that slipped markup past the
# escaping would still find no script run and no request made.
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: #212121; background: #fff; margin: 2rem auto; max-width: 1040px; padding: 0 1rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 2px solid #eee; padding-bottom: .2rem; }
.meta, .none, .small { color: #616161; }
.small { font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #fafafa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: .88rem; }
.status { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; font-size: .82rem;
          white-space: nowrap; }
.bar { display: inline-block; width: 90px; height: .6rem; background: #eee; border-radius: .3rem;
       vertical-align: middle; margin-right: .4rem; overflow: hidden; }
.bar > span { display: block; height: 100%; background: #2e7d32; }
.chart { overflow-x: auto; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 1rem; }
.card { border: 1px solid #e0e0e0; border-radius: .4rem; padding: .6rem .8rem; }
.card h3 { font-size: 1rem; margin: 0 0 .3rem; }
.card dl { display: grid; grid-template-columns: auto 1fr; gap: 0 .8rem; margin: .3rem 0; font-size: .88rem; }
.card dt { color: #616161; }
.card dd { margin: 0; }
footer { margin-top: 2.5rem; color: #757575; font-size: .8rem; }
@media print { body { margin: 0; max-width: none; } .chart { overflow: visible; } }
"""


def _badge(status: str) -> str:
    return f'<span class="status s-{status}">{status}</span>'


def _status_css() -> str:
    return "".join(f".s-{name} {{ background: {colour}; }}\n" for name, colour in STATUS_COLOURS.items())


def report(snapshot: Snapshot, changes: tuple[Revision, list[Change]] | None = None) -> str:
    """Return the report page: summary, (what changed since a revision,) timeline, overdue and due soon, slips,
    indicators."""
    day = snapshot.as_of.isoformat()
    title = esc(snapshot.title)
    projects = list(snapshot.projects)
    states = [s for p in projects for s in p.milestones]
    plans = ", ".join(snapshot.sources) or "-"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="fr">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="cloudplan">',
        '<link rel="icon" href="data:,">',
        f"<title>{title} · {esc(_('as of {day}').format(day=day))}</title>",
        f"<style>{STYLE}{_status_css()}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{title}</h1>",
        f'<p class="meta">{esc(_("As of {day}").format(day=day))} · {esc(_counts(projects))}</p>',
        "</header>",
        _summary(projects),
        changes_section(*changes) if changes is not None else "",
        f"<h2>{esc(_('Timeline'))}</h2>",
        f'<div class="chart">{svg.timeline(projects, snapshot.as_of)}</div>',
        _attention(states),
        _slips(states),
        _indicators(list(snapshot.indicators), snapshot.as_of),
        "<footer>",
        esc(
            _("Made by cloudplan {version} from {plans}, as of {day}.").format(
                version=__version__, plans=plans, day=day
            )
        ),
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _counts(projects: list[ProjectState]) -> str:
    n_projects = ngettext("{n} project", "{n} projects", len(projects)).format(n=len(projects))
    total = sum(len(p.milestones) for p in projects)
    late = sum(1 for p in projects for s in p.milestones if s.status is Status.OVERDUE)
    milestones = ngettext("{n} milestone", "{n} milestones", total).format(n=total)
    return f"{n_projects}, {milestones}, " + _("{n} overdue").format(n=late)


def _summary(projects: list[ProjectState]) -> str:
    rows = []
    for p in projects:
        late = sum(1 for s in p.milestones if s.status is Status.OVERDUE)
        soon = sum(1 for s in p.milestones if s.status is Status.DUE_SOON)
        ahead = [s.milestone for s in p.milestones if s.status.is_open and s.milestone.due is not None]
        nxt = min(ahead, key=lambda m: m.due.last if m.due else date.max, default=None)
        share = p.done / p.total if p.total else 0.0
        progress = (
            f'<span class="bar"><span style="width:{share * 100:.0f}%"></span></span>{p.done}/{p.total}'
            if p.total
            else esc(_("nothing to do"))
        )
        owners = f'<span class="small"> · {esc(", ".join(p.project.owners))}</span>' if p.project.owners else ""
        following = "-"
        if nxt is not None and nxt.due is not None:
            following = f"{nxt.due.last.isoformat()} <code>{esc(nxt.id)}</code>"
        rows.append(
            f"<tr><td><strong>{esc(p.project.title)}</strong><br><code>{esc(p.project.id)}</code>"
            f"{owners}</td>"
            f"<td>{_badge(p.status.value)}</td><td>{progress}</td>"
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


def _attention(states: list[MilestoneState]) -> str:
    items = sorted(
        (s for s in states if s.status in (Status.OVERDUE, Status.DUE_SOON)),
        key=lambda s: (s.status.urgency, s.milestone.due.last if s.milestone.due else date.max, s.milestone.ref),
    )
    rows = []
    for s in items:
        m = s.milestone
        due = f"{esc(m.due.text)} ({m.due.last.isoformat()})" if m.due else "-"
        rows.append(
            f"<tr><td><code>{esc(m.ref)}</code></td><td>{esc(m.title)}</td>"
            f'<td class="small">{esc(", ".join(m.owners))}</td><td>{due}</td>'
            f"<td>{_badge(s.status.value)}</td><td>{esc(when(s))}</td></tr>"
        )
    head = [_("Milestone"), _("Title"), _("Owners"), _("Due"), _("Status"), _("When")]
    return _table(_("Overdue and due soon"), head, rows, _("Nothing is overdue or due soon."))


def _slips(states: list[MilestoneState]) -> str:
    rows = []
    for s in states:
        m = s.milestone
        for slip in m.slips:
            rows.append(
                f"<tr><td><code>{esc(m.ref)}</code></td>"
                f"<td>{esc(slip.from_.text) if slip.from_ else '-'}</td>"
                f"<td>{esc(slip.to.text) if slip.to else '-'}</td>"
                f"<td>{slip.on.isoformat() if slip.on else '-'}</td><td>{esc(slip.reason)}</td>"
                f'<td class="num">{s.slipped_days:+d}</td></tr>'
            )
    head = [_("Milestone"), _("From"), _("To"), _("On"), _("Reason"), _("Days slipped in all")]
    return _table(_("Slips"), head, rows, _("No deadline has slipped."))


def _indicators(states: list[IndicatorState], as_of: date) -> str:
    title = f"<h2>{esc(_('Indicators'))}</h2>"
    if not states:
        return f'{title}\n<p class="none">{esc(_("No indicator."))}</p>'
    cards = []
    for s in states:
        i = s.indicator
        unit = f" {esc(i.unit)}" if i.unit else ""
        facts = [
            (_("Baseline"), f"{number(i.baseline.value)}{unit} ({i.baseline.when})" if i.baseline else "-"),
            (_("Target"), f"{number(i.target.value)}{unit} ({i.target.when})" if i.target else "-"),
            (_("Latest"), f"{number(s.latest)}{unit} ({s.latest_on})" if s.latest_on else "-"),
            (_("Expected as of {day}").format(day=as_of.isoformat()), f"{number(s.expected)}{unit}"),
        ]
        if s.progress is not None:
            facts.append((_("Progress"), f"{s.progress * 100:.0f} %"))
        dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts)
        cards.append(
            f'<div class="card"><h3>{esc(i.title)} {_badge(s.status.value)}</h3>'
            f'<div class="small"><code>{esc(i.id)}</code></div><dl>{dl}</dl>'
            f"{svg.indicator(s, as_of)}</div>"
        )
    return f'{title}\n<div class="cards">\n' + "\n".join(cards) + "\n</div>"


def changes_section(revision: Revision, changes: list[Change]) -> str:
    """Return the section "Changes since REV": a row per change, or a line saying there was none."""
    from cloudplan.export.changes import describe, heading

    rows = [
        f"<tr><td><code>{esc(c.ref)}</code></td><td>{esc(c.title)}</td><td>{esc(describe(c))}</td></tr>"
        for c in changes
    ]
    table = _table(heading(revision), [_("Ref"), _("Title"), _("Change")], rows, _("Nothing changed."))
    return f'<section id="changes">\n{table}\n</section>'
