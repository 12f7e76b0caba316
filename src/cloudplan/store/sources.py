"""Portfolio files among the plans: recognised, read, fetched, and turned into the plan files of their sources.

A PLAN argument (or $CLOUDPLAN_PLAN, or the file discovery finds) may be a portfolio file:
`discover` gives, in its place, the plan files of each of its sources as the mirror's
fetched commit holds them (`mirror.list_all`), each with its `Origin`. The reader
parses them as any plan file (`read_source`), through the same cache, naming them
`SOURCE:PATH` (`armees:plans/cloud.toml`) in findings and JSON.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cloudplan.base.errors import CloudplanError, PlanInvalid, UsageError
from cloudplan.base.translate import _
from cloudplan.store.reader import Parsed, PlanFile

if TYPE_CHECKING:
    from datetime import datetime

    from cloudplan.base.findings import Finding
    from cloudplan.core.changes import SourceRevision
    from cloudplan.core.model import Plan, Portfolio, PortfolioFile, Snapshot, Source
    from cloudplan.store import mirror

# Imported where used (mirror: subprocess, json; the thread pool): a run that reads local plans only never needs them.

PEEK_MAX = 1024 * 1024  # bytes: a portfolio file is a list of sources; a larger file is a plan
HEAD = 4096  # bytes read first to find a file's first table
READERS = 8  # sources read (or fetched) at once: processes of git, mostly waiting on the disk or the network
# A [portfolio] table, or a `portfolio.title = ...` dotted key: a file that may be a portfolio file.
_TABLE = rb"^[ \t]*(?:\[[ \t]*portfolio[ \t]*\]|portfolio[ \t]*[.=])"
_HEADER = rb"^[ \t]*\[[ \t]*portfolio[ \t]*\]"


class Origin(NamedTuple):
    """Where a plan file read through a portfolio comes from."""

    snapshot: Snapshot  # the source as read: name, repository, commit, when fetched
    source: Source  # the source as the portfolio file declares it
    mirror: Path  # the source's mirror
    inner: str  # this file's path in the repository
    oid: str  # its git object id: the hash of its bytes, which names its entry in the plan cache
    title: str  # the portfolio's title


class ReadOnly(UsageError):
    """An edit asked of a portfolio: its plans live in their own repositories, which cloudplan never writes."""


# -- recognising and reading a portfolio file ----------------------------------------------------------


def peek(path: Path) -> bytes | None:
    """Return the bytes of *path* if it is a portfolio file (it has a `[portfolio]` table), else None.

    Cheap for a plan: the first table of a file is read (in its first few KiB), and only a file
    whose first table is `[portfolio]` or `[[source]]` (or that sets `portfolio.` keys before any
    table) is read whole and parsed; a plan starts with `[plan]` or `[[project]]`.
    """
    try:
        with open(path, "rb") as f:
            head = f.read(HEAD)
            first = _first_table(head)
            if first is None and len(head) == HEAD:
                head += f.read(PEEK_MAX - HEAD)
                first = _first_table(head)
            if first not in (b"portfolio", b"source"):
                return None
            data = head + f.read(PEEK_MAX + 1 - len(head))
    except OSError:
        return None
    return data if len(data) <= PEEK_MAX and is_portfolio_text(data) else None


def _first_table(head: bytes) -> bytes | None:
    """Return the name of the first table of a TOML file's *head* (`portfolio` for `portfolio.x = ...` keys set
    before any table), or None when *head* holds none."""
    for raw in head.split(b"\n"):
        line = raw.strip()
        if line.startswith(b"["):
            return line.partition(b"#")[0].strip(b"[] \t\r")
        if line.startswith(b"portfolio") and line[len(b"portfolio") :].lstrip()[:1] in (b".", b"="):
            return b"portfolio"
    return None


def read(path: Path, name: str, data: bytes | None = None) -> tuple[PortfolioFile | None, list[Finding]]:
    """Return the portfolio file at *path* (None when it cannot be read) and every finding on it, located."""
    from cloudplan.plan import portfolio
    from cloudplan.store.reader import document, locate

    if data is None:
        data = path.read_bytes()
    doc, text, problem = document(data, name)  # what is not UTF-8 or not TOML, as for a plan
    if doc is None:
        return None, problem
    found, findings = portfolio.build(doc, name)
    for source in found.sources:
        if source.allowed_signers is not None:
            signers = path.parent / source.allowed_signers
            if not signers.is_file():
                from cloudplan.base.findings import error

                findings.append(error(
                    name, (*source.key, "allowed_signers"), "bad-source",
                    _("no allowed-signers file {file} beside the portfolio file").format(file=source.allowed_signers),
                ))  # fmt: skip
    return found, sorted(locate(findings, {name: text}), key=lambda f: (f.line, f.col))


def load(file: PlanFile, data: bytes | None = None) -> PortfolioFile:
    """Return the portfolio file *file*; raise PlanInvalid (with every finding) when it has an error."""
    from cloudplan.base.findings import Severity

    found, findings = read(file.path, file.name, data)
    errors = tuple(f for f in findings if f.severity is Severity.ERROR)
    if found is None or errors:
        first = (errors or tuple(findings))[0]
        more = (
            _("run `cloudplan check {file}` to see every finding").format(file=file.name) if len(errors) > 1 else None
        )
        raise PlanInvalid(str(first), findings=tuple(findings), hint=more)
    return found


# -- where a source is, and its mirror ----------------------------------------------------------------


def _folder(file: PlanFile) -> Path:
    """Return the folder of a portfolio file, absolute: its sources' paths and signers files are relative to it."""
    return Path(os.path.abspath(file.path)).parent


