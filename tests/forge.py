"""Real forges for the portfolio tests: repositories on disk, a git daemon, an HTTPS git server with a
password, ssh signing keys. Everything is git itself (git daemon, git http-backend, ssh-keygen)."""

from __future__ import annotations

import base64
import os
import shutil
import socket
import ssl
import subprocess
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.servers import free_port, make_cert

# Git as the tests' authors run it: no configuration of the machine or of the person running the tests.
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Ministère",
    "GIT_AUTHOR_EMAIL": "feuille@ministere.example",
    "GIT_COMMITTER_NAME": "Ministère",
    "GIT_COMMITTER_EMAIL": "feuille@ministere.example",
}


def plan(project: str, title: str = "Cloud", due: str = "2020-Q1", extra: str = "") -> str:
    """Return a small valid plan with one project *project* of two milestones."""
    return (
        textwrap.dedent(f"""\
        [plan]
        title = "Feuille de route {project}"
        timezone = "Europe/Paris"

        [[project]]
        id = "{project}"
        title = "{title}"
        owners = ["DINUM"]

          [[project.milestone]]
          id = "etude"
          title = "Étude"
          due = "{due}"

          [[project.milestone]]
          id = "bascule"
          title = "Bascule"
          due = "2030-Q1"
          depends_on = ["etude"]
        """)
        + extra
    )


class Source:
    """A ministry's repository: a work tree with plans/ (served as it is by file path, daemon or HTTPS)."""

    def __init__(self, root: Path, name: str) -> None:
        self.root = root / name
        self.name = name
        (self.root / "plans").mkdir(parents=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, when: str = "2020-06-01T10:00:00+02:00", env: dict[str, str] | None = None) -> str:
        environ = {**os.environ, **GIT_ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when, **(env or {})}
        done = subprocess.run(["git", *args], cwd=self.root, env=environ, capture_output=True, text=True, check=True)
        return done.stdout.strip()

    def commit(self, text: str, when: str = "2020-06-01T10:00:00+02:00", sign: Path | None = None,
               name: str = "plans/roadmap.toml") -> str:  # fmt: skip
        """Write *text* as the plan and commit it (signed with the ssh key *sign*); return the commit."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        signing = ["-c", "gpg.format=ssh", "-c", f"user.signingkey={sign}", "commit", "-S"] if sign else ["commit"]
        self.git(*signing, "-q", "--allow-empty", "-m", "roadmap", when=when)
        return self.git("rev-parse", "HEAD")


def portfolio(folder: Path, sources: list[tuple[str, str]], extra: str = "", title: str = "Interministériel") -> Path:
    """Write a portfolio file reading *sources* (name, git location) into *folder*; return its path."""
    lines = ["version = 1", "", "[portfolio]", f'title = "{title}"', ""]
    for name, location in sources:
        lines += ["[[source]]", f'name = "{name}"', f'git = "{location}"', ""]
    path = folder / "portfolio.toml"
    path.write_text("\n".join(lines) + extra, encoding="utf-8")
    return path


@contextmanager
def git_daemon(base: Path) -> Iterator[int]:
    """Serve every repository under *base* over git:// on 127.0.0.1 (read-only); yield its port."""
    port = free_port()
    daemon = subprocess.Popen(
        ["git", "daemon", "--export-all", f"--base-path={base}", f"--port={port}", "--listen=127.0.0.1",
         "--reuseaddr", str(base)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env={**os.environ, **GIT_ENV},
    )  # fmt: skip
    try:
        _wait_for(port, daemon)
        yield port
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


def _wait_for(port: int, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline or (proc is not None and proc.poll() is not None):
                raise RuntimeError(f"nothing answers on port {port}") from None
            time.sleep(0.05)


@contextmanager
def https_forge(base: Path, user: str, password: str, certs: Path) -> Iterator[tuple[int, Path]]:
    """Serve the repositories under *base* over HTTPS with git http-backend, behind a password (Basic auth);
    yield the port and the certificate to trust (GIT_SSL_CAINFO)."""
    cert, key = make_cert(certs)
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._backend()

        def do_POST(self) -> None:
            self._backend()

        def _backend(self) -> None:
            if self.headers.get("Authorization") != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="forge"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            path, _sep, query = self.path.partition("?")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            env = {
                **os.environ, **GIT_ENV, "GIT_PROJECT_ROOT": str(base), "GIT_HTTP_EXPORT_ALL": "1",
                "PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": self.command,
                "CONTENT_TYPE": self.headers.get("Content-Type", ""), "CONTENT_LENGTH": str(len(body)),
                "REMOTE_USER": user, "REMOTE_ADDR": "127.0.0.1", "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
            }  # fmt: skip
            out = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=False).stdout
            head, _sep, rest = out.partition(b"\r\n\r\n")
            status = 200
            headers = []
            for line in head.decode("latin-1").split("\r\n"):
                name, _c, value = line.partition(":")
                if name.lower() == "status":
                    status = int(value.strip().split()[0])
                elif name:
                    headers.append((name, value.strip()))
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(rest)))
            self.end_headers()
            self.wfile.write(rest)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], cert
    finally:
        server.shutdown()
        server.server_close()


def ssh_key(folder: Path, name: str) -> Path:
    """Make an ed25519 key pair without passphrase (ssh-keygen); return the private key's path."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)], check=True)
    return key


def allowed_signers(path: Path, *keys: Path, email: str = GIT_ENV["GIT_COMMITTER_EMAIL"]) -> Path:
    """Write git's allowed-signers file: *email* may sign with each of *keys*."""
    lines = [f"{email} {' '.join(Path(f'{k}.pub').read_text().split()[:2])}" for k in keys]
    path.write_text("\n".join(lines) + "\n")
    return path


def arm(source: Source, marker: Path) -> None:
    """Make *source* hostile, once its commits are made: every hook git knows, its fsmonitor and the programs its
    configuration names (pager, ssh command, packObjectsHook...) would create *marker* if git ran them."""
    script = source.root.parent / f"{source.name}-pwn.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\ncat >/dev/null 2>&1\nexit 0\n")
    script.chmod(0o755)
    hooks = source.root / ".git" / "hooks"
    hooks.mkdir(exist_ok=True)
    for hook in ("applypatch-msg", "pre-applypatch", "post-applypatch", "pre-commit", "pre-merge-commit",
                 "prepare-commit-msg", "commit-msg", "post-commit", "pre-rebase", "post-checkout", "post-merge",
                 "pre-push", "pre-receive", "update", "proc-receive", "post-receive", "post-update",
                 "reference-transaction", "push-to-checkout", "pre-auto-gc", "post-rewrite", "sendemail-validate",
                 "fsmonitor-watchman", "post-index-change", "upload-pack"):  # fmt: skip
        shutil.copyfile(script, hooks / hook)
        (hooks / hook).chmod(0o755)
    for key, value in (("core.fsmonitor", str(script)), ("core.hooksPath", str(hooks)),
                       ("core.pager", str(script)), ("core.sshCommand", str(script)),
                       ("uploadpack.packObjectsHook", str(script)), ("core.alternateRefsCommand", str(script)),
                       ("diff.external", str(script)), ("gc.auto", "1")):  # fmt: skip
        with (source.root / ".git" / "config").open("a") as config:  # not with git: its hooks would run now
            section, _dot, name = key.partition(".")
            config.write(f"[{section}]\n\t{name} = {value}\n")
    assert not marker.exists()
