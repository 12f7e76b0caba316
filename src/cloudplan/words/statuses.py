"""The labels of statuses as people read them, in the language of the run; pure.

In English a label is the status's keyword (`overdue`); in French `en retard`, `échéance
proche`, ... The keywords themselves stay the same in options, JSON and CSV.
"""

from __future__ import annotations

from cloudplan.base.human import french, number
from cloudplan.base.translate import _, catalog


def label(value: str) -> str:
    """Return the label of a milestone, project or indicator status (its keyword in English)."""
    source = catalog()
    if source is None:
        return value
    labels = _LABELS.get(source)
    if labels is None:  # made once a catalogue: views and spreadsheets ask for a label a row
        labels = _LABELS[source] = _status_labels()
    return labels.get(value, value)


_LABELS: dict[object, dict[str, str]] = {}


def _status_labels() -> dict[str, str]:
    from cloudplan.core.status import IndicatorStatus, Status

    return {
        Status.OVERDUE: _("overdue"),
        Status.DUE_SOON: _("due-soon"),
        Status.UPCOMING: _("upcoming"),
        Status.UNSCHEDULED: _("unscheduled"),
        Status.DONE_LATE: _("done-late"),
        Status.DONE: _("done"),
        Status.CANCELLED: _("cancelled"),
        IndicatorStatus.NO_DATA: _("no-data"),
        IndicatorStatus.ACHIEVED: _("achieved"),
        IndicatorStatus.MISSED: _("missed"),
        IndicatorStatus.ON_TRACK: _("on-track"),
        IndicatorStatus.BEHIND: _("behind"),
    }


# Status labels that agree with a count in French (the masculine plural of jalon): 6 non planifiés.
_PLURALS = {
    "échéance proche": "échéances proches",
    "non planifié": "non planifiés",
    "réalisé en retard": "réalisés en retard",
    "réalisé": "réalisés",
    "annulé": "annulés",
    "atteint": "atteints",
    "manqué": "manqués",
}


def counted(value: str, n: int) -> str:
    """Return a count of a status: '6 unscheduled' in English, '6 non planifiés' in French (0 and 1 singular)."""
    text = label(value)
    if french() and n > 1:
        text = _PLURALS.get(text, text)
    return f"{number(n) if french() else n} {text}"
