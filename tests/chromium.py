"""A tiny Chrome DevTools Protocol client over --remote-debugging-pipe: load a page, collect its
console errors, take a screenshot, run axe-core in it. Standard library only; the browser is Debian's `chromium`."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import struct
import subprocess
import tempfile
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

NAMES = ("chromium", "chromium-browser")  # Debian's, and other distributions' name

FLAGS = [
    "--headless",
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--remote-debugging-pipe",
]


def find() -> str | None:
    """Return the browser's path, or None."""
    return next(filter(None, map(shutil.which, NAMES)), None)


def require() -> None:
    """Skip, with one reason for all, on a machine with only Python and pip; fail in CI, where .ci/run installs it.

    Called in each browser test rather than from a fixture, so that pytest reports the skips as one line.
    """
    from tests.conftest import require_program

    require_program(NAMES, "the browser checks of the report")


@dataclass
class Visit:
    """What loading a page showed: its problems (console errors, exceptions, blocked loads) and a screenshot."""

    problems: list[str] = field(default_factory=list)
    png: bytes = b""
    pdf: bytes = b""  # the page printed as the browser's "Save as PDF" would, when asked
    value: Any = None  # what the script asked for returned (JSON values)
    violations: list[dict[str, Any]] = field(default_factory=list)  # axe-core's, when asked


class _Pipe:
    def __init__(self, send_fd: int, recv_fd: int, deadline: float) -> None:
        self.send_fd, self.recv_fd, self.deadline = send_fd, recv_fd, deadline
        self.buffer = b""
        self.next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.send_fd, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self.next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    def wait(self, wanted: Any) -> dict[str, Any]:
        while True:
            while b"\0" in self.buffer:
                raw, self.buffer = self.buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return dict(message)
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the browser did not answer in time")
            ready, _w, _x = select.select([self.recv_fd], [], [], left)
            if ready:
                chunk = os.read(self.recv_fd, 1 << 20)
                if not chunk:
                    raise EOFError("the browser closed the pipe")
                self.buffer += chunk


