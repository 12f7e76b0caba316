"""What a mistyped name most likely meant: "did you mean ...?" for ids, refs, keys and owners; pure.

One rule everywhere: names are compared folded (any case, accents dropped, so `étude`
finds `etude` and `armees` finds `Armées`), and only a close spelling is offered
(difflib's ratio of at least 0.6 on the part that differs), or the one name that
begins with what was typed (`infra` finds `infrastructure`). A ref is compared piece by
piece: its project, then its milestone within that project, so that the shared
`project/` prefix does not make any two refs of a project look alike; a bare milestone
id finds the one ref that ends with it.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable

from cloudplan.base.translate import _

CUTOFF = 0.6


def fold(text: str) -> str:
    """Return *text* for comparing: case folded, accents dropped (`Armées` -> `armees`)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def closest(word: str, choices: Iterable[str]) -> str | None:
    """Return the choice *word* most likely means: the same folded, else the closest spelling, else None."""
    options = list(dict.fromkeys(choices))
    folded = {fold(c): c for c in reversed(options)}
    key = fold(word)
    if key in folded:
        return folded[key]
    found = difflib.get_close_matches(key, list(folded), n=1, cutoff=CUTOFF)
    if found:
        return folded[found[0]]
    starting = [c for f, c in folded.items() if f.startswith(key)]
    return starting[0] if len(starting) == 1 and len(key) >= 3 else None


def closest_ref(ref: str, refs: Iterable[str]) -> str | None:
    """Return the PROJECT/MILESTONE ref *ref* most likely means; a bare id finds the one ref ending with it."""
    by_project: dict[str, list[str]] = {}
    for r in refs:
        project, _slash, mid = r.partition("/")
        by_project.setdefault(project, []).append(mid)
    project, slash, mid = ref.rpartition("/")
    if not slash:
        owners = [p for p, mids in by_project.items() if any(fold(m) == fold(mid) for m in mids)]
        if len(owners) == 1:
            return f"{owners[0]}/{closest(mid, by_project[owners[0]])}"
        return None
    near = closest(project, by_project)
    if near is None:
        return None
    found = closest(mid, by_project[near])
    return f"{near}/{found}" if found is not None else None


def did_you_mean(name: str | None) -> str:
    """Return the hint `did you mean 'NAME'?`, or "" for no name."""
    return _("did you mean {name!r}?").format(name=name) if name else ""
