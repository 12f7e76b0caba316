"""The portfolio file: a parsed TOML document -> the sources it reads (build), with located findings; its
JSON Schema; pure.

A portfolio file is recognised by its `[portfolio]` table. It names the repositories
(`[[source]]`) whose plans a programme office reads together, and never a secret: a
URL that carries a password is refused, as is every way of making git run a program
(`ext::` and the other remote helpers, an argument that git would read as an option).
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from cloudplan.base.findings import Finding, Key
from cloudplan.base.translate import _
from cloudplan.core.model import PortfolioFile, Source
from cloudplan.plan.decode import LANGUAGES, SLUG_RE, SUPPORTED_VERSIONS, Table, _Builder

TOP_KEYS = ("version", "portfolio", "source")
PORTFOLIO_KEYS = ("title", "language")
SOURCE_KEYS = ("name", "git", "ref", "path", "verify", "allowed_signers")
PROTOCOLS = ("https", "ssh", "git", "file")  # what git may fetch a source with; never ext:: and the like
VERIFY = ("ssh",)

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://")
_HELPER = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*::")  # git's <transport>::<address>: a program runs it
_SCP = re.compile(r"(?:[^@/:\s]+@)?([^/:\s]+):")  # host:path, git's short ssh form
_REF_BAD = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def is_portfolio(doc: Table) -> bool:
    """Whether a parsed TOML document is a portfolio file: it has a `[portfolio]` table."""
    return isinstance(doc.get("portfolio"), dict)


def build(doc: Table, file: str) -> tuple[PortfolioFile, list[Finding]]:
    """Return the portfolio a parsed document describes, and every finding on its keys (not located yet).

    Never raises for a finding: a source that cannot be read is reported and left out.
    """
    b = _Builder(file)
    b.keys(doc, (), TOP_KEYS, ("portfolio",))
    version = doc.get("version")
    if version is not None and (type(version) is not int or version not in SUPPORTED_VERSIONS):
        b.report(
            ("version",),
            "unsupported-version",
            _("version {v!r} is not supported; this cloudplan reads version 1").format(v=version),
        )
    head = b.typed(doc, "portfolio", (), dict, _("a table, written [portfolio]")) or {}
    if head:
        b.keys(head, ("portfolio",), PORTFOLIO_KEYS, ("title",))
    elif isinstance(doc.get("portfolio"), dict):
        b.report(("portfolio", "title"), "missing-key", _("missing required key 'title' in [portfolio]"))
    sources: list[Source] = []
    seen: dict[str, Key] = {}
    tables = b.tables(doc, "source", ())
    if not tables and "source" not in doc:
        b.report(("portfolio",), "missing-key", _("a portfolio reads at least one [[source]]: add one"))
    for key, table in tables:
        source = _source(b, key, table)
        if source is None:
            continue
        if source.name in seen:
            b.report(
                (*key, "name"),
                "duplicate-id",
                _("source name {name!r} is used twice: give each [[source]] its own name").format(name=source.name),
            )
            continue
        seen[source.name] = key
        sources.append(source)
    found = PortfolioFile(
        file=file,
        title=b.text(head, "title", ("portfolio",)),
        sources=tuple(sources),
        language=b.language(head, ("portfolio",), "unknown-language"),
    )
    return found, b.findings


def _source(b: _Builder, key: Key, table: Table) -> Source | None:
    b.keys(table, key, SOURCE_KEYS, ("name", "git"))
    name = b.slug(table, "name", key)
    git = b.typed(table, "git", key, str, _("a string"))
    if git is not None:
        problem = git_problem(git)
        if problem:
            b.report((*key, "git"), "bad-source", problem)
            git = None
    ref = b.typed(table, "ref", key, str, _("a string"))
    if ref is not None and not is_ref(ref):
        b.report(
            (*key, "ref"),
            "bad-source",
            _("{ref!r} is not a branch or tag name git accepts").format(ref=ref),
        )
        ref = None
    path = b.typed(table, "path", key, str, _("a string"))
    if path is not None:
        inner = repository_path(path)
        if inner is None:
            b.report(
                (*key, "path"),
                "bad-source",
                _("{path!r} is not a path inside the repository: write it relative to the repository's top, "
                  "without '..', e.g. plans or roadmap/cloud.toml").format(path=path),
            )  # fmt: skip
        path = inner
    verify = b.typed(table, "verify", key, str, _("a string"))
    if verify is not None and verify not in VERIFY:
        b.report(
            (*key, "verify"),
            "bad-source",
            _('verify = {v!r}: cloudplan checks ssh signatures only: write verify = "ssh"').format(v=verify),
        )
        verify = None
    signers = b.typed(table, "allowed_signers", key, str, _("a string"))
    if "verify" in table and "allowed_signers" not in table:
        b.report(
            (*key, "allowed_signers"),
            "missing-key",
            _("verify needs allowed_signers: the file listing the keys allowed to sign (git's "
              "gpg.ssh.allowedSignersFile format), relative to this file"),
        )  # fmt: skip
    if signers is not None and "verify" not in table:
        b.report(
            (*key, "allowed_signers"),
            "bad-source",
            _('allowed_signers is read only with verify = "ssh": add it, or remove allowed_signers'),
        )
    if signers is not None and (not signers.strip() or _CONTROL.search(signers)):
        b.report((*key, "allowed_signers"), "bad-source", _("allowed_signers must name a file"))
        signers = None
    if name is None or git is None or (path is None and "path" in table):
        return None
    return Source(name, git, key, ref, path, verify, signers)


def git_problem(location: str) -> str | None:
    """Return why git must not fetch from *location* (a URL or a path), or None when it may.

    Allowed: https://, ssh:// (and git's short form host:path), git://, file://, and paths.
    Refused: the remote helpers (`ext::` runs a command), plain http, other schemes, a
    password in the URL (credentials come from git's credential helpers), an argument that
    git would read as an option, control characters.
    """
    if not location.strip() or location != location.strip():
        return _("'git' must name a repository: a URL (https, ssh, git, file) or a path, without spaces around it")
    if _CONTROL.search(location):
        return _("'git' holds a control character (a line break, a tab...): write the URL or path alone")
    if location.startswith("-"):
        return _("'git' must not start with '-': git would read it as an option")
    scheme = _SCHEME.match(location)
    if scheme is None and _HELPER.match(location):
        return _(
            "{url!r} asks git to run a remote helper; cloudplan fetches only with https, ssh, git and file"
        ).format(url=location)
    if scheme is not None:
        protocol = scheme[1].lower()
        if protocol not in PROTOCOLS:
            return _("{url!r}: cloudplan fetches only with https, ssh, git and file, not {protocol}").format(
                url=location, protocol=protocol
            )
        try:
            password = urlsplit(location).password
        except ValueError:
            return _("{url!r} is not a URL git can read").format(url=location)
        if password is not None:
            return _("the URL holds a password: a portfolio file holds no secret; remove it, and let git's "
                     "credential helper give it (git config credential.helper)")  # fmt: skip
        return None
    scp = _SCP.match(location)
    if scp is not None and scp[1].startswith("-"):
        return _("'git' must not name a host starting with '-': ssh would read it as an option")
    return None


def is_ref(ref: str) -> bool:
    """Whether *ref* is a branch or tag name that git accepts (git check-ref-format, one level allowed)."""
    return bool(
        ref
        and not ref.startswith(("-", "/", "."))
        and not ref.endswith(("/", ".", ".lock"))
        and not _REF_BAD.search(ref)
        and "/." not in ref
        and ref != "@"
    )


def repository_path(path: str) -> str | None:
    """Return *path* as a path inside a repository ('plans', 'roadmap/cloud.toml', '.' for the top), or None.

    None for what is not one: an absolute path, a '..' part, a backslash or a control character.
    """
    if _CONTROL.search(path) or "\\" in path or path.startswith("/"):
        return None
    parts = [p for p in path.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts) or "."


def kind(location: str) -> str:
    """Return how git reaches *location*: 'url' (a scheme://), 'scp' (host:path, over ssh) or 'path'."""
    if _SCHEME.match(location):
        return "url"
    scp = _SCP.match(location)
    # A path may hold a colon after a slash (./a:b); host:path has none before its colon.
    if scp is not None and "/" not in location[: scp.end()]:
        return "scp"
    return "path"


# -- the JSON Schema ------------------------------------------------------------------------------

DRAFT = "http://json-schema.org/draft-07/schema#"


def schema() -> dict[str, Any]:
    """Return the JSON Schema of a portfolio file (draft-07, as the plan's, for the same editors)."""
    slug = SLUG_RE.pattern
    source = {
        "type": "object",
        "description": "A repository whose plans the portfolio reads, written [[source]].",
        "properties": {
            "name": {
                "type": "string",
                "pattern": f"^{slug}$",
                "description": "How views, JSON and messages name the source: a slug, unique in the portfolio.",
            },
            "git": {
                "type": "string",
                "minLength": 1,
                "pattern": r"^(?![A-Za-z][A-Za-z0-9+.-]*::)(?!-)(?!http://)",
                "description": "Where the repository is: an https://, ssh://, git:// or file:// URL, host:path "
                "(ssh), or a path (relative to this file). Never a password: git's credential helpers give it.",
            },
            "ref": {
                "type": "string",
                "minLength": 1,
                "description": "The branch or tag to read; default: the repository's HEAD.",
            },
            "path": {
                "type": "string",
                "minLength": 1,
                "description": "A folder (every *.toml directly inside) or a file, inside the repository; "
                "default: plans/, else cloudplan.toml.",
            },
            "verify": {
                "type": "string",
                "enum": list(VERIFY),
                "description": "ssh: the commit read must carry a good ssh signature by a key of allowed_signers.",
            },
            "allowed_signers": {
                "type": "string",
                "minLength": 1,
                "description": "git's allowed-signers file (lines EMAIL KEYTYPE KEY), relative to this file.",
            },
        },
        "required": ["name", "git"],
        "additionalProperties": False,
        "dependencies": {"verify": ["allowed_signers"], "allowed_signers": ["verify"]},
    }
    return {
        "$schema": DRAFT,
        "title": "cloudplan portfolio file",
        "description": "The repositories whose plans a programme office reads together (cloudplan fetch, then "
        "any read command).",
        "type": "object",
        "properties": {
            "version": {"type": "integer", "enum": list(SUPPORTED_VERSIONS), "description": "Only 1 exists."},
            "portfolio": {
                "type": "object",
                "description": "The portfolio itself.",
                "properties": {
                    "title": {"type": "string", "description": "The portfolio's title, as views and reports show it."},
                    "language": {
                        "type": "string",
                        "enum": list(LANGUAGES),
                        "description": "What cloudplan speaks when the user's settings do not say: fr or en.",
                    },
                },
                "required": ["title"],
                "additionalProperties": False,
            },
            "source": {"type": "array", "minItems": 1, "items": source, "description": "The sources, in order."},
        },
        "required": ["portfolio", "source"],
        "additionalProperties": False,
    }


def dumps_schema() -> str:
    """Return the schema as the JSON text that `cloudplan schema portfolio` prints."""
    return json.dumps(schema(), ensure_ascii=False, indent=2) + "\n"
