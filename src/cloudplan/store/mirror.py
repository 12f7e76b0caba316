"""Mirrors of the repositories a portfolio reads: fetched with git, read without a checkout.

Each source of a portfolio file has a bare git repository of its own, a mirror, under
the user's cache folder ($XDG_CACHE_HOME/cloudplan-mirrors/, else ~/.cache/...), made
0700 and used only while it is the user's alone, as the plan cache's folder is. `fetch`
brings the source's branch (or tag, or HEAD) and its tags into the mirror and records
the commit to read, and when, in the mirror's `cloudplan-source.json`; read commands
read the plan files of that commit with one `git cat-file --batch` per source.

Nothing of a source runs, and nothing but git runs on its data:

- the mirror is bare: there is no work tree, no checkout, no index, hence no checkout
  hook, no filter, no fsmonitor; it is made without templates (no hooks folder), and
  every git command runs with `core.hooksPath=/dev/null` and `core.fsmonitor=false`;
- git reads no configuration but the mirror's own, which cloudplan wrote: not the
  system's (GIT_CONFIG_NOSYSTEM), not the user's (GIT_CONFIG_GLOBAL=/dev/null) apart
  from its `credential.*` settings, which are passed on so that the credential helpers
  the user set up for a private forge answer; a source's own configuration never
  travels with a fetch;
- `protocol.allow=never`, then only https, ssh, git and file: `ext::` and every other
  remote helper is refused by git itself (and by the portfolio's check before);
- no prompt: GIT_TERMINAL_PROMPT=0, no askpass program, ssh in batch mode, and git runs
  in a session of its own with no terminal to ask on; no submodule is fetched;
- with `verify = "ssh"`, the commit read must carry a good signature by a key the
  allowed-signers file lists; a new commit that does not stays unread, and the mirror
  keeps reading the last one that did. OpenPGP and X.509 signatures are not checked
  (their programs are set to `false`): only ssh ones can be good.

Read commands list each source's plan files with one `git cat-file` for all the sources
(`list_all`), and read a file's bytes only when the plan cache has no entry for it. Other
parts read a source's history through `Mirror` (`read`, `resolve`, `last_before`,
`committed`, `git`): `changes --since`, and `blame`.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import stat
import subprocess
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from cloudplan.base.errors import CloudplanError, PlanNotFound
from cloudplan.base.translate import _

MIRRORS = "cloudplan-mirrors"
STATE_FILE = "cloudplan-source.json"
LOCK_FILE = "cloudplan-fetch.lock"
TIP_REF = "refs/cloudplan/tip"  # what the last fetch brought, verified or not
READ_REF = "refs/cloudplan/read"  # the commit read: keeps its objects from git's garbage collection
FETCH_TIMEOUT = 600  # seconds: a source that takes longer is given up, so that cron never hangs
MAX_BLOB = 64 * 1024 * 1024  # as reader.MAX_BYTES: a plan file larger than this is refused

# Settings every git command on a mirror runs with (as GIT_CONFIG_KEY_n/VALUE_n: a key may hold
# '=' or spaces, which `-c` would misread).
SAFE_CONFIG: tuple[tuple[str, str], ...] = (
    ("core.hooksPath", os.devnull),
    ("core.fsmonitor", "false"),
    ("core.askPass", ""),
    ("protocol.allow", "never"),
    ("protocol.https.allow", "always"),
    ("protocol.ssh.allow", "always"),
    ("protocol.git.allow", "always"),
    ("protocol.file.allow", "always"),
    ("submodule.recurse", "false"),
    ("fetch.recurseSubmodules", "false"),
    ("gc.autoDetach", "false"),  # no process outlives cloudplan
    ("fetch.unpackLimit", "1"),  # what a fetch brings stays a pack: reading many mirrors at once looks up packs
    ("gpg.openpgp.program", "false"),  # only ssh signatures are checked
    ("gpg.x509.program", "false"),
    ("http.lowSpeedLimit", "1000"),  # a forge that stalls fails instead of hanging the fetch
    ("http.lowSpeedTime", "60"),
)
# Environment variables of git kept from the user's: transport settings, never a repository's place.
_GIT_KEEP = frozenset({
    "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSH_VARIANT", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH", "GIT_SSL_NO_VERIFY",
    "GIT_SSL_CERT", "GIT_SSL_KEY", "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_PROXY_SSL_CERT", "GIT_PROXY_SSL_KEY",
    "GIT_PROXY_SSL_CAINFO", "GIT_TRACE", "GIT_TRACE_PACKET", "GIT_CURL_VERBOSE", "GIT_EXEC_PATH",
})  # fmt: skip
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class MirrorError(CloudplanError):
    """A mirror cannot be used: never fetched, not safe, or git cannot read it (exit 2)."""


class NotFetched(MirrorError, PlanNotFound):
    """A source that has no mirror yet: `cloudplan fetch` makes it."""


class FetchFailed(Exception):
    """Why one source could not be fetched: git's own words, or the signature check's."""

    def __init__(self, reason: str, refused: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.refused = refused  # fetched, but its signature is not good: the mirror stays where it was


class State(NamedTuple):
    """What the mirror's `cloudplan-source.json` records: the commit to read, and when it was fetched."""

    commit: str
    fetched: datetime  # aware, UTC
    location: str  # the URL or absolute path fetched from
    ref: str | None
    verified: bool = False  # the commit carries a good signature by an allowed key


