"""The plan as cloudplan understands it: immutable records, no I/O.

Records are NamedTuples rather than frozen dataclasses, for two measured costs on
the path of every cron run (docs/performance.md): a frozen dataclass takes 1.5 to
5 ms to create at import, a NamedTuple 0.2 ms; and the parsed-plan cache unpickles
them by the thousand, which frozen dataclasses make go through Python code.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from cloudplan.base.findings import Key
    from cloudplan.core.periods import Period


class Slip(NamedTuple):
    """One move of a milestone's deadline, as `reschedule` records it."""

    from_: Period | None
    to: Period | None
    on: date | None
    reason: str
    key: Key


class Milestone(NamedTuple):
    """A dated step of a project."""

    project: str
    id: str
    title: str
    key: Key
    source: str
    start: Period | None = None
    due: Period | None = None
    done: date | None = None
    cancelled: date | None = None
    owners: tuple[str, ...] = ()  # its own, else the project's
    depends_on: tuple[str, ...] = ()  # full refs, PROJECT/MILESTONE
    notes: str = ""
    slips: tuple[Slip, ...] = ()
    origin: str | None = None  # the portfolio source it was read from (None: a local plan file)

    @property
    def ref(self) -> str:
        """The milestone's name across the portfolio: PROJECT/MILESTONE."""
        return f"{self.project}/{self.id}"


class Project(NamedTuple):
    """A chantier: owners, tags and milestones."""

    id: str
    title: str
    key: Key
    source: str
    description: str = ""
    owners: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    origin: str | None = None  # the portfolio source it was read from (None: a local plan file)


class Level(NamedTuple):
    """An indicator's value at a period: its baseline or its target."""

    value: float
    when: Period


class Measure(NamedTuple):
    """A recorded value of an indicator."""

    on: date
    value: float
    key: Key
    note: str = ""


class Indicator(NamedTuple):
    """A figure the roadmap promises to move, from a baseline to a target."""

    id: str
    title: str
    key: Key
    source: str
    unit: str = ""
    project: str | None = None
    baseline: Level | None = None
    target: Level | None = None
    measures: tuple[Measure, ...] = ()  # in date order
    origin: str | None = None  # the portfolio source it was read from (None: a local plan file)


class Contact(NamedTuple):
    """Where an owner's alerts go (`cloudplan notify`); `owner = "*"` is every owner without one of its own."""

    owner: str
    key: Key
    source: str
    email: tuple[str, ...] = ()
    matrix: tuple[str, ...] = ()  # room ids (!id:server) or aliases (#name:server)
    webhook: tuple[str, ...] = ()  # URLs, or "$NAME": the URL is in that environment variable
    language: str | None = None  # else the plan's

    @property
    def destinations(self) -> tuple[str, ...]:
        """Every destination, as the state file and messages name them: mailto:, matrix:, webhook:."""
        return (
            *(f"mailto:{a}" for a in self.email),
            *(f"matrix:{r}" for r in self.matrix),
            *(f"webhook:{w}" for w in self.webhook),
        )


class Plan(NamedTuple):
    """One plan file."""

    source: str
    title: str
    owner: str = ""
    timezone: str | None = None
    warn_days: int | None = None
    projects: tuple[Project, ...] = ()
    indicators: tuple[Indicator, ...] = ()
    contacts: tuple[Contact, ...] = ()
    language: str | None = None  # 'fr' or 'en': what cloudplan speaks, when the user's settings do not say


DEFAULT_WARN_DAYS = 30


class Source(NamedTuple):
    """A `[[source]]` of a portfolio file: a repository whose plans the portfolio reads."""

    name: str  # a slug, unique in the portfolio
    git: str  # a URL or a path git fetches from (https, ssh, git, file); a relative path as written
    key: Key
    ref: str | None = None  # a branch or a tag; None: the remote's HEAD
    path: str | None = None  # a folder or a file in the repository; None: plans/, else cloudplan.toml
    verify: str | None = None  # "ssh": the commit read must carry a good ssh signature
    allowed_signers: str | None = None  # git's allowed-signers file, relative to the portfolio file


class PortfolioFile(NamedTuple):
    """A portfolio file: its title and the sources it reads."""

    file: str  # the file, as named in messages
    title: str
    sources: tuple[Source, ...] = ()
    language: str | None = None  # 'fr' or 'en', as a plan's `language`


class Snapshot(NamedTuple):
    """A source of a portfolio file as it was read: the commit of its mirror, and when that was fetched."""

    name: str
    git: str  # where the source's repository is (a URL or a path), as the portfolio file gives it
    commit: str  # the full hash of the commit read
    fetched: datetime  # when the mirror last fetched it (aware, UTC)


class Portfolio(NamedTuple):
    """Every plan file read together; ids are unique across it."""

    plans: tuple[Plan, ...]
    snapshots: tuple[Snapshot, ...] = ()  # the sources read through portfolio files, in their order
    title: str = ""  # the portfolio files' title, when plans were read through any

    @property
    def projects(self) -> Iterator[Project]:
        """Every project, in file order."""
        for plan in self.plans:
            yield from plan.projects

    @property
    def indicators(self) -> Iterator[Indicator]:
        """Every indicator, in file order."""
        for plan in self.plans:
            yield from plan.indicators

    @property
    def milestones(self) -> Iterator[Milestone]:
        """Every milestone, in file order."""
        for project in self.projects:
            yield from project.milestones

    @property
    def contacts(self) -> Iterator[Contact]:
        """Every contact, in file order; any file of the portfolio may hold them."""
        for plan in self.plans:
            yield from plan.contacts

    @property
    def timezone(self) -> str | None:
        """The time zone 'today' is taken in: the first plan's that names one."""
        return next((p.timezone for p in self.plans if p.timezone), None)

    @property
    def language(self) -> str | None:
        """The language the plans ask for: the first plan's that names one."""
        return next((p.language for p in self.plans if p.language), None)

    @property
    def warn_days(self) -> int:
        """The due-soon window: the first plan's `warn_days` that sets one, else 30."""
        return next((p.warn_days for p in self.plans if p.warn_days is not None), DEFAULT_WARN_DAYS)


def rekeyed(item: Project | Indicator | Contact, index: int) -> Project | Indicator | Contact:
    """*item*, and what it holds, keyed as element *index* of its array: after an item before it left or came."""
    if item.key[1] == index:
        return item

    def key(k: tuple[str | int, ...]) -> tuple[str | int, ...]:
        return (k[0], index, *k[2:])

    if isinstance(item, Project):
        milestones = tuple(
            m._replace(key=key(m.key), slips=tuple(s._replace(key=key(s.key)) for s in m.slips))
            for m in item.milestones
        )
        return item._replace(key=key(item.key), milestones=milestones)
    if isinstance(item, Indicator):
        return item._replace(key=key(item.key), measures=tuple(m._replace(key=key(m.key)) for m in item.measures))
    return item._replace(key=key(item.key))


def _reduce(record: tuple[object, ...]) -> tuple[object, tuple[object, ...]]:
    """Pickle a record as tuple.__new__(cls, values): rebuilt in C, not by the Python __new__ of NamedTuple."""
    return tuple.__new__, (type(record), tuple(record))


for _record in (Slip, Milestone, Project, Level, Measure, Indicator, Contact, Plan, Portfolio, Snapshot):
    _record.__reduce__ = _reduce  # type: ignore[assignment,method-assign]
