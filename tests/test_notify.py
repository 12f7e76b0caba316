"""`cloudplan notify` against real servers: SMTP (aiosmtpd), a Matrix homeserver's endpoints, webhooks (issue 12)."""

from __future__ import annotations

import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from typer.testing import Result

from cloudplan.notify import http as notify_http
from tests.conftest import ROOT
from tests.servers import HTTPServer, SMTPServer, free_port, make_cert

Cli = Callable[..., Result]
AS_OF = "2021-06-30"

PLAN = """\
[plan]
title = "Feuille de route"
owner = "DINSIC"

[[project]]
id = "cercle-2"
title = "Cloud dédié"
owners = ["Ministère des Armées"]

  [[project.milestone]]
  id = "ouverture"
  title = "Ouverture de l'offre"
  due = "2021-Q1"
  owners = ["DINSIC"]

  [[project.milestone]]
  id = "etude"
  title = "Étude <script>alert(1)</script> & co"
  due = "2021-07-05"

  [[project.milestone]]
  id = "bascule"
  title = "Bascule"
  due = "2021-06-15"
"""

MAIL_CONTACTS = """
[[contact]]
owner = "DINSIC"
email = ["cloud@dinsic.example"]

[[contact]]
owner = "Ministère des Armées"
email = ["dnum@armees.example"]
"""

HTTP_CONTACTS = """
[[contact]]
owner = "DINSIC"
matrix = ["#cloud:agent.tchap.gouv.fr"]
webhook = ["$HOOK_DINSIC"]

[[contact]]
owner = "Ministère des Armées"
matrix = ["!armees:agent.tchap.gouv.fr"]
webhook = ["$HOOK_ARMEES"]
"""


