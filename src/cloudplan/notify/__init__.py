"""Sending `cloudplan notify`'s messages: one transport a module, configured from the environment only.

`mail` (SMTP, standard library), `matrix` (Matrix client-server API, e.g. Tchap) and
`webhook` (a POST of {"text": ...}, read by Mattermost, Slack and Rocket.Chat). Each
takes a message, sends it, and returns what the server answered; a failure raises
SendFailed naming the destination and the server's answer. Passwords, tokens and
webhook URLs from the environment never appear in what they say: every text they
raise or return is scrubbed of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import NamedTuple

from cloudplan.base.errors import CloudplanError, ExitCode
from cloudplan.base.translate import _
from cloudplan.core.alerts import Memo
from cloudplan.core.routing import STDOUT
from cloudplan.notify.messages import Message, Notices


class SendFailed(CloudplanError):
    """A destination that did not take its message; the next run sends it again."""

    exit_code = ExitCode.ERROR


def transport(destination: str) -> Callable[[Message, Mapping[str, str]], str]:
    """Return the send function of a destination's kind (mailto:, matrix:, webhook:)."""
    kind = destination.partition(":")[0]
    if kind == "mailto":
        from cloudplan.notify import mail

        return mail.send
    if kind == "matrix":
        from cloudplan.notify import matrix

        return matrix.send
    if kind == "webhook":
        from cloudplan.notify import webhook

        return webhook.send
    raise SendFailed(_("{d}: unknown kind of destination").format(d=destination))  # pragma: no cover


def missing_settings(destinations: Iterable[str], env: Mapping[str, str]) -> list[str]:
    """Return what the environment lacks to reach *destinations*: a run starts only when nothing is."""
    missing: list[str] = []
    kinds = {d.partition(":")[0] for d in destinations}
    if "mailto" in kinds:
        missing += [v for v in ("CLOUDPLAN_SMTP_URL", "CLOUDPLAN_MAIL_FROM") if not env.get(v)]
    if "matrix" in kinds:
        missing += [v for v in ("CLOUDPLAN_MATRIX_URL", "CLOUDPLAN_MATRIX_TOKEN") if not env.get(v)]
    for d in destinations:
        hook = d.removeprefix("webhook:")
        if d.startswith("webhook:$") and not env.get(hook[1:]):
            missing.append(hook[1:])
    return sorted(set(missing))


def preflight(destinations: Iterable[str], env: Mapping[str, str]) -> list[str]:
    """Return what a real run would miss to reach *destinations*, a sentence each (what `--dry-run` warns of).

    The settings the environment lacks, and those it has that cannot work: an SMTP URL, a sender or a
    Matrix URL that a send would refuse. Never quotes a password, a token or a webhook URL.
    """
    from urllib.parse import urlsplit

    wanted = sorted(d for d in set(destinations) if d != STDOUT)
    found = []
    missing = missing_settings(wanted, env)
    if missing:
        found.append(_("a real run would send nothing: the environment lacks {names}").format(names=", ".join(missing)))
    kinds = {d.partition(":")[0] for d in wanted}
    if "mailto" in kinds:
        from cloudplan.notify import mail

        for name, check in (("CLOUDPLAN_SMTP_URL", mail.server), ("CLOUDPLAN_MAIL_FROM", mail.sender)):
            if env.get(name):
                try:
                    check(env[name])
                except SendFailed as e:
                    found.append(e.message)
    url = env.get("CLOUDPLAN_MATRIX_URL", "")
    if "matrix" in kinds and url and urlsplit(url).scheme not in ("http", "https"):
        found.append(_("CLOUDPLAN_MATRIX_URL must be an http(s):// URL"))
    return found


def secrets(env: Mapping[str, str], destinations: Iterable[str] = ()) -> list[str]:
    """Return every secret the environment holds for cloudplan: passwords, tokens, webhook URLs."""
    from urllib.parse import unquote, urlsplit

    found = []
    url = env.get("CLOUDPLAN_SMTP_URL", "")
    if url:
        try:
            password = urlsplit(url).password
        except ValueError:
            password = None
        if password:
            found += [password, unquote(password)]
    if env.get("CLOUDPLAN_MATRIX_TOKEN"):
        found.append(env["CLOUDPLAN_MATRIX_TOKEN"])
    for d in destinations:
        if d.startswith("webhook:$") and env.get(d[len("webhook:$") :]):
            found.append(env[d[len("webhook:$") :]])
    return [s for s in found if s]


def scrub(text: str, hidden: Iterable[str]) -> str:
    """Return *text* with every secret in *hidden* replaced by ***."""
    for secret in sorted(hidden, key=len, reverse=True):
        if len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


class Failure(NamedTuple):
    """A destination whose send failed, and why (scrubbed)."""

    destination: str
    why: str


class Report(NamedTuple):
    """How a run went."""

    sent: list[str]  # destinations that took their message
    failed: list[Failure]
    unreached: Message | None  # the alerts that reach nobody, printed on standard output


def deliver(
    notices: Notices,
    previous: Mapping[str, Mapping[str, Memo]],
    env: Mapping[str, str],
    save: Callable[[Mapping[str, Mapping[str, Memo]], Mapping[str, str]], None],
    show: Callable[[Message], None],
) -> Report:
    """Send each message, saving the state after each destination that took its message.

    The state starts as *previous* with the changes that need no message (forgotten
    destinations and items); a destination's memory moves on only once its message is
    sent, so a failure, or a kill between two sends, leaves it to the next run. So does
    the id of the last message it took, from which its next message's id follows. The
    message of alerts that reach nobody is handed to *show* (standard output) and is
    remembered once shown. Raises SendFailed, before anything is sent, when the
    environment lacks a setting that a destination needs.
    """
    pending = {m.destination for m in notices.messages}
    missing = missing_settings(sorted(d for d in pending if d != STDOUT), env)
    if missing:
        raise SendFailed(
            _("nothing was sent: the environment lacks {names}").format(names=", ".join(missing)),
            hint=_("see docs/notify.md for the settings of each kind of destination"),
        )
    state: MutableMapping[str, Mapping[str, Memo]] = {
        d: items for d, items in notices.memory.items() if d not in pending
    }
    state.update({d: previous[d] for d in pending if d in previous})
    last = dict(notices.last)
    if dict(state) != dict(previous):
        save(state, last)
    hidden = secrets(env, pending)
    report = Report([], [], None)
    for message in notices.messages:
        d = message.destination
        if d == STDOUT:
            show(message)
            report = report._replace(unreached=message)
        else:
            try:
                transport(d)(message, env)
            except SendFailed as e:
                report.failed.append(Failure(d, scrub(e.message, hidden)))
                continue
            except Exception as e:  # whatever a transport did not foresee: this destination failed
                why = f"{d}: {type(e).__name__}: {e}"
                report.failed.append(Failure(d, scrub(why, hidden)))
                continue
            report.sent.append(d)
            last[d] = message.id
        state[d] = message.memory
        save(state, last)
    return report