# -- the folders ------------------------------------------------------------------------------------------


def root(env: Mapping[str, str]) -> Path | None:
    """Return the folder that holds the mirrors, or None when there is no home to hold it.

    Beside the plan cache's folder, not in it: that one may be emptied at any time, while a
    mirror, once gone, needs a fetch (and the network) before the portfolio can be read again.
    """
    base = env.get("XDG_CACHE_HOME") or (os.path.join(env["HOME"], ".cache") if env.get("HOME") else "")
    if not base or not os.path.isabs(base):
        return None
    return Path(base) / MIRRORS


def trusted_root(env: Mapping[str, str], create: bool) -> Path:
    """Return the mirrors' folder, made 0700 if *create*; raise MirrorError when it is not the user's alone.

    Checked as the plan cache checks its folder: a real folder (not a symbolic link), owned
    by the user, that no one else may write.
    """
    where = root(env)
    if where is None:
        raise MirrorError(
            _("there is no cache folder to keep the sources' mirrors in: neither $XDG_CACHE_HOME nor $HOME is set"),
            hint=_("set HOME (or XDG_CACHE_HOME) to a folder of yours"),
        )
    if create:
        with contextlib.suppress(OSError):
            os.makedirs(where.parent, mode=0o700, exist_ok=True)
        with contextlib.suppress(FileExistsError):
            os.mkdir(where, 0o700)
    why = _unsafe(where)
    if why == "missing" and not create:
        raise NotFetched(
            _("no source of this portfolio was ever fetched (there is no {folder})").format(folder=where),
            hint=_("run cloudplan fetch"),
        )
    if why:
        raise MirrorError(
            _("{folder} is not a folder of yours alone ({why}): the sources' mirrors are not kept there").format(
                folder=where, why=why
            ),
            hint=_("remove it, or give it to your user with mode 0700 (chmod 700)"),
        )
    return where


def _unsafe(folder: Path) -> str:
    """Return why *folder* may not hold mirrors ('' when it may): a link, not a folder, another owner, writable."""
    try:
        fd = os.open(folder, os.O_RDONLY | _DIRECTORY | _NOFOLLOW)
    except FileNotFoundError:
        return "missing"
    except OSError as e:
        return e.strerror or str(e)
    try:
        st = os.fstat(fd)
    finally:
        os.close(fd)
    if not stat.S_ISDIR(st.st_mode):
        return _("not a folder")
    if hasattr(os, "geteuid"):
        if st.st_uid != os.geteuid():
            return _("another user owns it")
        if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return _("others may write in it")
    return ""


def folder_name(name: str, location: str, ref: str | None, verify: str | None, signers: str | None) -> str:
    """Return the name of a source's mirror: its name, and a digest of what it fetches and how it checks it.

    Two portfolios that read one repository the same way share its mirror; read another way
    (another branch, another signers file), it is another mirror.
    """
    from hashlib import blake2b

    what = "\0".join((location, ref or "", verify or "", signers or ""))
    return f"{name}-{blake2b(what.encode('utf-8', 'surrogateescape'), digest_size=8).hexdigest()}"


# -- running git ------------------------------------------------------------------------------------------


