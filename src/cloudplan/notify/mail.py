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
from cloudplan.notify import SendFailed
from cloudplan.notify.messages import Message

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


def sender(value: str) -> tuple[str, str]:
    """Return the display name and the address of CLOUDPLAN_MAIL_FROM (`pmo@x.gouv.fr`, `PMO <pmo@x.gouv.fr>`).

    Raises SendFailed when it is not one address.
    """
    from email.headerregistry import Address, HeaderRegistry

    header = HeaderRegistry()("From", value)
    addresses: list[Address] = list(getattr(header, "addresses", ()))
    if header.defects or len(addresses) != 1 or not addresses[0].username or not addresses[0].domain:
        raise SendFailed(
            _("CLOUDPLAN_MAIL_FROM is not one e-mail address: {value!r}").format(value=value),
            hint=_("e.g. pmo@example.gouv.fr, or with a name: PMO <pmo@example.gouv.fr>"),
        )
    return addresses[0].display_name, addresses[0].addr_spec


def compose(message: Message, from_: str) -> EmailMessage:
    """Return the e-mail of *message*: From, To, Subject, Date, Message-ID, text and HTML parts.

    Subject and From (whose display name is kept as written) are encoded here, with the standard
    library's older folder (email.header), and stored as they are: the newer folder of
    `email.policy` can write an empty encoded-word (`=?utf-8?q??=`, which RFC 2047 forbids) when a
    fold falls at an encoded character of a long French subject (CPython 3.11 to 3.13).
    """
    import html
    from email.header import Header
    from email.message import EmailMessage
    from email.utils import formatdate

    name, address = sender(from_)
    to = message.destination.removeprefix("mailto:")
    mail = EmailMessage()
    mail.set_raw("From", _fold(f"{_phrase(name)} <{address}>" if name else address, "From"))
    mail["To"] = to
    subject = message.subject
    charset = "us-ascii" if subject.isascii() else "utf-8"
    # Words of at most 75 characters on lines of at most 76, as RFC 2047 and 5322 ask (the default is 78).
    mail.set_raw("Subject", Header(subject, charset, maxlinelen=76, header_name="Subject").encode())
    mail["Date"] = formatdate(localtime=True)
    mail["Message-ID"] = f"<{message.id}@{address.rpartition('@')[2]}>"
    mail["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    mail["X-Auto-Response-Suppress"] = "All"  # Exchange and Outlook: no out-of-office or read receipt either
    mail.set_content(message.text)
    lang = html.escape(message.language or "en", quote=True)
    page = (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{html.escape(message.subject)}</title></head><body>{message.html}</body></html>\n"
    )
    mail.add_alternative(page, subtype="html")
    return mail


_SPECIALS = frozenset('()<>[]:;@\\,."')


def _phrase(name: str) -> str:
    """Return a display name as the words of an address header: plain ASCII words as they are, each run of the
    others (accents, specials) as RFC 2047 encoded-words of at most 40 characters of text.

    A run is one encoded-word, spaces inside it: whitespace between two encoded-words is not text.
    """
    from email.header import Header

    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        chunks, current = [], ""
        for ch in " ".join(run):
            if len(current) >= 40 and ch == " ":  # cut after a space, which then belongs to the first word
                chunks.append(current + " ")
                current = ""
            else:
                current += ch
        chunks.append(current)
        out.append(" ".join(Header(c, "utf-8").encode() for c in chunks if c))
        run.clear()

    for word in name.split(" "):
        if word and word.isascii() and not _SPECIALS & set(word) and "=?" not in word:
            flush()
            out.append(word)
        else:
            run.append(word)
    flush()
    return " ".join(out)


def _fold(value: str, name: str) -> str:
    """Return an ASCII header value folded at its spaces into lines of at most 76 characters."""
    from email.header import Header

    return Header(value, "us-ascii", maxlinelen=76, header_name=name).encode()


def send(message: Message, env: Mapping[str, str]) -> str:
    """Send *message* to its address; return the server's answer. Raises SendFailed."""
    import smtplib
    import ssl

    d = message.destination
    where = server(env.get("CLOUDPLAN_SMTP_URL", ""))
    mail = compose(message, env.get("CLOUDPLAN_MAIL_FROM", ""))
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
