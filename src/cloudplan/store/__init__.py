"""The only code that touches plan files: reading them, writing them, editing them.

`reader` discovers and reads plans (through the parsed-plan cache), `writer` writes
files whole or not at all and holds the edit lock, `editor` takes an edit from the
file read to the file replaced. The rest of cloudplan imports from here.
"""

from cloudplan.store.editor import Checked, Snapshot, check_edit, load_for_edit, replace
from cloudplan.store.reader import (
    ENV_VAR,
    MAX_BYTES,
    PLAN_DIR,
    PLAN_FILE,
    Edited,
    Loaded,
    Parsed,
    PlanFile,
    discover,
    load,
    load_all,
    locate,
    nearest,
    parse,
    read,
)
from cloudplan.store.writer import LOCK_NAME, create, locked, read_state, write_atomic, write_output

__all__ = [
    "ENV_VAR",
    "LOCK_NAME",
    "MAX_BYTES",
    "PLAN_DIR",
    "PLAN_FILE",
    "Checked",
    "Edited",
    "Loaded",
    "Parsed",
    "PlanFile",
    "Snapshot",
    "check_edit",
    "create",
    "discover",
    "load",
    "load_all",
    "load_for_edit",
    "locate",
    "locked",
    "nearest",
    "parse",
    "read",
    "read_state",
    "replace",
    "write_atomic",
    "write_output",
]