def location(source: Source, folder: Path) -> str:
    """Return where git fetches *source* from: its URL, or its path made absolute (relative to the portfolio)."""
    from cloudplan.plan.portfolio import kind

    if kind(source.git) != "path":
        return source.git
    return os.path.normpath(os.path.join(folder, os.path.expanduser(source.git)))


def signers(source: Source, folder: Path) -> Path | None:
    """Return the allowed-signers file of *source* (with verify), absolute."""
    if source.verify is None or source.allowed_signers is None:
        return None
    return Path(os.path.abspath(folder / source.allowed_signers))


def mirror_of(root: Path, source: Source, folder: Path, env: Mapping[str, str] | None = None) -> mirror.Mirror:
    """Return the mirror of *source* (declared in a portfolio file of *folder*) under *root*."""
    from cloudplan.store import mirror

    allowed = signers(source, folder)
    name = mirror.folder_name(source.name, location(source, folder), source.ref, source.verify,
                              str(allowed) if allowed else None)  # fmt: skip
    return mirror.Mirror(root / name, env)


# -- discovery: the plan files of the sources ---------------------------------------------------------


def discover(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[PlanFile]:
    """Return the plan files to read, as `reader.discover` does, a portfolio file standing for its sources' files.

    Raises PlanInvalid for a portfolio file with an error, NotFetched for a source never
    fetched ("run cloudplan fetch"), MirrorError for a mirror that cannot be read.
    """
    from cloudplan.store.reader import discover as plan_files

    files: list[PlanFile] = []
    named: dict[str, str] = {}  # a source's name -> the portfolio file that names it
    for file in plan_files(args, env, cwd):
        data = peek(file.path)
        if data is None:
            files.append(file)
            continue
        for one in expand(file, env, data):
            assert one.origin is not None
            name = one.origin.snapshot.name
            if named.setdefault(name, file.name) != file.name:  # its files' names, SOURCE:PATH, would be ambiguous
                raise UsageError(
                    _("source {name!r} is named in {one} and in {other}").format(
                        name=name, one=named[name], other=file.name
                    ),
                    hint=_("give the sources of portfolio files read together names of their own"),
                )
            files.append(one)
    return files


def refuse_portfolios(files: Sequence[PlanFile], env: Mapping[str, str], wanted: Sequence[str] = ()) -> None:
    """Raise ReadOnly if one of *files* is a portfolio file: an edit is never made to a source's plan.

    The error says where the plan lives: the source holding a project or indicator that
    *wanted* names (the command line's values), when the mirrors can tell, else every source.
    """
    for file in files:
        data = peek(file.path)
        if data is None:
            continue
        try:
            declared = load(file, data)
        except CloudplanError:
            raise ReadOnly(
                _(
                    "{file} is a portfolio file: its plans live in their own repositories, which cloudplan never writes"
                ).format(file=file.name),
                hint=_("edit the plan in a clone of its repository, then run cloudplan fetch"),
            ) from None
        holder = _holder(file, env, data, wanted)
        folder = _folder(file)
        if holder is not None:
            source, what, inner = holder
            raise ReadOnly(
                _(
                    "{what} is in source {name!r} of {file}: its plan lives in {git} ({path}), which cloudplan never "
                    "writes"
                ).format(what=what, name=source.name, file=file.name, git=location(source, folder), path=inner),
                hint=_("edit it in a clone of that repository (or ask its owners to), then run cloudplan fetch"),
            )
        listed = ", ".join(f"{s.name}: {location(s, folder)}" for s in declared.sources)
        raise ReadOnly(
            _(
                "{file} is a portfolio file: its plans live in their sources' repositories ({sources}), which "
                "cloudplan never writes"
            ).format(file=file.name, sources=listed),
            hint=_("edit the plan in a clone of its repository, then run cloudplan fetch"),
        )


def _holder(
    file: PlanFile, env: Mapping[str, str], data: bytes, wanted: Sequence[str]
) -> tuple[Source, str, str] | None:
    """Return the source whose plan holds what *wanted* names (a ref, a project, an indicator), what, and the file."""
    from cloudplan.store.reader import read_file

    if not wanted:
        return None
    try:
        files = expand(file, env, data)
    except CloudplanError:
        return None
    for one in files:
        plan = read_file(one).plan
        if plan is None or one.origin is None:
            continue
        for value in wanted:
            project = value.split("/", 1)[0]
            if any(p.id == project for p in plan.projects) or any(i.id == value for i in plan.indicators):
                return one.origin.source, value, one.origin.inner
    return None


def expand(file: PlanFile, env: Mapping[str, str], data: bytes | None = None) -> list[PlanFile]:
    """Return the plan files of each source of the portfolio *file*, read from its mirror at the fetched commit."""
    from cloudplan.store import mirror

    declared = load(file, data)
    root = mirror.trusted_root(env, create=False)
    folder = _folder(file)
    jobs = []
    for source in declared.sources:
        one = mirror_of(root, source, folder, env)
        state = one.state()
        if state is None:
            raise mirror.NotFetched(
                _("source {name!r} of {file} was never fetched").format(name=source.name, file=file.name),
                hint=_("run cloudplan fetch"),
            )
        jobs.append((source, one, state))

    listed = mirror.list_all([(one, state.commit, source.path) for source, one, state in jobs])
    return [f for job, found in zip(jobs, listed, strict=True) for f in _files_of(declared, file, *job, found)]


def _files_of(
    declared: PortfolioFile,
    file: PlanFile,
    source: Source,
    one: mirror.Mirror,
    state: mirror.State,
    listed: tuple[str, list[tuple[str, str]]],
) -> list[PlanFile]:
    """Return the plan files of one source, as its mirror's commit holds them (*listed*: where, and each file's
    path and object id)."""
    from cloudplan.core.model import Snapshot
    from cloudplan.store import mirror

    found, blobs = listed
    at = _("at commit {commit} of source {name!r}").format(commit=state.commit[:12], name=source.name)
    if not found:
        if source.path is None:
            message = _("no plans/ folder or cloudplan.toml {at}").format(at=at)
        else:
            message = _("no {path} {at}").format(path=source.path, at=at)
        raise mirror.MirrorError(message, hint=_("set the source's path in {file}").format(file=file.name))
    if not blobs:
        raise mirror.MirrorError(_("{dir}: no *.toml plan file in this folder {at}").format(dir=found, at=at))
    snapshot = Snapshot(source.name, source.git, state.commit, state.fetched)
    return [
        PlanFile(one.path, f"{source.name}:{inner}", Origin(snapshot, source, one.path, inner, oid, declared.title))
        for inner, oid in blobs
    ]


def read_source(file: PlanFile, env: Mapping[str, str] | None = None) -> Parsed:
    """Return the plan in a source's file, from the plan cache when it has it, else read from the mirror and parsed.

    The entry's key is made from the file's git object id (git's own hash of its bytes, the
    same bytes whatever mirror holds them) and its name: a warm run over a hundred sources
    reads no file at all, only the listing of each source's commit. The bytes are read when
    there is no entry, or when a finding must be placed on its line (`text`).
    """
    from cloudplan.store import cache, plancache
    from cloudplan.store.reader import parse

    origin = file.origin
    assert origin is not None
    folder = cache.folder(os.environ if env is None else env)
    k = cache.key(origin.oid.encode(), f"{file.name}\0source={origin.snapshot.name}")
    hit = plancache.get(folder, k)
    if hit is not None:
        return Parsed(hit[0], hit[1], b"", k)
    data = text(file)
    parsed = parse(data, file.name, origin.snapshot.name)
    if parsed.plan is not None:
        plancache.put(folder, k, parsed.plan, parsed.findings)
    return Parsed(parsed.plan, parsed.findings, data, k)


def text(file: PlanFile) -> bytes:
    """Return the bytes of a source's file, read from its mirror."""
    from cloudplan.store import mirror

    origin = file.origin
    assert origin is not None
    return mirror.Mirror(origin.mirror).blobs([origin.oid], [file.name])[0]


def portfolio_of(plans: Sequence[Plan], origins: Sequence[Origin]) -> Portfolio:
    """Return the portfolio of *plans*, with the sources read through portfolio files and their title."""
    from cloudplan.core.model import Portfolio

    if not origins:
        return Portfolio(tuple(plans))
    snapshots = tuple(dict.fromkeys(o.snapshot for o in origins))
    title = " · ".join(dict.fromkeys(o.title for o in origins if o.title))
    return Portfolio(tuple(plans), snapshots, title)


# -- fetching ---------------------------------------------------------------------------------------------


class Fetched(NamedTuple):
    """What a fetch did to one source: changed, unchanged, or failed (with why)."""

    name: str
    portfolio: str
    changed: bool = False
    failed: str = ""  # git's reason, or the signature check's
    refused: bool = False  # fetched, but not read: its signature is not good


class Task(NamedTuple):
    """One source to fetch: its declaration, its portfolio file, its mirror."""

    source: Source
    portfolio: PlanFile
    repo: mirror.Mirror


def portfolio_files(args: Sequence[str], env: Mapping[str, str], cwd: Path) -> list[tuple[PlanFile, PortfolioFile]]:
    """Return the portfolio files among the plans *args* name (or those found as plans are), read and valid."""
    from cloudplan.base.errors import PlanNotFound
    from cloudplan.store.reader import discover as plan_files

    found = []
    for file in plan_files(args, env, cwd):
        data = peek(file.path)
        if data is not None:
            found.append((file, load(file, data)))
    if not found:
        raise PlanNotFound(
            _("no portfolio file among {names}: a portfolio file has a [portfolio] table and [[source]] tables").format(
                names=", ".join(args) or "the plans found here"
            ),
            hint=_("name the portfolio file, e.g. cloudplan fetch portfolio.toml"),
        )
    return found


def tasks(portfolios: Sequence[tuple[PlanFile, PortfolioFile]], env: Mapping[str, str]) -> list[Task]:
    """Return a task per source (a source two portfolios share, the same way, is fetched once)."""
    from cloudplan.store import mirror

    root = mirror.trusted_root(env, create=True)
    https = any(s.git.lower().startswith("https://") for _f, p in portfolios for s in p.sources)
    config = mirror.credential_config(env) if https else []
    environment = mirror.environment(env, config)
    found: dict[Path, Task] = {}
    for file, declared in portfolios:
        for source in declared.sources:
            one = mirror_of(root, source, _folder(file), env)
            one.env = environment
            found.setdefault(one.path, Task(source, file, one))
    return list(found.values())


def fetch(
    todo: Sequence[Task], now: datetime, jobs: int = READERS, done: Callable[[Fetched], None] | None = None
) -> list[Fetched]:
    """Fetch every source, *jobs* at once; return what happened to each, in order. Nothing raises for one source."""
    from concurrent.futures import ThreadPoolExecutor

    from cloudplan.store import mirror

    def one(task: Task) -> Fetched:
        folder = _folder(task.portfolio)
        source = task.source
        try:
            task.repo.create()
            _state, changed = task.repo.fetch(location(source, folder), source.ref, now, signers(source, folder))
            outcome = Fetched(source.name, task.portfolio.name, changed=changed)
        except mirror.FetchFailed as e:
            outcome = Fetched(source.name, task.portfolio.name, failed=e.reason, refused=e.refused)
        except (mirror.MirrorError, OSError) as e:
            why = e.message if isinstance(e, mirror.MirrorError) else (e.strerror or str(e))
            outcome = Fetched(source.name, task.portfolio.name, failed=why)
        if done is not None:
            done(outcome)
        return outcome

    if not todo:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(jobs, len(todo)))) as pool:
        return list(pool.map(one, todo))


