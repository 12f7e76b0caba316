"""Matrix (Tchap is Matrix): a room message through the client-server API, with urllib.

    PUT {CLOUDPLAN_MATRIX_URL}/_matrix/client/v3/rooms/{room}/send/m.room.message/{txnId}
    Authorization: Bearer {CLOUDPLAN_MATRIX_TOKEN}

An alias (#room:server) is first resolved to its room id with
`GET .../_matrix/client/v3/directory/room/{alias}`. The txnId is the message's id, a
digest of its alerts: the server keeps one event per transaction id and access token,
so a send retried after a lost answer (or on the next run) is not posted twice.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from cloudplan.base.translate import _
from cloudplan.notify import SendFailed
from cloudplan.notify.http import Answer, call, summary, unmention
from cloudplan.notify.messages import Message

API = "/_matrix/client/v3"


def send(message: Message, env: Mapping[str, str]) -> str:
    """Post *message* in its room; return the event id. Raises SendFailed."""
    d = message.destination
    room = d.removeprefix("matrix:")
    base = env.get("CLOUDPLAN_MATRIX_URL", "").rstrip("/")
    token = env.get("CLOUDPLAN_MATRIX_TOKEN", "")
    if urlsplit(base).scheme not in ("http", "https"):
        raise SendFailed(_("{d}: CLOUDPLAN_MATRIX_URL must be an http(s):// URL").format(d=d))
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json"}
    server = urlsplit(base).netloc
    if room.startswith("#"):
        answer = _call("GET", f"{base}{API}/directory/room/{quote(room, safe='')}", headers, None, server, d)
        room_id = answer.body.get("room_id") if isinstance(answer.body, dict) else None
        if answer.status != 200 or not isinstance(room_id, str):
            raise SendFailed(
                _("{d}: cannot resolve the room alias: {answer}").format(d=d, answer=summary(answer)),
                hint=_("check the alias, and that the account of the token can see it"),
            )
        room = room_id
    content = {
        "msgtype": "m.text",
        "body": unmention(message.text),
        "format": "org.matrix.custom.html",
        "formatted_body": unmention(message.html),
        "m.mentions": {},  # nobody is meant: a plan's "@room" notifies no one
    }
    url = f"{base}{API}/rooms/{quote(room, safe='')}/send/m.room.message/{message.id}"
    answer = _call("PUT", url, headers, json.dumps(content).encode("utf-8"), server, d)
    if answer.status != 200:
        raise SendFailed(_("{d}: the server refused the message: {answer}").format(d=d, answer=summary(answer)))
    event = answer.body.get("event_id") if isinstance(answer.body, dict) else None
    return str(event or "")


def _call(method: str, url: str, headers: dict[str, str], data: bytes | None, server: str, d: str) -> Answer:
    try:
        return call(method, url, headers, data, server)
    except OSError as e:
        why = getattr(e, "reason", None) or e.strerror or e
        raise SendFailed(_("{d}: cannot reach {server}: {why}").format(d=d, server=server, why=why)) from None
