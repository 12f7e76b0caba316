"""How the sources of a portfolio read for people: which commit, and how old their data is; pure."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from cloudplan.base import human
from cloudplan.base.translate import _, ngettext

if TYPE_CHECKING:
    from cloudplan.core.model import Snapshot

SHORT = 12  # characters of a commit's hash shown to people, as git's own abbreviations go


def age(then: datetime, now: datetime) -> str:
    """Return how long ago *then* was, at *now*: 'just now', '5 minutes ago', '3 hours ago', '2 days ago'.

    Hours up to two days, then days: a source fetched by a nightly cron reads '9 hours ago', one
    whose fetch has failed for a week '7 days ago'.
    """
    seconds = (now - then).total_seconds()
    if seconds < 60:
        return _("just now")
    minutes = int(seconds // 60)
    if minutes < 60:
        return ngettext("{n} minute ago", "{n} minutes ago", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("{n} hour ago", "{n} hours ago", hours).format(n=hours)
    days = hours // 24
    return ngettext("{n} day ago", "{n} days ago", days).format(n=days)


def instant(when: datetime) -> str:
    """Return an instant in UTC as people read it: '2021-03-31 17:05 UTC', '31/03/2021 17:05 UTC' in French."""
    utc = when.astimezone(UTC)
    return f"{human.day(utc.date())} {utc:%H:%M} UTC"


def fetched(snapshot: Snapshot, now: datetime | None) -> str:
    """Return the commit of a source and when it was fetched: 'commit 1a2b3c4d5e6f, fetched 3 hours ago'."""
    when = age(snapshot.fetched, now) if now is not None else instant(snapshot.fetched)
    return _("commit {commit}, fetched {when}").format(commit=snapshot.commit[:SHORT], when=when)