def environment(env: Mapping[str, str], config: Sequence[tuple[str, str]] = ()) -> dict[str, str]:
    """Return the environment git runs in on a mirror: the user's, without what would make it read another
    repository, configuration or prompt, with SAFE_CONFIG and *config* (the credential settings) as its only
    settings beside the mirror's own."""
    out = {k: v for k, v in env.items() if not k.startswith("GIT_") or k in _GIT_KEEP}
    out.pop("SSH_ASKPASS", None)
    out.pop("SSH_ASKPASS_REQUIRE", None)
    settings = [*SAFE_CONFIG, *config]
    out.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_NO_REPLACE_OBJECTS": "1",
        "GIT_PAGER": "cat",
        "LC_ALL": "C",
        "GIT_CONFIG_COUNT": str(len(settings)),
    })  # fmt: skip
    for i, (key, value) in enumerate(settings):
        out[f"GIT_CONFIG_KEY_{i}"] = key
        out[f"GIT_CONFIG_VALUE_{i}"] = value
    if "GIT_SSH_COMMAND" not in out and "GIT_SSH" not in out:
        out["GIT_SSH_COMMAND"] = "ssh -o BatchMode=yes"  # a passphrase or an unknown host fails, never asks
    return out


def credential_config(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Return the user's own `credential.*` settings (~/.gitconfig, ~/.config/git/config, with their includes).

    They name the credential helpers that give the passwords and tokens of private forges:
    the only part of the user's git configuration that a fetch of a mirror uses.
    """
    clean = {k: v for k, v in env.items() if not k.startswith("GIT_")}
    clean.update({"GIT_CONFIG_NOSYSTEM": "1", "LC_ALL": "C"})
    try:
        done = subprocess.run(
            ["git", "config", "--global", "--includes", "-z", "--get-regexp", r"^credential\."],
            capture_output=True,
            env=clean,
            stdin=subprocess.DEVNULL,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    found = []
    for entry in done.stdout.split(b"\0"):
        key, _sep, value = entry.partition(b"\n")
        if key:
            found.append((os.fsdecode(key), os.fsdecode(value)))
    return found


def _run(
    args: Sequence[str],
    env: Mapping[str, str],
    stdin: bytes | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run git in a session of its own (no terminal to prompt on); on timeout, end it and what it started."""
    try:
        proc = subprocess.Popen(
            ["git", *args],
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=dict(env),
            start_new_session=True,
        )
    except FileNotFoundError:
        raise MirrorError(
            _("git is not installed: the sources of a portfolio are fetched and read with git"),
            hint=_("install git"),
        ) from None
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise FetchFailed(_("no answer after {n} seconds: given up").format(n=int(timeout or 0))) from None
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def reason(done: subprocess.CompletedProcess[bytes]) -> str:
    """Return git's own words on why it failed: its first `fatal:` or `error:` line with the lines that go on
    with it (`unable to connect to host:` then why), else its last line."""
    lines = [line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines()]
    first = next((i for i, line in enumerate(lines) if line.startswith(("fatal:", "error:"))), None)
    if first is None:
        told = [line for line in lines if line]
        return told[-1] if told else _("git exited with status {n}").format(n=done.returncode)
    words = [lines[first].removeprefix("fatal:").removeprefix("error:").strip()]
    for line in lines[first + 1 :]:
        if not line or line.startswith(("fatal:", "error:", "hint:")):
            break
        words.append(line)
    return " ".join(words)


# -- one mirror -------------------------------------------------------------------------------------------


class Mirror:
    """A source's bare repository under the mirrors' folder: fetch into it, read from it."""

    def __init__(self, path: Path, env: Mapping[str, str] | None = None) -> None:
        self.path = path
        self.env = environment(os.environ if env is None else env)

    def git(
        self, *args: str, stdin: bytes | None = None, timeout: float | None = None
    ) -> subprocess.CompletedProcess[bytes]:
        """Run git on the mirror with the safe settings; return what it did (check its returncode)."""
        return _run(["--git-dir", str(self.path), *args], self.env, stdin, timeout)

    # -- state ---------------------------------------------------------------------------------------------

    def state(self) -> State | None:
        """Return what the last good fetch recorded, or None (never fetched, or a record cloudplan did not write)."""
        try:
            fd = os.open(self.path / STATE_FILE, os.O_RDONLY | _NOFOLLOW)
        except OSError:
            return None
        try:
            with os.fdopen(fd, "rb") as f:
                raw = json.loads(f.read(64 * 1024))
            commit, fetched = raw["commit"], datetime.fromisoformat(raw["fetched"])
            ok = isinstance(commit, str) and len(commit) in (40, 64) and all(c in "0123456789abcdef" for c in commit)
            if not ok or fetched.tzinfo is None:
                return None
            ref = raw.get("ref")
            return State(commit, fetched.astimezone(UTC), str(raw["location"]), ref if isinstance(ref, str) else None,
                         raw.get("verified") is True)  # fmt: skip
        except (ValueError, KeyError, TypeError, OSError):
            return None

    def _record(self, state: State) -> None:
        data = {
            "commit": state.commit,
            "fetched": state.fetched.astimezone(UTC).isoformat(timespec="seconds"),
            "location": state.location,
            "ref": state.ref,
            "verified": state.verified,
        }
        tmp = self.path / f".{STATE_FILE}.{os.getpid()}.tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | _NOFOLLOW, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps(data, indent=1) + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path / STATE_FILE)

    # -- fetching ------------------------------------------------------------------------------------------

    def fetch(
        self,
        location: str,
        ref: str | None,
        now: datetime,
        signers: Path | None = None,
        timeout: float = FETCH_TIMEOUT,
    ) -> tuple[State, bool]:
        """Fetch *ref* (else the remote's HEAD) and the tags of *location*; return the new state, and whether the
        commit to read changed.

        With *signers* (verify = "ssh"), a new commit is read only if it carries a good ssh
        signature by a key of that allowed-signers file. Raises FetchFailed with git's reason
        (or the signature's), the mirror left as it was; MirrorError when the mirror is unsafe.
        """
        with self._locked():
            before = self.state()
            refspecs = [f"+{ref or 'HEAD'}:{TIP_REF}", "+refs/tags/*:refs/tags/*"]
            done = self.git(
                "fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-write-fetch-head",
                "--", location, *refspecs, timeout=timeout,
            )  # fmt: skip
            if done.returncode != 0:
                raise FetchFailed(reason(done))
            tip = self.commit_of(TIP_REF)
            if tip is None:
                raise FetchFailed(_("{ref} names no commit").format(ref=ref or "HEAD"))
            same = before is not None and before.commit == tip and before.location == location
            verified = False
            if signers is not None:
                if not (same and before is not None and before.verified):
                    self.check_signature(tip, signers)
                verified = True
            if not same:
                moved = self.git("update-ref", READ_REF, tip)
                if moved.returncode != 0:
                    raise FetchFailed(reason(moved))
            state = State(tip, now.astimezone(UTC), location, ref, verified)
            self._record(state)
            return state, not same

    def check_signature(self, commit: str, signers: Path) -> None:
        """Raise FetchFailed (refused) unless *commit* carries a good ssh signature by a key *signers* allows."""
        done = _run(
            ["--git-dir", str(self.path), "-c", "gpg.format=ssh", "-c", f"gpg.ssh.allowedSignersFile={signers}",
             "log", "-1", "--no-show-signature", "--format=%G?%x00%GK", commit, "--"],
            self.env,
        )  # fmt: skip
        code, _sep, key = done.stdout.decode("utf-8", "replace").strip().partition("\0")
        if done.returncode == 0 and code == "G":
            return
        short = commit[:12]
        if code == "N":
            why = _("commit {commit} is not signed").format(commit=short)
        elif code == "U":
            why = _("commit {commit} is signed by a key that {file} does not allow ({key})").format(
                commit=short, file=signers.name, key=key or "?"
            )
        elif code in ("B", "R", "X", "Y"):
            why = _("commit {commit} has a signature that is not good ({code})").format(commit=short, code=code)
        else:
            why = _("the signature of commit {commit} cannot be checked: is ssh-keygen installed, and is {file} "
                    "an allowed-signers file?").format(commit=short, file=signers)  # fmt: skip
        raise FetchFailed(_("refused: {why}; still reading the last verified commit").format(why=why), refused=True)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold the mirror's fetch lock: two fetches of one mirror (two cron jobs) take turns."""
        import fcntl

        fd = os.open(self.path / LOCK_FILE, os.O_RDWR | os.O_CREAT | _NOFOLLOW, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def create(self) -> None:
        """Make the mirror (a bare repository without templates, 0700) if it is not there; check it is the user's."""
        with contextlib.suppress(FileExistsError):
            os.mkdir(self.path, 0o700)
        why = _unsafe(self.path)
        if why:
            raise MirrorError(
                _("{folder} is not a folder of yours alone ({why})").format(folder=self.path, why=why),
                hint=_("remove it: the next fetch makes it again"),
            )
        if not (self.path / "objects").is_dir():
            done = _run(["init", "--quiet", "--bare", "--template=", str(self.path)], self.env)
            if done.returncode != 0:
                raise MirrorError(
                    _("git cannot make the mirror {folder}: {why}").format(folder=self.path, why=reason(done))
                )

    # -- reading -------------------------------------------------------------------------------------------

    def commit_of(self, rev: str) -> str | None:
        """Return the commit that *rev* names in the mirror, or None."""
        if not rev or rev.startswith("-"):
            return None
        done = self.git("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        text = done.stdout.decode().strip()
        return text if done.returncode == 0 and text else None

    def resolve(self, rev: str, head: str) -> str | None:
        """Return the commit *rev* names, HEAD standing for *head* (the commit read): `HEAD~3`, a tag, a hash."""
        if rev == "HEAD" or rev.startswith(("HEAD~", "HEAD^")):
            rev = head + rev[4:]
        return self.commit_of(rev)

    def last_before(self, stamp: str, head: str) -> str | None:
        """Return the last commit of *head*'s history made on or before *stamp* (git's date form), or None."""
        done = self.git("rev-list", "-1", f"--before={stamp}", head, "--")
        text = done.stdout.decode().strip()
        return text if done.returncode == 0 and text else None

    def committed(self, commit: str) -> datetime:
        """Return the committer date of *commit*, with its offset."""
        done = self.git("show", "-s", "--no-show-signature", "--format=%cI", commit, "--")
        return datetime.fromisoformat(done.stdout.decode().strip())

    def read(self, commit: str, path: str | None) -> tuple[str, list[tuple[str, bytes]]]:
        """Return the plan files of *commit* at *path*: where they were found, and each file's path and bytes.

        *path* is a folder (its `*.toml` files directly inside, in name order) or a file; None
        means `plans/`, else `cloudplan.toml`, as the plans of a work tree are found. The first
        value is the path that was found ('' for none).
        """
        found, files = list_all([(self, commit, path)])[0]
        contents = self.blobs([oid for _n, oid in files], [name for name, _o in files])
        return found, [(name, data) for (name, _o), data in zip(files, contents, strict=True)]

    def blobs(self, oids: Sequence[str], names: Sequence[str]) -> list[bytes]:
        """Return the bytes of each blob of *oids* (the files *names*, for messages); refuse one larger than a plan."""
        sizes = _cat(self.path, self.env, oids, "--batch-check")
        for name, (_o, kind, size) in zip(names, sizes, strict=True):
            if kind != "blob":
                raise MirrorError(
                    _("git could not read {name} in the mirror {folder}").format(name=name, folder=self.path),
                    hint=_("run cloudplan fetch again; if it persists, remove that folder"),
                )
            if int(size) > MAX_BLOB:  # never read into memory
                raise MirrorError(
                    _("{name} is larger than {max} MB; plan files are limited to {max} MB").format(
                        name=name, max=MAX_BLOB // 2**20
                    )
                )
        return [data for _o, _k, data in _cat(self.path, self.env, oids, "--batch")]


def list_all(jobs: Sequence[tuple[Mirror, str, str | None]]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Return, for each (mirror, commit, path) of *jobs*, where the plan files were found (see `Mirror.read`) and
    each one's path and object id.

    One `git cat-file --batch` lists them all, whatever their number, asked everything at
    once: it runs in the first mirror with the others' object folders as alternates
    (GIT_ALTERNATE_OBJECT_DIRECTORIES). Objects are named by their hash, so a commit lists
    the same folders whichever mirror holds them.
    """
    if not jobs:
        return []
    first = jobs[0][0]
    others = list(dict.fromkeys(str(m.path / "objects") for m, _c, _p in jobs if m.path != first.path))
    if any(":" in o or '"' in o for o in others):  # a folder the variable cannot list: one mirror at a time
        return [list_all([job])[0] for job in jobs]
    env = {**first.env, "GIT_ALTERNATE_OBJECT_DIRECTORIES": ":".join(others)} if others else first.env

    def candidates(path: str | None) -> tuple[str, ...]:
        return (path,) if path else ("plans", "cloudplan.toml")

    def parent(path: str) -> str:
        return path.rpartition("/")[0] or "."

    # Each path, and the folder that holds it: a file is read only if that folder lists it as a regular file.
    asked = list(dict.fromkeys(
        (commit, p) for _m, commit, path in jobs for c in candidates(path) for p in (c, parent(c))
    ))  # fmt: skip
    named = _cat(first.path, env, [f"{c}:{'' if p == '.' else p}" for c, p in asked], "--batch")
    trees = {key: _entries(data, len(oid) // 2) for key, (oid, kind, data) in zip(asked, named, strict=True)
             if kind == "tree"}  # fmt: skip

    def files(commit: str, path: str) -> list[tuple[str, str]] | None:
        if (commit, path) in trees:  # a folder (or the repository's top): its *.toml files
            prefix = "" if path == "." else f"{path}/"
            return sorted((prefix + name, oid) for mode, name, oid in trees[commit, path] if _plan(mode, name, False))
        base = path.rpartition("/")[2]  # a file: read only if its folder lists it as a regular file
        named = [(path, oid) for mode, name, oid in trees.get((commit, parent(path)), [])
                 if name == base and _plan(mode, name, True)]  # fmt: skip
        return named or None

    found = []
    for _m, commit, path in jobs:
        hit: tuple[str, list[tuple[str, str]]] = ("", [])
        for candidate in candidates(path):
            listed = files(commit, candidate)
            if listed is not None:
                hit = (candidate, listed)
                break
        found.append(hit)
    return found


def _cat(git_dir: Path, env: Mapping[str, str], names: Sequence[str], mode: str) -> list[tuple[str, str, bytes]]:
    """Return (object id, type, content) for each of *names* (with --batch-check, the size for the content),
    ('', '', b'') for one that is missing: one `git cat-file` asked them all at once."""
    if not names:
        return []
    if any("\n" in n for n in names):
        raise MirrorError(_("a path of the portfolio holds a line break; git cannot be asked for it"))
    request = "".join(f"{n}\n" for n in names).encode("utf-8", "surrogateescape")
    done = _run(["--git-dir", str(git_dir), "cat-file", mode], env, request)
    if done.returncode != 0:
        raise MirrorError(
            _("git could not read the mirror {folder}: {why}").format(folder=git_dir, why=reason(done)),
            hint=_("run cloudplan fetch again; if it persists, remove that folder"),
        )
    out, at, found = done.stdout, 0, []
    for _name in names:
        end = out.index(b"\n", at)
        header = out[at:end].split()
        at = end + 1
        if len(header) != 3 or not header[2].isdigit():  # "NAME missing", "NAME ambiguous"
            found.append(("", "", b""))
            continue
        oid, kind, size = header[0].decode(), header[1].decode(), int(header[2])
        if mode == "--batch-check":
            found.append((oid, kind, header[2]))
            continue
        found.append((oid, kind, out[at : at + size]))
        at += size + 1
    return found


def _entries(data: bytes, width: int) -> list[tuple[bytes, str, str]]:
    """Return the entries of a tree object's *data* (*width*-byte ids): (mode, name, object id)."""
    found = []
    at = 0
    while at < len(data):
        space = data.index(b" ", at)
        nul = data.index(b"\0", space)
        found.append((data[at:space], data[space + 1 : nul].decode("utf-8", "surrogateescape"),
                      data[nul + 1 : nul + 1 + width].hex()))  # fmt: skip
        at = nul + 1 + width
    return found


def _plan(mode: bytes, name: str, named: bool) -> bool:
    """Whether a tree entry is a plan file to read: a regular file (a symbolic link is not followed out of the
    repository, a folder or submodule is no plan), a `*.toml` unless the portfolio named it."""
    return mode in (b"100644", b"100755") and (named or name.endswith(".toml"))
