"""The exception base and the exit codes; stdlib only."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """What a cloudplan process tells the cron job or CI step that ran it."""

    OK = 0
    FOUND = 1  # the command ran and found something: overdue milestones, findings
    ERROR = 2  # the command could not do what was asked; nothing was written


class CloudplanError(Exception):
    """An error the user can act on: a message, an optional hint, an exit code."""

    exit_code: ExitCode = ExitCode.ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CloudplanError):
    """The command line asks for something that cannot be done."""


class BadPeriod(CloudplanError):
    """A date or period that cannot be read."""


class PlanNotFound(CloudplanError):
    """No plan file where one was expected."""


class PlanInvalid(CloudplanError):
    """A plan file that cannot be used; carries its findings."""

    def __init__(self, message: str, findings: tuple[object, ...] = (), hint: str | None = None) -> None:
        super().__init__(message, hint)
        self.findings = findings


class UnknownRef(CloudplanError):
    """A project, milestone or indicator that the plan does not hold."""


class BadRef(CloudplanError):
    """A ref that is not PROJECT/MILESTONE, or an id that is not a slug."""


class DuplicateId(CloudplanError):
    """An id that the plan already uses."""


class InUse(CloudplanError):
    """Something the plan still needs: a milestone others depend on, a project an indicator names."""


class CannotEdit(CloudplanError):
    """A plan laid out in a way that an edit cannot change safely; it must be edited by hand."""


class EditConflict(CloudplanError):
    """The plan file changed between read and write, or is locked too long."""


class WriteFailed(CloudplanError):
    """A file could not be written; the old one, if any, is whole."""


class StateInvalid(CloudplanError):
    """An `overdue --state` file that cloudplan cannot read as one it wrote."""