@pytest.fixture(autouse=True)
def _fast_pace(monkeypatch: pytest.MonkeyPatch) -> None:
    """One call a second is the real pace; tests that do not time it run faster."""
    monkeypatch.setattr(notify_http, "INTERVAL", 0.0)
    monkeypatch.setattr(notify_http, "_last", {})
    for name in ("CLOUDPLAN_SMTP_URL", "CLOUDPLAN_MAIL_FROM", "CLOUDPLAN_MATRIX_URL", "CLOUDPLAN_MATRIX_TOKEN"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def plan(write_plan: Callable[..., Path]) -> Callable[[str], Path]:
    def make(contacts: str, extra: str = "") -> Path:
        return write_plan(PLAN + extra + contacts, "plans/roadmap.toml")

    return make  # type: ignore[return-value]


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    with SMTPServer() as server:
        yield server
    # Every mail received passed Python's strict parser and the check of its raw bytes.
    assert server.box.malformed == []


@pytest.fixture
def hub() -> Iterator[HTTPServer]:
    with HTTPServer() as server:
        server.hub.aliases["#cloud:agent.tchap.gouv.fr"] = "!cloud:agent.tchap.gouv.fr"
        yield server


def mail_env(port: int, scheme: str = "smtp", auth: str = "") -> dict[str, str]:
    return {"CLOUDPLAN_SMTP_URL": f"{scheme}://{auth}127.0.0.1:{port}", "CLOUDPLAN_MAIL_FROM": "cloudplan@pmo.example"}


def http_env(server: HTTPServer) -> dict[str, str]:
    return {
        "CLOUDPLAN_MATRIX_URL": server.url,
        "CLOUDPLAN_MATRIX_TOKEN": server.hub.token,
        "HOOK_DINSIC": f"{server.url}/hook/dinsic-secret-path",
        "HOOK_ARMEES": f"{server.url}/hook/armees-secret-path",
    }


def notify(cli: Cli, env: dict[str, str], *more: str, as_of: str = AS_OF) -> Result:
    return cli("notify", "plans", "--state", "state.json", "--as-of", as_of, *more, env=env)


# -- e-mail ----------------------------------------------------------------------------------------


def test_each_owner_gets_one_mail_with_its_own_milestones(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    result = notify(cli, mail_env(smtp.port))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    box = smtp.box
    assert sorted(box.recipients) == ["cloud@dinsic.example", "dnum@armees.example"]
    (dinsic,) = box.to("cloud@dinsic.example")
    (armees,) = box.to("dnum@armees.example")
    assert dinsic["Subject"] == "cloudplan: Feuille de route – 1 milestone alert as of 2021-06-30 (1 overdue)"
    assert (
        armees["Subject"] == "cloudplan: Feuille de route – 2 milestone alerts as of 2021-06-30 (1 overdue, 1 due soon)"
    )
    assert dinsic["From"] == "cloudplan@pmo.example"
    assert dinsic["Date"]
    assert dinsic["Message-ID"].endswith("@pmo.example>")
    assert dinsic["Message-ID"] != armees["Message-ID"]
    assert dinsic.get_content_type() == "multipart/alternative"
    text = armees.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    page = armees.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert text.splitlines()[2:] == [
        "OVERDUE  cercle-2/bascule  deadline 2021-06-15, 15 days late: Bascule",
        "DUE SOON  cercle-2/etude  deadline 2021-07-05, 5 days left: Étude <script>alert(1)</script> & co",
    ]
    assert "ouverture" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script>" not in page
    assert "ouverture" in dinsic.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    # The next day: nothing new, nothing sent, nothing printed.
    again = notify(cli, mail_env(smtp.port), as_of="2021-07-01")
    assert (again.exit_code, again.output) == (0, "")
    assert len(box.messages) == 2


def test_each_contact_is_written_to_in_its_own_language(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    # One run: the French contact gets French (days, periods and the colon too), the English one English,
    # whatever language the run itself speaks.
    plan(MAIL_CONTACTS.replace('email = ["dnum@armees.example"]', 'email = ["dnum@armees.example"]\nlanguage = "fr"'))
    result = notify(cli, {**mail_env(smtp.port), "CLOUDPLAN_LANG": "en"})
    assert result.exit_code == 0, result.output
    (dinsic,) = smtp.box.to("cloud@dinsic.example")
    (armees,) = smtp.box.to("dnum@armees.example")
    assert dinsic["Subject"] == "cloudplan: Feuille de route – 1 milestone alert as of 2021-06-30 (1 overdue)"
    assert dinsic.get_body(("plain",)).get_content().splitlines()[2:] == [  # type: ignore[union-attr]
        "OVERDUE  cercle-2/ouverture  deadline 2021-Q1 (2021-03-31), 91 days late: Ouverture de l'offre",
    ]
    assert armees["Subject"] == (
        "cloudplan\u202f: Feuille de route – 2 alertes sur les jalons au 30/06/2021 (1 en retard, 1 à échéance proche)"
    )
    assert armees.get_body(("plain",)).get_content().splitlines()[2:] == [  # type: ignore[union-attr]
        "EN RETARD  cercle-2/bascule  échéance 15/06/2021, 15 jours de retard\u202f: Bascule",
        "ÉCHÉANCE PROCHE  cercle-2/etude  échéance 05/07/2021, 5 jours restants\u202f: "
        "Étude <script>alert(1)</script> & co",
    ]
    assert "échéance 05/07/2021" in armees.get_body(("html",)).get_content()  # type: ignore[union-attr]


def test_contacts_without_a_language_get_the_plans(cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer) -> None:
    # A cron job in English (or with no locale) still writes to a French administration in French.
    plan(MAIL_CONTACTS.replace('email = ["cloud@dinsic.example"]', 'email = ["cloud@dinsic.example"]\nlanguage = "en"'),
         extra="")  # fmt: skip
    path = Path("plans/roadmap.toml")
    path.write_text(path.read_text(encoding="utf-8").replace("[plan]\n", '[plan]\nlanguage = "fr"\n', 1), "utf-8")
    result = notify(cli, {**mail_env(smtp.port), "CLOUDPLAN_LANG": "en"})
    assert result.exit_code == 0, result.output
    assert smtp.box.to("dnum@armees.example")[0]["Subject"].startswith("cloudplan\u202f: Feuille de route – 2 alertes")
    assert (
        smtp.box.to("cloud@dinsic.example")[0]["Subject"]
        == "cloudplan: Feuille de route – 1 milestone alert as of 2021-06-30 (1 overdue)"
    )


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # the test's own server
def test_authentication_then_the_password_never_shows(cli: Cli, plan: Callable[[str], Path], tmp_path: Path) -> None:
    plan(MAIL_CONTACTS)
    with SMTPServer(user=("pmo", "p@ss:w/rd")) as server:
        wrong = notify(cli, mail_env(server.port, auth="pmo:n0t%2Fit@"))
        assert wrong.exit_code == 2
        assert "535" in wrong.stderr
        assert "mailto:cloud@dinsic.example" in wrong.stderr
        assert "n0t" not in wrong.output
        right = notify(cli, mail_env(server.port, auth="pmo:p%40ss%3Aw%2Frd@"))
        assert right.exit_code == 0, right.output
        assert ("pmo", "p@ss:w/rd") in server.box.logins
        assert len(server.box.messages) == 2


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # SMTPS: TLS all along
@pytest.mark.parametrize("scheme", ["smtp+starttls", "smtps"])
def test_tls_starttls_and_smtps_with_authentication(
    scheme: str, cli: Cli, plan: Callable[[str], Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan(MAIL_CONTACTS)
    cert = make_cert(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert[0]))  # the client trusts the test's own authority
    with SMTPServer(user=("pmo", "secret"), tls=cert, implicit_tls=scheme == "smtps") as server:
        result = notify(cli, mail_env(server.port, scheme, auth="pmo:secret@"))
        assert result.exit_code == 0, result.output
        assert len(server.box.messages) == 2


def test_a_refusing_server_exits_2_and_the_next_run_delivers_once(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    smtp.box.refuse = "554 5.7.1 Message rejected by policy"
    failed = notify(cli, mail_env(smtp.port))
    assert failed.exit_code == 2
    assert "mailto:cloud@dinsic.example" in failed.stderr
    assert "554 5.7.1 Message rejected by policy" in failed.stderr
    assert smtp.box.messages == []
    smtp.box.refuse = None
    ok = notify(cli, mail_env(smtp.port), as_of="2021-07-01")
    assert ok.exit_code == 0, ok.output
    assert [len(smtp.box.to(a)) for a in ("cloud@dinsic.example", "dnum@armees.example")] == [1, 1]
    assert notify(cli, mail_env(smtp.port), as_of="2021-07-02").exit_code == 0
    assert len(smtp.box.messages) == 2


def test_a_server_that_is_down_exits_2_then_delivers_at_the_next_run(cli: Cli, plan: Callable[[str], Path]) -> None:
    plan(MAIL_CONTACTS)
    port = free_port()
    down = notify(cli, mail_env(port, auth="pmo:hunter2secret@"))
    assert down.exit_code == 2
    assert f"mailto:cloud@dinsic.example: cannot send through 127.0.0.1:{port}" in down.stderr
    assert "hunter2secret" not in down.output
    with SMTPServer(port=port) as server:
        assert notify(cli, mail_env(port)).exit_code == 0
        assert notify(cli, mail_env(port)).exit_code == 0
        assert len(server.box.messages) == 2


def test_an_address_with_a_comment_is_refused_never_delivered_elsewhere(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    # Mail software reads `x@(gouv.fr)evil.example` as x@evil.example: the plan is refused, nothing is sent.
    plan(MAIL_CONTACTS.replace('"cloud@dinsic.example"', '"cloud@(dinsic.example)evil.example"'))
    result = notify(cli, mail_env(smtp.port))
    assert result.exit_code == 2
    assert (
        "plans/roadmap.toml:28:1: error bad-contact: 'cloud@(dinsic.example)evil.example' in 'email' is not a "
        "bare address: mail software would send to 'cloud@evil.example'" in result.stderr
    )
    assert smtp.box.recipients == []


def test_one_address_refused_the_other_is_not_sent_twice(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan(MAIL_CONTACTS)
    original = smtp.controller.handler.handle_DATA

    async def refuse_armees(server: object, session: object, envelope: object) -> str:
        if "dnum@armees.example" in envelope.rcpt_tos:  # type: ignore[attr-defined]
            return "550 5.1.1 No such mailbox"
        return await original(server, session, envelope)

    monkeypatch.setattr(smtp.controller.handler, "handle_DATA", refuse_armees)
    first = notify(cli, mail_env(smtp.port))
    assert first.exit_code == 2
    assert "mailto:dnum@armees.example" in first.stderr
    assert "550 5.1.1 No such mailbox" in first.stderr
    assert "cloud@dinsic.example" not in first.stderr
    monkeypatch.setattr(smtp.controller.handler, "handle_DATA", original)
    assert notify(cli, mail_env(smtp.port)).exit_code == 0
    assert [len(smtp.box.to(a)) for a in ("cloud@dinsic.example", "dnum@armees.example")] == [1, 1]


# -- Matrix and webhooks -------------------------------------------------------------------------------


def test_matrix_rooms_and_webhooks_get_their_owners_alerts(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS)
    result = notify(cli, http_env(hub))
    assert result.exit_code == 0, result.output
    h = hub.hub
    (cloud,) = h.events["!cloud:agent.tchap.gouv.fr"]
    (armees,) = h.events["!armees:agent.tchap.gouv.fr"]
    assert cloud["msgtype"] == "m.text"
    assert cloud["format"] == "org.matrix.custom.html"
    assert "cercle-2/ouverture" in cloud["body"]
    assert "cercle-2/etude" not in cloud["body"]
    assert "&lt;script&gt;" in armees["formatted_body"]
    assert "<script>" not in armees["formatted_body"]
    assert armees["body"].startswith(
        "cloudplan: Feuille de route – 2 milestone alerts as of 2021-06-30 (1 overdue, 1 due soon)\n\n"
    )
    gets = [r for r in h.requests if r.method == "GET"]
    assert [r.path for r in gets] == ["/_matrix/client/v3/directory/room/%23cloud%3Aagent.tchap.gouv.fr"]
    assert all(r.headers["Authorization"] == f"Bearer {h.token}" for r in h.requests if r.path.startswith("/_matrix"))
    assert armees["m.mentions"] == {}
    (hook,) = h.hooks["/hook/dinsic-secret-path"]
    assert set(hook) == {"text"}
    assert "cercle-2/ouverture" in hook["text"]
    assert len(h.hooks["/hook/armees-secret-path"]) == 1
    assert notify(cli, http_env(hub), as_of="2021-07-01").exit_code == 0
    assert sum(len(v) for v in h.events.values()) == 2
    assert sum(len(v) for v in h.hooks.values()) == 2


def test_a_500_mid_run_is_retried_next_run_with_the_same_txn_id_and_posted_once(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS)
    h = hub.hub
    # The server takes the event but its answer is lost in a 500: the retry must not post it again.
    h.script["/rooms/%21armees"] = [(500, {"errcode": "M_UNKNOWN", "error": "Internal server error"}, True)]
    h.script["/hook/dinsic"] = [(500, {"message": "boom"}, False)]
    first = notify(cli, http_env(hub))
    assert first.exit_code == 2
    assert "matrix:!armees:agent.tchap.gouv.fr: the server refused the message: HTTP 500: M_UNKNOWN" in first.stderr
    assert "webhook:$HOOK_DINSIC: the webhook refused the message: HTTP 500" in first.stderr
    assert "dinsic-secret-path" not in first.output
    second = notify(cli, http_env(hub), as_of="2021-07-01")
    assert second.exit_code == 0, second.output
    puts = [r.path for r in h.requests if r.method == "PUT" and "armees" in r.path]
    assert len(puts) == 2
    assert puts[0] == puts[1]
    assert len(h.events["!armees:agent.tchap.gouv.fr"]) == 1
    assert len(h.events["!cloud:agent.tchap.gouv.fr"]) == 1  # sent in the first run, not again
    assert [len(h.hooks[p]) for p in ("/hook/dinsic-secret-path", "/hook/armees-secret-path")] == [1, 1]


def test_a_429_is_waited_for_as_the_server_asks(cli: Cli, plan: Callable[[str], Path], hub: HTTPServer) -> None:
    plan(HTTP_CONTACTS)
    h = hub.hub
    h.script["/rooms/%21armees"] = [(429, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 400}, False)]
    result = notify(cli, http_env(hub))
    assert result.exit_code == 0, result.output
    puts = [r for r in h.requests if r.method == "PUT" and "armees" in r.path]
    assert len(puts) == 2
    assert puts[0].path == puts[1].path
    assert puts[1].at - puts[0].at >= 0.39
    assert len(h.events["!armees:agent.tchap.gouv.fr"]) == 1


def test_a_429_asking_too_long_a_wait_fails_the_destination(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS)
    hub.hub.script["/rooms/%21armees"] = [(429, {"errcode": "M_LIMIT_EXCEEDED", "retry_after_ms": 3_600_000}, False)]
    started = time.monotonic()
    result = notify(cli, http_env(hub))
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert "HTTP 429: M_LIMIT_EXCEEDED" in result.stderr


def test_about_one_call_a_second(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify_http, "INTERVAL", 1.0)
    plan(HTTP_CONTACTS.replace('webhook = ["$HOOK_DINSIC"]', "").replace('webhook = ["$HOOK_ARMEES"]', ""))
    assert notify(cli, http_env(hub)).exit_code == 0
    calls = [r.at for r in hub.hub.requests]
    assert len(calls) == 3  # the alias, then a message in each room
    assert all(b - a >= 0.95 for a, b in itertools.pairwise(calls))


def test_a_title_cannot_ping_a_whole_room(cli: Cli, write_plan: Callable[..., Path], hub: HTTPServer) -> None:
    write_plan(PLAN.replace('title = "Bascule"', 'title = "Bascule @all @channel @room"') + HTTP_CONTACTS,
               "plans/roadmap.toml")  # fmt: skip
    assert notify(cli, http_env(hub)).exit_code == 0
    (event,) = hub.hub.events["!armees:agent.tchap.gouv.fr"]
    (hook,) = hub.hub.hooks["/hook/armees-secret-path"]
    for text in (event["body"], event["formatted_body"], hook["text"]):
        assert "Bascule @\u2060all @\u2060channel @\u2060room" in text
        assert "@all" not in text


def test_a_webhook_answering_a_redirect_failed_is_not_followed_and_gets_its_alerts_next_run(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS)
    h = hub.hub
    h.redirects["/hook/dinsic"] = f"{hub.url}/hook/elsewhere"
    first = notify(cli, http_env(hub))
    assert first.exit_code == 2
    assert (
        "webhook:$HOOK_DINSIC: the webhook answered HTTP 302 Found, a redirect, which cloudplan does not follow"
        in first.stderr
    )
    assert [r.path for r in h.requests if "hook" in r.path] == ["/hook/armees-secret-path", "/hook/dinsic-secret-path"]
    assert "/hook/dinsic-secret-path" not in h.hooks  # the redirect answered; nothing was posted
    state = json.loads(Path("state.json").read_text())
    assert "webhook:$HOOK_DINSIC" not in state["destinations"]  # kept for the next run
    h.redirects.clear()
    second = notify(cli, http_env(hub), as_of="2021-07-01")
    assert second.exit_code == 0, second.output
    (hook,) = h.hooks["/hook/dinsic-secret-path"]
    assert "cercle-2/ouverture" in hook["text"]
    assert len(h.hooks["/hook/armees-secret-path"]) == 1


def test_a_matrix_redirect_is_not_followed_so_the_token_goes_nowhere_else(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS.replace('webhook = ["$HOOK_DINSIC"]', "").replace('webhook = ["$HOOK_ARMEES"]', ""))
    hub.hub.redirects["/directory/room/"] = f"{hub.url}/collect-the-token"
    hub.hub.redirects["/rooms/%21armees"] = f"{hub.url}/collect-the-token"
    result = notify(cli, http_env(hub))
    assert result.exit_code == 2
    assert "matrix:#cloud:agent.tchap.gouv.fr: cannot resolve the room alias: HTTP 302 Found" in result.stderr
    assert "matrix:!armees:agent.tchap.gouv.fr: the server refused the message: HTTP 302 Found" in result.stderr
    assert [r for r in hub.hub.requests if "collect" in r.path] == []
    assert hub.hub.events == {}


def test_a_refusal_says_the_status_never_what_the_server_wrote(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS)
    h = hub.hub
    h.reason = "DB_PASSWORD=hunter2-reason"
    h.script["/hook/dinsic"] = [(403, {"message": "internal_config: DB_PASSWORD=hunter2-body"}, False)]
    h.script["/rooms/%21armees"] = [(502, {"page": "<h1>proxy: DB_PASSWORD=hunter2-proxy</h1>"}, False)]
    result = notify(cli, http_env(hub))
    assert result.exit_code == 2
    assert "webhook:$HOOK_DINSIC: the webhook refused the message: HTTP 403 Forbidden\n" in result.stderr
    assert "matrix:!armees:agent.tchap.gouv.fr: the server refused the message: HTTP 502 Bad Gateway\n" in result.stderr
    assert "hunter2" not in result.output
    assert "internal_config" not in result.output


def test_a_title_cannot_mention_or_link_in_a_chat_webhook(
    cli: Cli, write_plan: Callable[..., Path], hub: HTTPServer
) -> None:
    title = "Bascule <!channel> <!here|here> <https://evil.example|Valider ici> & <@U123> &lt;b&gt;"
    write_plan(PLAN.replace('title = "Bascule"', f"title = {json.dumps(title)}") + HTTP_CONTACTS, "plans/roadmap.toml")
    assert notify(cli, http_env(hub)).exit_code == 0
    (hook,) = hub.hub.hooks["/hook/armees-secret-path"]
    assert "<" not in hook["text"]
    assert ">" not in hook["text"]
    assert (
        "Bascule &lt;!channel&gt; &lt;!here|here&gt; &lt;https://evil.example|Valider ici&gt; &amp; "
        "&lt;@\u2060U123&gt; &amp;lt;b&amp;gt;" in hook["text"]
    )
    (event,) = hub.hub.events["!armees:agent.tchap.gouv.fr"]
    assert title.replace("@", "@\u2060") in event["body"]  # Matrix's plain body is text: not escaped


def test_a_token_echoed_by_the_server_never_shows(cli: Cli, plan: Callable[[str], Path], hub: HTTPServer) -> None:
    plan(HTTP_CONTACTS)
    env = {**http_env(hub), "CLOUDPLAN_MATRIX_TOKEN": "syt_wrong_token_456"}
    result = notify(cli, env)
    assert result.exit_code == 2
    assert "M_UNKNOWN_TOKEN" in result.stderr
    assert "syt_wrong_token_456" not in result.output


def test_a_process_killed_between_two_sends_sends_each_alert_once(
    plan: Callable[[str], Path], hub: HTTPServer, tmp_path: Path
) -> None:
    plan(HTTP_CONTACTS.replace('matrix = ["#cloud:agent.tchap.gouv.fr"]', "").replace(
        'matrix = ["!armees:agent.tchap.gouv.fr"]', ""))  # fmt: skip
    h = hub.hub
    import threading

    release = threading.Event()
    h.block["/hook/dinsic"] = release  # webhook:$HOOK_ARMEES goes first, then this one hangs
    work = tmp_path / "work"
    env = {**os.environ, **http_env(hub), "PYTHONPATH": str(ROOT / "src")}
    argv = [sys.executable, "-m", "cloudplan", "notify", "plans", "--state", "state.json", "--as-of", AS_OF]
    with subprocess.Popen(argv, cwd=work, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) as process:
        try:
            assert h.blocked.wait(60), "the second send never came"
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        finally:
            release.set()
    assert len(h.hooks.get("/hook/armees-secret-path", [])) == 1
    assert "/hook/dinsic-secret-path" not in h.hooks
    state = json.loads((work / "state.json").read_text())
    assert set(state["destinations"]) == {"webhook:$HOOK_ARMEES"}
    again = subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert [len(h.hooks[p]) for p in ("/hook/dinsic-secret-path", "/hook/armees-secret-path")] == [1, 1]
    assert "cercle-2/ouverture" in h.hooks["/hook/dinsic-secret-path"][0]["text"]


def test_five_runs_at_once_on_one_state_file_send_each_alert_once(
    plan: Callable[[str], Path], hub: HTTPServer, tmp_path: Path
) -> None:
    # Five cron lines (or a cron line and a person) fire together: they take turns on the state file,
    # and those after the first find everything sent. Each webhook answers slowly, so that runs overlap.
    plan(HTTP_CONTACTS.replace('matrix = ["#cloud:agent.tchap.gouv.fr"]', "").replace(
        'matrix = ["!armees:agent.tchap.gouv.fr"]', ""))  # fmt: skip
    hub.hub.delay = 0.5
    work = tmp_path / "work"
    env = {**os.environ, **http_env(hub), "PYTHONPATH": str(ROOT / "src")}
    argv = [sys.executable, "-m", "cloudplan", "notify", "plans", "--state", "state.json", "--as-of", AS_OF]
    runs = [subprocess.Popen(argv, cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(5)]  # fmt: skip
    outcomes = [(run.wait(120), *run.communicate()) for run in runs]
    assert outcomes == [(0, "", "")] * 5
    assert [len(hub.hub.hooks[p]) for p in ("/hook/dinsic-secret-path", "/hook/armees-secret-path")] == [1, 1]
    assert sorted(os.listdir(work)) == ["plans", "state.json"]  # no lock file left behind


def test_a_run_waits_for_the_one_using_the_state_file_then_sends_only_what_is_left(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    import threading

    from cloudplan import store

    plan(HTTP_CONTACTS)
    taken, release = threading.Event(), threading.Event()

    def other_run() -> None:
        with store.state_locked(Path("state.json")):
            taken.set()
            release.wait(30)

    holder = threading.Thread(target=other_run)
    holder.start()
    assert taken.wait(10)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    result = notify(cli, http_env(hub))
    holder.join()
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started >= 0.45
    assert sum(len(v) for v in hub.hub.hooks.values()) == 2


def test_a_run_that_waits_too_long_for_the_state_file_sends_nothing_and_exits_2(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cloudplan import store
    from cloudplan.store import writer

    monkeypatch.setattr(writer, "STATE_LOCK_TIMEOUT", 0.3)
    plan(HTTP_CONTACTS)
    with store.state_locked(Path("state.json")):
        result = notify(cli, http_env(hub))
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"cloudplan: another cloudplan notify has been using the state file {Path.cwd() / 'state.json'} for 0 s",
        "  nothing was sent: the alerts it holds go at the next run",
    ]
    assert hub.hub.requests == []
    assert not Path("state.json").exists()


def test_the_state_files_lock_never_follows_a_link_and_a_dry_run_takes_none(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer, tmp_path: Path
) -> None:
    plan(HTTP_CONTACTS)
    victim = tmp_path / "victim"
    victim.write_text("precious")
    Path("state.json.lock").symlink_to(victim)
    dry = notify(cli, http_env(hub), "--dry-run")
    assert dry.exit_code == 0, dry.output
    result = notify(cli, http_env(hub))
    assert result.exit_code == 2
    assert "state.json.lock is a symbolic link: cloudplan never follows one" in result.stderr
    assert "nothing was sent" in result.stderr
    assert victim.read_text() == "precious"
    assert hub.hub.requests == []
    Path("state.json.lock").unlink()
    assert notify(cli, http_env(hub)).exit_code == 0
    assert sorted(os.listdir()) == ["plans", "state.json"]


# -- plan text reaches every transport inert ------------------------------------------------------------

# Escapes (a screen clear, a terminal hyperlink), CR/LF, U+2028/U+2029, NEL and a bidi override, each
# shaped to forge a line of its own that reads as an alert.
FORGED = "OVERDUE  cercle-2/fake  deadline 2021-01-01, 999 days late: Payez sur https://evil.example"
HOSTILE_OWNER = f"Ministère\x1b[2J\r\n{FORGED}\u2028{FORGED}\x85{FORGED}"
HOSTILE_TITLE = f"Bascule\x1b]8;;https://evil.example\x07clic\x1b]8;;\x07\r\n{FORGED}\u2029\u202etxt.exe"
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")

EVERY_TRANSPORT = """
[[contact]]
owner = "DINSIC"
email = ["cloud@dinsic.example"]

[[contact]]
owner = "Ministère des Armées"
email = ["dnum@armees.example"]
matrix = ["!armees:agent.tchap.gouv.fr"]
webhook = ["$HOOK_ARMEES"]
"""


def part(mail: EmailMessage, kind: str) -> str:
    """The text of a mail's plain or html part, its lines ended by LF as in the message sent."""
    body = mail.get_body((kind,))
    assert body is not None
    return str(body.get_content()).replace("\r\n", "\n")


def assert_inert(text: str, forged_lines: int = 0) -> None:
    """Nothing in *text* acts on a terminal or breaks a line, and no line reads as a forged alert."""
    assert not UNSAFE.search(text.replace("\n", "")), repr(text)
    lines = text.split("\n")
    assert [line for line in lines if line.startswith("OVERDUE  cercle-2/fake")] == []
    assert sum(FORGED in line for line in lines) == forged_lines or forged_lines < 0


def test_a_hostile_owner_and_title_reach_every_transport_inert(
    cli: Cli, write_plan: Callable[..., Path], smtp: SMTPServer, hub: HTTPServer
) -> None:
    env = {**mail_env(smtp.port), **http_env(hub)}
    hostile = PLAN.replace('title = "Bascule"', f"title = {json.dumps(HOSTILE_TITLE)}\nnotes = {json.dumps(FORGED)}")
    # The plan's own title, which the subject names, tries to add a header.
    hostile = hostile.replace('title = "Feuille de route"', 'title = "Feuille de route\\r\\nBcc: spy@evil.example"', 1)
    path = write_plan(hostile + EVERY_TRANSPORT, "plans/roadmap.toml")
    first = notify(cli, env)
    assert first.exit_code == 0, first.output
    # The next day the milestone changes hands: the Ministry is told who owns it now, and the
    # new owner, who has no contact, is printed for cron's mail.
    owner = json.dumps(HOSTILE_OWNER)
    path.write_text(path.read_text("utf-8").replace('due = "2021-06-15"', f'due = "2021-06-15"\nowners = [{owner}]'),
                    "utf-8")  # fmt: skip
    dry = notify(cli, env, "--dry-run", as_of="2021-07-01")
    second = notify(cli, env, as_of="2021-07-01")
    assert second.exit_code == 1, second.output
    mails = smtp.box.to("dnum@armees.example")
    assert len(mails) == 2
    (event_1, event_2) = hub.hub.events["!armees:agent.tchap.gouv.fr"]
    (hook_1, hook_2) = hub.hub.hooks["/hook/armees-secret-path"]
    cleared = [
        part(mails[1], "plain"),
        event_2["body"],
        hook_2["text"],
    ]
    for text in cleared:
        assert_inert(text, forged_lines=1)  # the owner's text, on the CLEARED line, where it belongs
        (line,) = [line for line in text.splitlines() if "CLEARED" in line]
        assert line.startswith("CLEARED  cercle-2/bascule  now owned by Ministère␛[2J␍␊OVERDUE  cercle-2/fake")
    for text in [part(m, "plain") for m in mails] + [e["body"] for e in (event_1, event_2)]:
        assert_inert(text, forged_lines=-1)
        assert "Bascule␛]8;;https://evil.example␇clic␛]8;;␇␍␊OVERDUE" in text
    for page in [part(m, "html") for m in mails] + [e["formatted_body"] for e in (event_1, event_2)]:
        assert_inert(page, forged_lines=-1)
        assert "\x1b" not in page
    for text in (hook_1["text"], hook_2["text"], second.stdout, dry.stdout):
        assert_inert(text, forged_lines=-1)
    for m in mails:  # the plan's title reaches the subject inert, and adds no header
        assert all(not UNSAFE.search(str(v)) for v in m.values())
        assert m["Bcc"] is None
        assert "Feuille de route␍␊Bcc: spy@evil.example" in m["Subject"]
    assert "spy@evil.example" not in smtp.box.recipients
    assert "Feuille de route␍␊Bcc" in event_1["body"].splitlines()[0]
    # Standard output (cron's mail) and the dry run name the new owner on one line each.
    assert [line for line in second.stdout.splitlines() if "Ministère␛" in line] != []
    assert dry.exit_code == 1
    assert "[Ministère␛[2J␍␊OVERDUE  cercle-2/fake" in dry.stdout


# -- the command -----------------------------------------------------------------------------------------


def test_alerts_that_reach_nobody_are_printed_and_exit_1(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan('\n[[contact]]\nowner = "DINSIC"\nemail = ["cloud@dinsic.example"]\n')
    result = notify(cli, mail_env(smtp.port))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "cloudplan: Feuille de route – 2 milestone alerts as of 2021-06-30 (1 overdue, 1 due soon)",
        "",
        "OVERDUE  cercle-2/bascule  deadline 2021-06-15, 15 days late: Bascule [Ministère des Armées]",
        "DUE SOON  cercle-2/etude  deadline 2021-07-05, 5 days left: Étude <script>alert(1)</script> & co "
        "[Ministère des Armées]",
    ]
    assert len(smtp.box.messages) == 1
    assert notify(cli, mail_env(smtp.port)).exit_code == 0  # printed once, like any alert


def test_the_star_contact_takes_every_owner_without_one(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan('\n[[contact]]\nowner = "*"\nemail = ["pmo@dinsic.example"]\n')
    result = notify(cli, mail_env(smtp.port))
    assert result.exit_code == 0, result.output
    (mail,) = smtp.box.messages
    assert mail["To"] == "pmo@dinsic.example"
    assert (
        mail["Subject"] == "cloudplan: Feuille de route – 3 milestone alerts as of 2021-06-30 (2 overdue, 1 due soon)"
    )
    assert "[DINSIC]" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]


def test_dry_run_prints_every_message_and_sends_and_writes_nothing(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    result = notify(cli, mail_env(smtp.port), "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:4] == [
        "To: mailto:cloud@dinsic.example",
        "Subject: cloudplan: Feuille de route – 1 milestone alert as of 2021-06-30 (1 overdue)",
        "",
        "OVERDUE  cercle-2/ouverture  deadline 2021-Q1 (2021-03-31), 91 days late: Ouverture de l'offre",
    ]
    assert "To: mailto:dnum@armees.example" in result.stdout
    assert smtp.box.messages == []
    assert not Path("state.json").exists()


def test_an_unreadable_state_file_exits_2_and_sends_nothing(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    Path("state.json").write_text('{"cloudplan": "overdue-state", "version": 1, "items": {}}')
    result = notify(cli, mail_env(smtp.port))
    assert result.exit_code == 2
    assert "state.json: cannot use this state file: not a cloudplan notify state file" in result.stderr
    assert smtp.box.messages == []


def test_missing_settings_stop_the_run_before_any_send(cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer) -> None:
    plan(MAIL_CONTACTS + '\n[[contact]]\nowner = "DINUM"\nwebhook = ["$HOOK_DINUM"]\n', "")
    result = notify(cli, {"CLOUDPLAN_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}"})
    assert result.exit_code == 2
    assert "the environment lacks CLOUDPLAN_MAIL_FROM" in result.stderr
    assert smtp.box.messages == []


def test_state_file_holds_what_each_destination_was_sent(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    assert notify(cli, mail_env(smtp.port)).exit_code == 0
    state = json.loads(Path("state.json").read_text())
    assert state["cloudplan"] == "notify-state"
    assert state["version"] == 1
    assert state["as_of"] == AS_OF
    assert state["destinations"] == {
        "mailto:cloud@dinsic.example": {
            "cercle-2/ouverture": {"status": "overdue", "deadline": "2021-03-31", "sent": "2021-06-30"}
        },
        "mailto:dnum@armees.example": {
            "cercle-2/bascule": {"status": "overdue", "deadline": "2021-06-15", "sent": "2021-06-30"},
            "cercle-2/etude": {"status": "due-soon", "deadline": "2021-07-05", "remind": 7},
        },
    }


def test_notify_needs_state(cli: Cli, plan: Callable[[str], Path]) -> None:
    plan(MAIL_CONTACTS)
    result = cli("notify", "plans")
    assert result.exit_code == 2
    assert "--state" in result.output


def test_bad_remind_is_a_usage_error(cli: Cli, plan: Callable[[str], Path]) -> None:
    plan(MAIL_CONTACTS)
    result = notify(cli, {}, "--remind", "30,a")
    assert result.exit_code == 2
    assert "--remind '30,a'" in result.stderr


def test_a_mail_server_that_never_answers_times_out(
    cli: Cli, plan: Callable[[str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    from cloudplan.notify import mail

    monkeypatch.setattr(mail, "TIMEOUT", 0.5)
    plan(MAIL_CONTACTS)
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        started = time.monotonic()
        result = notify(cli, mail_env(silent.getsockname()[1]))
    assert result.exit_code == 2
    assert time.monotonic() - started < 10
    assert "mailto:cloud@dinsic.example: cannot send through 127.0.0.1:" in result.stderr
    assert "timed out" in result.stderr


def test_an_unknown_room_alias_fails_that_room_only(cli: Cli, plan: Callable[[str], Path], hub: HTTPServer) -> None:
    plan(HTTP_CONTACTS)
    hub.hub.aliases.clear()
    result = notify(cli, http_env(hub))
    assert result.exit_code == 2
    assert "matrix:#cloud:agent.tchap.gouv.fr: cannot resolve the room alias: HTTP 404: M_NOT_FOUND" in result.stderr
    assert len(hub.hub.events["!armees:agent.tchap.gouv.fr"]) == 1


# -- mails that explain themselves (issue 19) ----------------------------------------------------------

LONG_TITLE = "Feuille de route numérique du ministère de l'Intérieur et des Outre-mer, 2025-2027"


def test_every_mail_names_the_plan_and_the_day(cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer) -> None:
    plan(MAIL_CONTACTS.replace('email = ["dnum@armees.example"]', 'email = ["dnum@armees.example"]\nlanguage = "fr"'))
    assert notify(cli, mail_env(smtp.port)).exit_code == 0
    (dinsic,) = smtp.box.to("cloud@dinsic.example")
    (armees,) = smtp.box.to("dnum@armees.example")
    for mail, day in ((dinsic, "2021-06-30"), (armees, "30/06/2021")):
        text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        page = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        for part in (mail["Subject"], text, page):
            assert "Feuille de route" in part
            assert day in part
    assert "au 30/06/2021" in armees["Subject"]


def test_the_star_contacts_mail_names_the_owner_of_each_milestone(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    """The "*" contact hears of owners who have no contact of their own: each line says whose it is, even when
    every milestone in the mail has the same owner."""
    plan('\n[[contact]]\nowner = "DINSIC"\nemail = ["cloud@dinsic.example"]\n'
         '\n[[contact]]\nowner = "*"\nemail = ["pmo@pmo.example"]\n')  # fmt: skip
    assert notify(cli, mail_env(smtp.port)).exit_code == 0
    (mail,) = smtp.box.to("pmo@pmo.example")
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert text.splitlines()[2:] == [
        "OVERDUE  cercle-2/bascule  deadline 2021-06-15, 15 days late: Bascule [Ministère des Armées]",
        "DUE SOON  cercle-2/etude  deadline 2021-07-05, 5 days left: Étude <script>alert(1)</script> & co "
        "[Ministère des Armées]",
    ]
    assert "Ministère des Armées" in mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    (own,) = smtp.box.to("cloud@dinsic.example")  # an owner's own mail does not repeat its name
    assert "[DINSIC]" not in own.get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("sender", "name"),
    [("PMO <pmo@x.gouv.fr>", "PMO"), ("Bureau du numérique <pmo@x.gouv.fr>", "Bureau du numérique"),
     ("pmo@x.gouv.fr", ""),
     ('"Direction (DNUM), bureau des outils" <pmo@x.gouv.fr>', "Direction (DNUM), bureau des outils")],
)  # fmt: skip
def test_mail_from_keeps_its_display_name(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer, sender: str, name: str
) -> None:
    plan(MAIL_CONTACTS)
    result = notify(cli, {**mail_env(smtp.port), "CLOUDPLAN_MAIL_FROM": sender})
    assert result.exit_code == 0, result.output
    (mail,) = smtp.box.to("cloud@dinsic.example")
    (address,) = mail["From"].addresses
    assert (address.display_name, address.addr_spec) == (name, "pmo@x.gouv.fr")
    assert mail["Message-ID"].endswith("@x.gouv.fr>")
    if sender.isascii() and name and "(" not in name:
        assert f"From: {sender}\r\n".encode() in smtp.box.raw[0]  # as written, byte for byte


def test_a_mail_from_that_is_not_one_address_is_said_before_anything_is_sent(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    result = notify(cli, {**mail_env(smtp.port), "CLOUDPLAN_MAIL_FROM": "PMO <pmo@>, other@x.gouv.fr"})
    assert result.exit_code == 2
    assert "CLOUDPLAN_MAIL_FROM is not one e-mail address" in result.stderr
    assert smtp.box.messages == []
    dry = notify(cli, {**mail_env(smtp.port), "CLOUDPLAN_MAIL_FROM": "not an address"}, "--dry-run")
    assert "CLOUDPLAN_MAIL_FROM is not one e-mail address: 'not an address'" in dry.stderr


def test_mails_ask_for_no_automatic_reply(cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer) -> None:
    plan(MAIL_CONTACTS)
    assert notify(cli, mail_env(smtp.port)).exit_code == 0
    for mail, raw in zip(smtp.box.messages, smtp.box.raw, strict=True):
        assert mail["Auto-Submitted"] == "auto-generated"
        assert mail["X-Auto-Response-Suppress"] == "All"
        assert b"\r\nX-Auto-Response-Suppress: All\r\n" in raw


@pytest.mark.parametrize("extra", range(0, 60, 3))
def test_long_french_subjects_hold_no_empty_encoded_word(
    cli: Cli, write_plan: Callable[..., Path], smtp: SMTPServer, extra: int
) -> None:
    """Python's own header folder (email.policy) writes `=?utf-8?q??=` in some long French subjects, for example
    `cloudplan : 12 alertes sur les jalons (5 en retard, 4 à échéance proche, 3 levées) — Feuille de route numérique
    du ministère` on CPython 3.11 to 3.13. Subjects of every length, on the raw bytes (the smtp fixture checks
    every mail's bytes and its strict parse too)."""
    title = (LONG_TITLE + " é" * extra)[: 40 + extra * 2]
    milestones = "".join(
        f'\n  [[project.milestone]]\n  id = "m{i}"\n  title = "Étape {i} à échéance"\n'
        f'  due = "2021-0{1 + i % 9}-1{i % 9}"\n'
        for i in range(1 + extra % 7)
    )
    text = (f'[plan]\ntitle = "{title}"\nlanguage = "fr"\nowner = "DINSIC"\n\n[[project]]\nid = "p"\ntitle = "P"\n'
            f'{milestones}\n[[contact]]\nowner = "*"\nemail = ["pmo@pmo.example"]\n')  # fmt: skip
    write_plan(text, "plans/roadmap.toml")
    result = notify(cli, mail_env(smtp.port), as_of="2021-12-31")
    assert result.exit_code == 0, result.output
    (raw,) = smtp.box.raw
    assert b"=?utf-8?q??=" not in raw.lower()
    (mail,) = smtp.box.messages
    assert mail["Subject"].startswith(f"cloudplan\u202f: {title} – ")
    assert mail["Subject"].endswith(")")


def test_the_html_part_is_a_small_styled_table_titles_before_ids(
    cli: Cli, plan: Callable[[str], Path], smtp: SMTPServer
) -> None:
    plan(MAIL_CONTACTS)
    assert notify(cli, mail_env(smtp.port)).exit_code == 0
    (armees,) = smtp.box.to("dnum@armees.example")
    page = armees.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert "<table style=" in page
    assert "<ul>" not in page
    assert page.count("<tr>") == 3  # the header row and one row per alert
    assert page.index("<strong>Bascule</strong>") < page.index("cercle-2/bascule")
    assert page.index("Étude &lt;script&gt;") < page.index("cercle-2/etude")
    assert "<th" in page
    assert 'style="padding' in page  # inline: mail clients drop style sheets
    assert "<style" not in page
    assert "color:#b71c1c" in page  # the overdue label, dark enough on white
    from html.parser import HTMLParser

    HTMLParser().feed(page)


def test_matrix_gets_the_table_and_webhooks_the_text_with_the_plan(
    cli: Cli, plan: Callable[[str], Path], hub: HTTPServer
) -> None:
    plan(HTTP_CONTACTS)
    assert notify(cli, http_env(hub)).exit_code == 0
    (armees,) = hub.hub.events["!armees:agent.tchap.gouv.fr"]
    assert "<table" in armees["formatted_body"]
    assert armees["formatted_body"].index("<strong>Bascule</strong>") < armees["formatted_body"].index(
        "cercle-2/bascule"
    )
    (hook,) = hub.hub.hooks["/hook/armees-secret-path"]
    assert hook["text"].startswith("cloudplan: Feuille de route – 2 milestone alerts as of 2021-06-30")


def test_dry_run_says_what_a_real_run_would_miss(cli: Cli, plan: Callable[[str], Path], hub: HTTPServer) -> None:
    plan(MAIL_CONTACTS + HTTP_CONTACTS.replace('owner = "DINSIC"', 'owner = "ANSSI"', 1).replace(
        'owner = "Ministère des Armées"', 'owner = "SGDSN"', 1))  # fmt: skip
    nothing = notify(cli, {}, "--dry-run")
    assert nothing.exit_code == 0
    assert "To: mailto:cloud@dinsic.example" in nothing.stdout
    assert nothing.stderr == (
        "cloudplan: warning: a real run would send nothing: the environment lacks CLOUDPLAN_MAIL_FROM, "
        "CLOUDPLAN_MATRIX_TOKEN, CLOUDPLAN_MATRIX_URL, CLOUDPLAN_SMTP_URL, HOOK_ARMEES, HOOK_DINSIC\n"
    )
    ready = {**mail_env(free_port()), **http_env(hub)}
    assert notify(cli, ready, "--dry-run").stderr == ""
    broken = notify(
        cli, {**ready, "CLOUDPLAN_SMTP_URL": "http://mail.example", "CLOUDPLAN_MATRIX_URL": "ftp://x"}, "--dry-run"
    )
    assert "CLOUDPLAN_SMTP_URL is not an smtp://" in broken.stderr
    assert "CLOUDPLAN_MATRIX_URL must be an http(s):// URL" in broken.stderr
    french = notify(cli, {"CLOUDPLAN_LANG": "fr"}, "--dry-run")
    assert "avertissement\u202f: un envoi réel n'enverrait rien" in french.stderr
    assert Path("state.json").exists() is False
    assert hub.hub.requests == []
