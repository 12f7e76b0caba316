"""The only code that touches plan files: reading them, writing them, editing them.

`reader` discovers and reads plans (through the parsed-plan cache, whose plan entries
`plancache` owns), `writer` writes files whole or not at all and holds the edit lock,
`document` makes an edit to one file's text and proves its result, `transaction` takes
an edit from the files read to the file replaced. `sources` turns a portfolio file into
the plan files of its sources, which `mirror` fetches and reads with git. The rest of
cloudplan imports from here.
"""

from typing import TYPE_CHECKING, Any

from cloudplan.store.reader import (
    ENV_VAR,
    MAX_BYTES,
    PLAN_DIR,
    PLAN_FILE,
    Loaded,
    Parsed,
    PlanFile,
    load,
    load_with_findings,
    locate,
    nearest,
    parse,
    plan_args,
    read_file,
    read_files,
)
from cloudplan.store.sources import discover
from cloudplan.store.writer import (
    LOCK_NAME,
    create,
    locked,
    read_state,
    state_locked,
    write_atomic,
    write_output,
)

if TYPE_CHECKING:
    from cloudplan.store.document import Document
    from cloudplan.store.plancache import Edited
    from cloudplan.store.transaction import Applied, EditablePlans, open_for_edit

# The edit machinery (document, transaction) is imported when an edit asks for it: a read command,
# the cron path, never needs it.
_LAZY = {
    "Document": "cloudplan.store.document",
    "Applied": "cloudplan.store.transaction",
    "EditablePlans": "cloudplan.store.transaction",
    "open_for_edit": "cloudplan.store.transaction",
    "Edited": "cloudplan.store.plancache",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(module), name)


__all__ = [
    "ENV_VAR",
    "LOCK_NAME",
    "MAX_BYTES",
    "PLAN_DIR",
    "PLAN_FILE",
    "Applied",
    "Document",
    "EditablePlans",
    "Edited",
    "Loaded",
    "Parsed",
    "PlanFile",
    "create",
    "discover",
    "load",
    "load_with_findings",
    "locate",
    "locked",
    "nearest",
    "open_for_edit",
    "parse",
    "plan_args",
    "read_file",
    "read_files",
    "read_state",
    "state_locked",
    "write_atomic",
    "write_output",
]
