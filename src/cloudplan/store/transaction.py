"""An edit, from the plan files read to the plan file replaced: open them, apply the changes, check, write."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, NamedTuple

from cloudplan.base.findings import Severity
from cloudplan.base.translate import _
from cloudplan.store.document import Document, refuse
from cloudplan.store.reader import Loaded, PlanFile, check_across, locate, read_files, refuse_errors

if TYPE_CHECKING:
    from cloudplan.base.findings import Finding
    from cloudplan.plan.toml.splice import Change


class Applied(NamedTuple):
    """An edited plan file, proved and checked with the rest of the portfolio, and the warnings the edit brings."""

    document: Document
    warnings: list[Finding]


class EditablePlans(NamedTuple):
    """The plan files of a portfolio, read and validated for an edit: the portfolio, and each file's document."""

    loaded: Loaded
    documents: dict[str, Document]

    def apply(self, name: str, changes: Sequence[Change]) -> Applied:
        """Make *changes* in the file *name*; raise if the result is not exactly that, or the portfolio turns invalid.

        The new document's plan is what a cold parse of its bytes gives (see `document`);
        it is validated with the other files as `check` would. Nothing is written: call
        `document.write()`.
        """
        from cloudplan.core.model import Portfolio

        new = self.documents[name].apply(changes)
        portfolio = Portfolio(tuple(new.plan if p.source == name else p for p in self.loaded.portfolio.plans))
        keys = [new.key if n == name else d.key for n, d in self.documents.items()]
        findings = check_across(portfolio, self.loaded.today, keys)
        texts = {n: (new.text if n == name else d.text) for n, d in self.documents.items()}
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            refuse(errors, texts)
        before = {(f.source, f.code, f.message) for f in self.loaded.findings}
        warnings = [f for f in new.findings + findings if (f.source, f.code, f.message) not in before]
        return Applied(new, locate(warnings, texts))


def open_for_edit(files: Iterable[PlanFile], clock: Callable[[str | None], date]) -> EditablePlans:
    """Read and validate every file as `load` does (from the cache when it can), keeping what an edit needs.

    Raises PlanInvalid when any file has an error: an invalid plan is not edited.
    """
    files = list(files)
    loaded, parsed = read_files(files, clock)
    refuse_errors(loaded, _("the plan has errors, so it is not edited; run `cloudplan check` to see them all"))
    documents = {
        file.name: Document(file, one.data, one.plan, one.findings, one.key)
        for file in files
        if (one := parsed[file.name]).plan is not None
    }
    return EditablePlans(loaded, documents)
