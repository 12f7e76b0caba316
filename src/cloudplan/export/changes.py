"""What changed since a revision, for programs (JSON) and for the minutes (Markdown); pure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cloudplan.base.translate import _
from cloudplan.core.changes import Change
from cloudplan.export.markdown import escape, table
from cloudplan.words.changes import describe, heading, source_lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cloudplan.core.changes import Revision, SourceRevision


def since(revision: Revision) -> dict[str, str | None]:
    """Return the revision compared with: what the user wrote, the commit, its date (null, null when only the
    sources of portfolio files were compared: each has its own)."""
    return {
        "rev": revision.rev,
        "commit": revision.commit or None,
        "date": revision.date.isoformat() if revision.date is not None else None,
    }


def json_doc(revision: Revision, changes: list[Change], sources: Sequence[SourceRevision] = ()) -> str:
    """Return `{"since": {"rev", "commit", "date"}, "changes": [...]}`, one document.

    Through portfolio files, "sources" lists each source compared (name, the commit read, the one compared
    with and its date, null when its history starts later), and each change names its "source".
    """
    from cloudplan.export.json import dumps

    document: dict[str, object] = {"since": since(revision)}
    if sources:
        document["sources"] = [
            {"name": s.name, "read": s.read, "commit": s.commit, "date": s.date.isoformat() if s.date else None}
            for s in sources
        ]
    document["changes"] = [c.record() for c in changes]
    return dumps(document)


def markdown(revision: Revision, changes: list[Change], sources: Sequence[SourceRevision] = ()) -> str:
    """Return a heading and a table of the changes, every cell escaped, for the minutes."""
    header = (_("Ref"), _("Title"), _("Change"))
    rows = [(f"`{escape(c.ref)}`", escape(c.title), escape(describe(c))) for c in changes]
    listed = "".join(f"- {escape(line)}\n" for line in source_lines(sources))
    return f"# {escape(heading(revision))}\n\n" + (f"{listed}\n" if listed else "") + table(header, rows)
