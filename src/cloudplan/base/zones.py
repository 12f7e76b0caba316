"""Whether a name is a zone of this machine's time-zone database: the one answer a parse takes from the machine.

It depends on the system's zone files, $PYTHONTZPATH and the tzdata package, not on a
plan's bytes: `plan.decode` asks it to check a plan's `timezone`, and the parsed-plan
cache (`store.plancache`) asks it again at every read, so that an entry written under
other zone data never decides a run. Light to import: a warm run asks it without
loading the parser.
"""

from __future__ import annotations


def is_timezone(name: str) -> bool:
    """Whether *name* is a zone of the time-zone database: not a folder of it ('Europe'), nor a name too long."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, a name too long for a path
        return False
    return True
