"""Real servers for the notify tests: an SMTP server (aiosmtpd) and a Matrix + webhook HTTP server."""

from __future__ import annotations

import email
import email.policy
import json
import re
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def make_cert(folder: Path) -> tuple[Path, Path]:
    """Return a self-signed certificate for 127.0.0.1 and localhost, and its key (made with openssl)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


# -- SMTP ------------------------------------------------------------------------------------------


@dataclass
class Mailbox:
    """What the SMTP server received, and how it behaves."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # each message's bytes as they came, beside its parse
    recipients: list[str] = field(default_factory=list)
    refuse: str | None = None  # an SMTP answer to DATA, e.g. "554 5.7.1 rejected", instead of accepting
    logins: list[tuple[str, str]] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)  # what the strict parse or the raw check found, per mail

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


# An RFC 2047 encoded-word with nothing inside (`=?utf-8?q??=`): RFC 2047 forbids it; clients show it raw.
EMPTY_WORD = re.compile(rb"=\?[^?\s]+\?[qQbB]\?\?=")
ENCODED_WORD = re.compile(rb"=\?[^?\s]+\?[qQbB]\?[^?\s]*\?=")


def raw_problems(data: bytes) -> list[str]:
    """Return what is wrong in a mail's bytes as a mail client reads them: headers and line lengths."""
    head = data.split(b"\r\n\r\n", 1)[0]
    found = []
    if b"\n" in head.replace(b"\r\n", b""):
        found.append("a bare LF in the headers")
    for line in head.split(b"\r\n"):
        if not line.isascii():
            found.append(f"8-bit bytes in a header: {line[:60]!r}")
        if len(line) > 78:
            found.append(f"a header line of {len(line)} characters: {line[:60]!r}")
        if EMPTY_WORD.search(line):
            found.append(f"an empty encoded-word: {line!r}")
        found += [f"an encoded-word over 75 characters: {w[:60]!r}" for w in ENCODED_WORD.findall(line) if len(w) > 75]
    found += [f"a line over 998 characters ({len(line)})" for line in data.split(b"\r\n") if len(line) > 998]
    return found