# -- history: the sources as they stood at another commit ------------------------------------------------


def history(files: Sequence[PlanFile], since: str, stamp: str | None) -> tuple[list[SourceRevision], list[Plan]]:
    """Return, for each source read (the files of *files* that have an origin), the commit *since* names in its
    own history and the plans it held then.

    *since* is a revision of the source (HEAD standing for the commit read: `HEAD~3`, a tag,
    a hash); when it names none there and *stamp* is given (the end of the day *since* means,
    as git's --before reads it), the source's last commit on or before it, if any: a source
    whose history starts later is all new. A revision that a source does not have is an error
    naming the source.
    """
    from concurrent.futures import ThreadPoolExecutor

    from cloudplan.core.changes import SourceRevision
    from cloudplan.store import mirror
    from cloudplan.store.reader import parse_cached

    first: dict[str, Origin] = {}
    for file in files:
        if file.origin is not None:
            first.setdefault(file.origin.snapshot.name, file.origin)

    def then(origin: Origin) -> tuple[SourceRevision, list[Plan]]:
        name, read = origin.snapshot.name, origin.snapshot.commit
        one = mirror.Mirror(origin.mirror)
        commit = one.resolve(since, read)
        if commit is None and stamp is not None:
            commit = one.last_before(stamp, read)
            if commit is None:
                return SourceRevision(name, read, None, None), []
        if commit is None:
            raise mirror.MirrorError(
                _("{rev!r} names no commit in the history of source {name!r}").format(rev=since, name=name),
                hint=_("with portfolio files, give a day (each source's last commit on or before it), HEAD~N, or "
                       "a tag every source has"),
            )  # fmt: skip
        plans = []
        for inner, data in one.read(commit, origin.source.path)[1]:
            parsed = parse_cached(data, f"{name}:{inner}", origin=name)
            if parsed.plan is None:
                why = parsed.findings[0].message if parsed.findings else ""
                raise mirror.MirrorError(
                    _("{name} at {commit} cannot be read: {why}").format(
                        name=f"{name}:{inner}", commit=commit[:12], why=why
                    ),
                    hint=_("choose another revision"),
                )
            plans.append(parsed.plan)
        return SourceRevision(name, read, commit, one.committed(commit)), plans

    with ThreadPoolExecutor(max_workers=max(1, min(READERS, len(first)))) as pool:
        done = list(pool.map(then, first.values()))
    return [r for r, _p in done], [plan for _r, plans in done for plan in plans]


def is_portfolio_text(data: bytes) -> bool:
    """Whether a file's bytes are a portfolio file's: TOML with a `portfolio` table; TOML that cannot be parsed,
    with a `[portfolio]` header (its syntax error is then reported as the portfolio file's)."""
    import re

    if b"portfolio" not in data or re.search(_TABLE, data, re.MULTILINE) is None:
        return False
    from cloudplan.plan.portfolio import is_portfolio
    from cloudplan.store.reader import document

    doc, _text, _problem = document(data, "")
    return is_portfolio(doc) if doc is not None else re.search(_HEADER, data, re.MULTILINE) is not None
