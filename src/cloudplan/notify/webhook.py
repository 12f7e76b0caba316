"""Webhooks: a POST of {"text": ...}, which Mattermost, Slack and Rocket.Chat read, with urllib.

A destination `$NAME` takes its URL from the environment variable NAME, so that the
URL, which is the secret, stays out of the plan; it is named `$NAME` in every message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from cloudplan.base.translate import _
from cloudplan.core.routing import Message
from cloudplan.notify import SendFailed
from cloudplan.notify.http import call, summary, unmention


def send(message: Message, env: Mapping[str, str]) -> str:
    """POST *message*'s text; return the server's answer. Raises SendFailed."""
    d = message.destination
    hook = d.removeprefix("webhook:")
    url = env.get(hook[1:], "") if hook.startswith("$") else hook
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SendFailed(_("{d}: the webhook is not an http(s):// URL").format(d=d))
    data = json.dumps({"text": unmention(message.text)}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    try:
        answer = call("POST", url, headers, data, parts.netloc)
    except OSError as e:
        why = getattr(e, "reason", None) or e.strerror or e
        raise SendFailed(_("{d}: cannot reach the webhook: {why}").format(d=d, why=why)) from None
    if not 200 <= answer.status < 300:
        raise SendFailed(_("{d}: the webhook refused the message: {answer}").format(d=d, answer=summary(answer)))
    return summary(answer)