class _Handler:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.box.refuse:
            return self.box.refuse
        data = envelope.original_content or envelope.content
        problems = raw_problems(data)
        try:  # Python's parser with every defect an error, as the strictest client reads a mail
            message = email.message_from_bytes(data, policy=email.policy.strict)
            for part in message.walk():
                if not part.is_multipart():
                    part.get_content()
                for name, value in part.items():  # each header parsed: its defects are kept on it
                    problems += [f"{name}: {type(d).__name__}: {d}" for d in getattr(value, "defects", ())]
        except Exception as e:
            problems.append(f"email.policy.strict: {type(e).__name__}: {e}")
            message = email.message_from_bytes(data, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.box.malformed += problems
        self.box.messages.append(message)
        self.box.raw.append(data)
        self.box.recipients += envelope.rcpt_tos
        return "250 2.0.0 queued"


class SMTPServer:
    """An aiosmtpd server in a thread: plain, STARTTLS or SMTPS, with or without AUTH."""

    def __init__(
        self,
        port: int | None = None,
        user: tuple[str, str] | None = None,
        tls: tuple[Path, Path] | None = None,
        implicit_tls: bool = False,
    ) -> None:
        self.box = Mailbox()
        self.port = port or free_port()
        kwargs: dict[str, Any] = {}
        if user is not None:
            expected = user

            def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                if isinstance(data, LoginPassword):
                    login, password = data.login.decode(), data.password.decode()
                    self.box.logins.append((login, password))
                    return AuthResult(success=(login, password) == expected, handled=False)
                return AuthResult(success=False, handled=False)

            # With TLS from the start, aiosmtpd does not know the connection is encrypted: it must not ask for STARTTLS.
            kwargs.update(
                authenticator=authenticator, auth_required=True, auth_require_tls=tls is not None and not implicit_tls
            )
        if tls is not None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            if implicit_tls:
                kwargs["ssl_context"] = context
            else:
                kwargs.update(tls_context=context, require_starttls=True)
        self.controller = Controller(_Handler(self.box), hostname="127.0.0.1", port=self.port, **kwargs)
        self.implicit_tls = implicit_tls

    def __enter__(self) -> SMTPServer:
        if self.implicit_tls:
            # The readiness probe of aiosmtpd speaks plain SMTP; with TLS from the start, wait for the port.
            self.controller.ready_timeout = 5.0
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


# -- HTTP: Matrix and webhooks ------------------------------------------------------------------------


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    at: float


@dataclass
class Hub:
    """What the HTTP server received, and scripted answers."""

    token: str = "syt_secret_token_123"
    aliases: dict[str, str] = field(default_factory=dict)  # "#room:server" -> "!id:server"
    requests: list[Request] = field(default_factory=list)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # room id -> contents posted
    txns: dict[str, str] = field(default_factory=dict)  # txnId -> event id (what a homeserver keeps)
    hooks: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # webhook path -> bodies
    # Scripted answers, taken in order by requests whose path contains the key:
    # (status, body, record) where record says whether the request still takes effect.
    script: dict[str, list[tuple[int, dict[str, Any], bool]]] = field(default_factory=dict)
    block: dict[str, threading.Event] = field(default_factory=dict)  # path part -> wait for it (once)
    blocked: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    delay: float = 0.0  # seconds each webhook takes to answer, so that runs at once overlap
    reason: str | None = None  # the reason phrase of scripted answers (else the standard one)
    redirects: dict[str, str] = field(default_factory=dict)  # path part -> Location of a 302 answer


def _handler(hub: Hub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, body: dict[str, Any], reason: str | None = None) -> None:
            data = json.dumps(body).encode()
            self.send_response(status, reason)
            location = next((v for k, v in hub.redirects.items() if k in self.path), None)
            if location is not None:
                self.send_header("Location", location)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            with hub.lock:
                hub.requests.append(Request(self.command, self.path, dict(self.headers), body, time.monotonic()))
                waiting = next((hub.block.pop(k) for k in list(hub.block) if k in self.path), None)
            if waiting is not None:
                hub.blocked.set()
                waiting.wait(30)
                return  # the client was killed meanwhile: nothing takes effect, no answer
            if any(k in self.path for k in hub.redirects):
                self._reply(302, {})
                return
            scripted = None
            with hub.lock:
                for key, answers in hub.script.items():
                    if key in self.path and answers:
                        scripted = answers.pop(0)
                        break
            if scripted is not None and not scripted[2]:
                self._reply(scripted[0], scripted[1], hub.reason)
                return
            status, answer = self._effect(body)
            if scripted is not None:
                status, answer = scripted[0], scripted[1]
            self._reply(status, answer, hub.reason if scripted is not None else None)

        def _effect(self, body: Any) -> tuple[int, dict[str, Any]]:
            path = self.path
            if path.startswith("/_matrix/"):
                if self.headers.get("Authorization") != f"Bearer {hub.token}":
                    return 401, {
                        "errcode": "M_UNKNOWN_TOKEN",
                        "error": f"Invalid token {self.headers.get('Authorization')}",
                    }
                parts = [unquote(p) for p in path.split("/")]
                if self.command == "GET" and parts[4:6] == ["directory", "room"]:
                    room = hub.aliases.get(parts[6])
                    return (200, {"room_id": room, "servers": []}) if room else (404, {"errcode": "M_NOT_FOUND"})
                if self.command == "PUT" and parts[4] == "rooms" and parts[6:8] == ["send", "m.room.message"]:
                    room, txn = parts[5], parts[8]
                    with hub.lock:
                        if txn not in hub.txns:  # a homeserver posts one event per transaction id
                            hub.txns[txn] = f"$event{len(hub.txns)}"
                            hub.events.setdefault(room, []).append(body)
                        return 200, {"event_id": hub.txns[txn]}
                return 404, {"errcode": "M_UNRECOGNIZED"}
            if path.startswith("/hook/") and self.command == "POST":
                time.sleep(hub.delay)
                with hub.lock:
                    hub.hooks.setdefault(path, []).append(body)
                return 200, {}
            return 404, {}

        def do_GET(self) -> None:
            self._serve()

        def do_PUT(self) -> None:
            self._serve()

        def do_POST(self) -> None:
            self._serve()

    return Handler


class HTTPServer:
    """A Matrix homeserver's few endpoints and webhook receivers, in a thread."""

    def __init__(self) -> None:
        self.hub = Hub()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.hub))
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HTTPServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for event in self.hub.block.values():
            event.set()
        self.server.shutdown()
        self.server.server_close()


def texts(bodies: list[dict[str, Any]], key: str = "text") -> Iterator[str]:
    for body in bodies:
        yield body[key]
