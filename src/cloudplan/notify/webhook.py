"""Webhooks: a POST of {"text": ...}, which Mattermost, Slack and Rocket.Chat read, with urllib.

A destination `$NAME` takes its URL from the environment variable NAME, so that the
URL, which is the secret, stays out of the plan; it is named `$NAME` in every message.

Only a 2xx answer is a delivery. A redirect is not followed and is a failure, as is any
other answer; what the server said is not repeated, only its status (see
`http.status_line`). The text is defused for chats (see `defuse`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from cloudplan.base.translate import _
from cloudplan.notify import SendFailed
from cloudplan.notify.http import call, status_line, unmention
from cloudplan.notify.messages import Message


def send(message: Message, env: Mapping[str, str]) -> str:
    """POST *message*'s text; return the server's answer. Raises SendFailed."""
    d = message.destination
    hook = d.removeprefix("webhook:")
    url = env.get(hook[1:], "") if hook.startswith("$") else hook
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SendFailed(_("{d}: the webhook is not an http(s):// URL").format(d=d))
    data = json.dumps({"text": defuse(message.text)}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    try:
        answer = call("POST", url, headers, data, parts.netloc)
    except OSError as e:
        why = getattr(e, "reason", None) or e.strerror or e
        raise SendFailed(_("{d}: cannot reach the webhook: {why}").format(d=d, why=why)) from None
    if 300 <= answer.status < 400:
        raise SendFailed(
            _("{d}: the webhook answered {answer}, a redirect, which cloudplan does not follow").format(
                d=d, answer=status_line(answer.status))
        )  # fmt: skip
    if not 200 <= answer.status < 300:
        raise SendFailed(
            _("{d}: the webhook refused the message: {answer}").format(d=d, answer=status_line(answer.status))
        )
    return status_line(answer.status)


def defuse(text: str) -> str:
    """Return *text* as chats show it, read neither as a mention nor as a link.

    Slack, and Mattermost in its Slack-compatible reading, take `<!channel>`, `<!here>` and
    `<https://x|text>` as mentions and links, and `&`, `<` and `>` are their control
    characters: their documentation asks for them as `&amp;`, `&lt;` and `&gt;`, which they
    show as the characters. `@all`, `@channel`, `@here` get a word joiner (`unmention`).
    """
    return unmention(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))
