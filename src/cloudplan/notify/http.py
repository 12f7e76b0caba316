"""HTTP calls for the Matrix and webhook transports: urllib, a timeout, 429 waits, paced calls.

A redirect is never followed: it is an answer like any other, and the transport counts it as
a failure. Following one would post the message elsewhere (as a GET without its body, for a
302 to a POST) and send the Matrix token to wherever the redirect points.
"""

from __future__ import annotations

import json
import time
from typing import Any, NamedTuple

TIMEOUT = 30.0  # seconds for one call
INTERVAL = 1.0  # seconds between two calls to the same server: about one a second, as Tchap asks
MAX_WAIT = 30.0  # seconds: the longest a 429's retry_after_ms is waited for, in all, for one message
MAX_TRIES = 4

_last: dict[str, float] = {}  # server -> when the last call to it started (time.monotonic)


class Answer(NamedTuple):
    """A server's answer: status, and the body (JSON decoded when it is JSON, else text)."""

    status: int
    body: Any
    text: str


def call(method: str, url: str, headers: dict[str, str], data: bytes | None, server: str) -> Answer:
    """Make one HTTP call, paced, retried on 429 within MAX_WAIT; any status is returned, not raised.

    Raises OSError when the server cannot be reached.
    """
    import urllib.error
    import urllib.request

    opener = urllib.request.build_opener(_no_redirect())
    waited = 0.0
    for _attempt in range(MAX_TRIES):
        _pace(server)
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with opener.open(request, timeout=TIMEOUT) as response:
                answer = _answer(response.status, response.read())
        except urllib.error.HTTPError as e:
            answer = _answer(e.code, e.read())
            retry_after = e.headers.get("Retry-After") if e.headers else None
        else:
            retry_after = None
        if answer.status != 429:
            return answer
        wait = _retry_after(answer.body, retry_after)
        if waited + wait > MAX_WAIT:
            return answer
        time.sleep(wait)
        waited += wait
    return answer


def _no_redirect() -> type:
    """Return urllib's redirect handler made to follow nothing (urllib.request is imported only to send)."""
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        """urllib's redirect handler, made to follow nothing: a 3xx comes back as the answer."""

        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    return NoRedirect


def _pace(server: str) -> None:
    last = _last.get(server)
    if last is not None:
        left = INTERVAL - (time.monotonic() - last)
        if left > 0:
            time.sleep(left)
    _last[server] = time.monotonic()


def _answer(status: int, raw: bytes) -> Answer:
    text = raw.decode("utf-8", errors="replace")
    try:
        body = json.loads(text) if text else None
    except ValueError:
        body = None
    return Answer(status, body, text)


def _retry_after(body: Any, header: str | None) -> float:
    """Return the seconds a 429 asks to wait: Matrix's retry_after_ms, else Retry-After, else 1."""
    if isinstance(body, dict):
        ms = body.get("retry_after_ms")
        if ms is None and isinstance(body.get("error"), dict):  # some servers nest it
            ms = body["error"].get("retry_after_ms")
        if isinstance(ms, int | float) and ms >= 0:
            return float(ms) / 1000
    if header and header.strip().isdigit():
        return float(header.strip())
    return 1.0


def unmention(text: str) -> str:
    """Return *text* where no `@all`, `@channel`, `@here` or `@room` from a plan can ping a whole room.

    A word joiner after each `@` keeps the text as it reads, and breaks the mention.
    """
    return text.replace("@", "@\u2060")


def status_line(status: int) -> str:
    """Return `HTTP 403 Forbidden`: the status and its standard reason, never a word the server wrote.

    A webhook's URL may come from a plan, and so point at any service that the machine
    running notify reaches: what such a service answers (a page, its configuration) is
    not repeated to standard error, which cron mails and CI logs keep.
    """
    from http import HTTPStatus

    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = ""
    return f"HTTP {status} {reason}".rstrip()


def summary(answer: Answer) -> str:
    """Return a Matrix server's answer in one short line: the status, then its errcode and error.

    Those two are what the Matrix API answers a refusal with; any other body (a proxy's
    page) is not repeated: the status line alone is said.
    """
    body = answer.body
    if isinstance(body, dict) and isinstance(body.get("errcode"), str):
        said = " ".join(str(body[k]) for k in ("errcode", "error") if k in body)
        return f"HTTP {answer.status}: {' '.join(said.split())[:200]}"
    return status_line(answer.status)