class Browser:
    """One headless Chromium that visits many pages, each in a tab of its own: start it once per test
    session (a fixture), not once per page. `with Browser() as browser: browser.visit(...)`."""

    def __init__(self, timeout: float = 60.0) -> None:
        browser = find()
        if browser is None:
            raise RuntimeError("chromium is not installed: apt-get install chromium (.ci/run does)")
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory(prefix="cloudplan-chromium-")
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()

        def wire() -> None:  # in the child: the browser reads commands on fd 3, answers on fd 4
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self._proc = subprocess.Popen(
            [browser, *FLAGS, f"--user-data-dir={self._profile.name}", "about:blank"],
            preexec_fn=wire,
            pass_fds=(3, 4),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_child_r)
        os.close(from_child_w)
        self._pipe = _Pipe(to_child_w, from_child_r, time.monotonic() + timeout)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the browser and wait for it; idempotent."""
        if self._proc.poll() is None:
            self._pipe.deadline = time.monotonic() + 10
            with contextlib.suppress(EOFError, OSError, TimeoutError, RuntimeError):
                self._pipe.send("Browser.close")
        for fd in (self._pipe.send_fd, self._pipe.recv_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._profile.cleanup()

    def visit(
        self,
        path: Path,
        width: int = 1280,
        height: int = 2000,
        pdf: bool = False,
        script: str | None = None,
        media: str | None = None,
        axe: Path | None = None,
    ) -> Visit:
        """Load *path* in a new tab; return its problems and a full-window PNG screenshot.

        With *pdf*, also print it to PDF as a user's "Print > Save as PDF" does: the page's own
        @page size and margins, backgrounds on, no header or footer added by the browser.
        *script*, a JavaScript expression, is evaluated from outside the page (its policy runs no
        script of its own) once it is laid out, under *media* ("print") when given.
        With *axe* (the path of axe-core's axe.min.js), axe-core is injected from outside the page
        and run for WCAG 2.1 A and AA: `Visit.violations` holds what it found.
        """
        pipe = self._pipe
        pipe.deadline = time.monotonic() + self.timeout
        pipe.events.clear()
        target = pipe.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = pipe.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        try:
            for domain in ("Page", "Runtime", "Log"):
                pipe.send(f"{domain}.enable", session=session)
            pipe.send("Emulation.setDeviceMetricsOverride",
                      {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session)  # fmt: skip
            pipe.send("Page.navigate", {"url": path.resolve().as_uri()}, session)
            pipe.wait(lambda m: m.get("method") == "Page.loadEventFired" and m.get("sessionId") == session)
            if media:
                pipe.send("Emulation.setEmulatedMedia", {"media": media}, session)
            shot = pipe.send("Page.captureScreenshot", {"format": "png"}, session)
            visit = Visit(problems=_problems(pipe.events), png=base64.b64decode(shot["data"]))
            if script:
                visit.value = _evaluate(pipe, session, script)
            if axe is not None:
                _evaluate(pipe, session, axe.read_text(encoding="utf-8") + "\n;true")
                tags = json.dumps(list(AXE_TAGS))
                run = f"axe.run(document, {{runOnly: {{type: 'tag', values: {tags}}}}}).then(r => r.violations)"
                visit.violations = _evaluate(pipe, session, run, wait=True)
            if pdf:
                printed = pipe.send(
                    "Page.printToPDF",
                    {"preferCSSPageSize": True, "printBackground": True, "displayHeaderFooter": False},
                    session,
                )
                visit.pdf = base64.b64decode(printed["data"])
            return visit
        finally:
            with contextlib.suppress(RuntimeError):
                pipe.send("Target.closeTarget", {"targetId": target})


# The rules of WCAG 2.1 levels A and AA, which French public bodies follow (RGAA 4.1 maps onto them).
AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


# What a reader would see wrong in a picture, measured in the page as laid out: for each SVG picture
# (not the viewports nested in one), its words cut by its edge (or by a nested viewport's), the pairs
# of words that cover each other, and the words that its diagonal (a line of class "diagonal") crosses.
PICTURES = """JSON.stringify([...document.querySelectorAll('svg')]
  .filter(s => !(s.parentElement && s.parentElement.closest('svg'))).map(svg => {
  const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => {
    const r = t.getBoundingClientRect(), inner = t.closest('svg').getBoundingClientRect();
    return {text: t.textContent, l: r.left, t: r.top, r: r.right, b: r.bottom,
            il: inner.left, it: inner.top, ir: inner.right, ib: inner.bottom};
  });
  const cut = texts.filter(t => t.l < t.il - 0.5 || t.r > t.ir + 0.5 || t.t < t.it - 0.5 || t.b > t.ib + 0.5)
    .map(t => t.text);
  const over = [];
  for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
    const a = texts[i], b = texts[j];
    if (Math.min(a.r, b.r) - Math.max(a.l, b.l) > 1 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 3)
      over.push([a.text, b.text]);
  }
  const crossed = [];
  for (const line of svg.querySelectorAll('line.diagonal')) {
    const m = line.getScreenCTM(), p = svg.createSVGPoint();
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map(k => line[k].baseVal.value);
    const steps = Math.ceil(Math.hypot(x2 - x1, y2 - y1) / 2);
    for (let i = 0; i <= steps; i++) {
      p.x = x1 + (x2 - x1) * i / steps; p.y = y1 + (y2 - y1) * i / steps;
      const q = p.matrixTransform(m);
      for (const e of document.elementsFromPoint(q.x, q.y))
        if (e.tagName === 'text' && svg.contains(e) && !crossed.includes(e.textContent)) crossed.push(e.textContent);
    }
  }
  const box = svg.getBoundingClientRect();
  return {label: svg.getAttribute('aria-label'), width: box.width, height: box.height, cut, over, crossed};
}))"""


def _evaluate(pipe: _Pipe, session: str, expression: str, wait: bool = False) -> Any:
    answer = pipe.send(
        "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": wait}, session
    )
    assert "exceptionDetails" not in answer, answer["exceptionDetails"]
    return answer["result"].get("value")


def visit(
    path: Path,
    width: int = 1280,
    height: int = 2000,
    timeout: float = 60.0,
    pdf: bool = False,
    script: str | None = None,
    media: str | None = None,
) -> Visit:
    """Load *path* in a headless Chromium started for it alone (see Browser.visit)."""
    with Browser(timeout) as browser:
        return browser.visit(path, width, height, pdf=pdf, script=script, media=media)


def _problems(events: list[dict[str, Any]]) -> list[str]:
    found = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Runtime.exceptionThrown":
            found.append(f"exception: {params['exceptionDetails'].get('text')}")
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "warning", "assert"):
            found.append(f"console.{params['type']}: {params.get('args')}")
        elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
            found.append(f"{params['entry']['source']}: {params['entry']['text']}")
    return found


def pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """Return the width and height, in points, of each page of a PDF that Chromium printed.

    Chromium (Skia) writes each page's `/MediaBox` in clear, once a page; that is all this reads.
    """
    import re

    assert pdf.startswith(b"%PDF-"), "not a PDF"
    number = rb"\s*(-?[\d.]+)"
    boxes = re.findall(rb"/MediaBox\s*\[" + number * 4 + rb"\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def colours(png: bytes) -> int:
    """Return how many distinct colours an 8-bit RGB or RGBA PNG holds (decoded with zlib alone)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, data = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            idat += data
        pos += 12 + length
    w, h, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8, f"unexpected PNG depth {depth}"
    assert colour_type in (2, 6), f"unexpected PNG colour type {colour_type}"
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), w * bpp
    previous = bytearray(stride)
    seen: set[bytes] = set()
    for y in range(h):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        seen.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp))
        previous = line
    return len(seen)
