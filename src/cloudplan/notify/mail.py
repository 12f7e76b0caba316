"""E-mail with the standard library: smtplib and email.message, a text and an HTML part.

`CLOUDPLAN_SMTP_URL` says how to reach the server:

    smtp://[user:password@]host[:port]            plain (port 25)
    smtp+starttls://[user:password@]host[:port]   STARTTLS (port 587)
    smtps://[user:password@]host[:port]           TLS from the start (port 465)

The password is percent-encoded (`p%40ss` for `p@ss`). TLS checks the server's
certificate against the system's authorities (`SSL_CERT_FILE` adds one). The sender
is `CLOUDPLAN_MAIL_FROM`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from cloudplan.base.translate import _
from cloudplan.core.routing import Message
from cloudplan.notify import SendFailed

if TYPE_CHECKING:
    from email.message import EmailMessage

TIMEOUT = 30.0  # seconds for each exchange with the server
PORTS = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class Server(NamedTuple):
    """Where and how to send mail, from CLOUDPLAN_SMTP_URL."""

    scheme: str
    host: str
    port: int
    user: str | None
    password: str | None


def server(url: str) -> Server:
    """Return the server that *url* names. Raises SendFailed (never quoting the password)."""
    from urllib.parse import unquote, urlsplit

    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or parts.scheme not in PORTS or not parts.hostname:
        raise SendFailed(
            _("CLOUDPLAN_SMTP_URL is not an smtp://, smtp+starttls:// or smtps:// URL with a host"),
            hint=_("e.g. smtp+starttls://user:password@smtp.example.org:587, the password percent-encoded"),
        )
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    return Server(parts.scheme, parts.hostname, port or PORTS[parts.scheme], user, password)


def compose(message: Message, sender: str) -> EmailMessage:
    """Return the e-mail of *message*: From, To, Subject, Date, Message-ID, text and HTML parts."""
    import html
    from email.message import EmailMessage
    from email.utils import formatdate

    to = message.destination.removeprefix("mailto:")
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = message.subject
    mail["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2].strip("> ") or "cloudplan.invalid"
    mail["Message-ID"] = f"<{message.id}@{domain}>"
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    mail.set_content(message.text)
    lang = html.escape(message.language or "en", quote=True)
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(message.subject)}</title></head><body>{message.html}</body></html>\n"
    )
    mail.add_alternative(page, subtype="html")
    return mail


def send(message: Message, env: Mapping[str, str]) -> str:
    """Send *message* to its address; return the server's answer. Raises SendFailed."""
    import smtplib
    import ssl

    d = message.destination
    where = server(env.get("CLOUDPLAN_SMTP_URL", ""))
    sender = env.get("CLOUDPLAN_MAIL_FROM", "")
    mail = compose(message, sender)
    name = f"{where.host}:{where.port}"
    try:
        context = ssl.create_default_context()
        client: smtplib.SMTP
        if where.scheme == "smtps":
            client = smtplib.SMTP_SSL(where.host, where.port, timeout=TIMEOUT, context=context)
        else:
            client = smtplib.SMTP(where.host, where.port, timeout=TIMEOUT)
        with client:
            if where.scheme == "smtp+starttls":
                client.starttls(context=context)
            if where.user is not None:
                client.login(where.user, where.password or "")
            refused = client.send_message(mail)
    except smtplib.SMTPRecipientsRefused as e:
        code, said = next(iter(e.recipients.values()))
        raise SendFailed(_("{d}: {server} refused the address: {answer}").format(
            d=d, server=name, answer=_said(code, said))) from None  # fmt: skip
    except smtplib.SMTPResponseException as e:
        raise SendFailed(_("{d}: {server} answered: {answer}").format(
            d=d, server=name, answer=_said(e.smtp_code, e.smtp_error))) from None  # fmt: skip
    except (smtplib.SMTPException, ssl.SSLError, OSError) as e:
        why = e.strerror if isinstance(e, OSError) and e.strerror else str(e) or type(e).__name__
        raise SendFailed(_("{d}: cannot send through {server}: {why}").format(d=d, server=name, why=why)) from None
    if refused:
        code, said = next(iter(refused.values()))
        raise SendFailed(_("{d}: {server} refused the address: {answer}").format(
            d=d, server=name, answer=_said(code, said)))  # fmt: skip
    return _("accepted by {server}").format(server=name)


def _said(code: int, said: bytes | str) -> str:
    text = said.decode("utf-8", errors="replace") if isinstance(said, bytes) else said
    return f"{code} {' '.join(text.split())}"
