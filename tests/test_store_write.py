"""Writing plan files: atomic, permissions and links kept, never over a change by someone else, locked."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from cloudplan import store
from cloudplan.base.errors import EditConflict, UsageError, WriteFailed
from tests.conftest import MINIMAL


def today(_tz: str | None) -> date:
    return date(2020, 6, 30)


def snapshot(path: Path) -> store.Document:
    return store.open_for_edit(store.discover([str(path)], {}, path.parent), today).documents[str(path)]


def replace(doc: store.Document, data: bytes) -> None:
    """Write *data* as if an edit of *doc* had made it."""
    store.Document(doc.file, data, doc.plan, [], "", base=doc).write()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_replace_writes_the_new_bytes_and_keeps_the_mode(write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL)
    path.chmod(0o640)
    replace(snapshot(path), MINIMAL.replace("Two", "Deux").encode())
    assert "Deux" in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o777 == 0o640
    assert leftovers(path.parent) == []


def test_a_symbolic_link_stays_a_link_to_the_edited_file(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    real = write_plan(MINIMAL, "real/plan.toml")
    link = tmp_path / "work" / "cloudplan.toml"
    link.symlink_to(real)
    replace(snapshot(link), MINIMAL.replace("Two", "Deux").encode())
    assert link.is_symlink()
    assert "Deux" in real.read_text(encoding="utf-8")


def test_a_change_by_another_program_is_not_overwritten(write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL)
    snap = snapshot(path)
    path.write_text(MINIMAL + "\n# edited by hand meanwhile\n", encoding="utf-8")
    with pytest.raises(EditConflict, match="changed by another program"):
        replace(snap, b"new")
    assert path.read_text(encoding="utf-8").endswith("# edited by hand meanwhile\n")


@pytest.mark.parametrize(
    ("call", "nth", "fails"),
    [
        ("write", 1, True),  # the disk fills up while the temporary file is written
        ("fchmod", 1, True),
        ("fsync", 1, True),  # flushing the temporary file
        ("replace", 1, True),  # the rename
        ("fsync", 2, False),  # flushing the folder, after the rename: the new file is in place
    ],
)
def test_a_write_that_fails_at_any_point_leaves_the_old_file_whole(
    call: str, nth: int, fails: bool, write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_plan(MINIMAL)
    before = path.read_bytes()
    snap = snapshot(path)
    real = getattr(os, call)
    calls = 0

    def failing(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        if calls == nth:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(*args, **kwargs)

    monkeypatch.setattr(os, call, failing)
    new = MINIMAL.replace("Two", "Deux").encode()
    message = ""
    try:
        replace(snap, new)
    except WriteFailed as e:
        message = e.message
    monkeypatch.undo()
    assert calls >= nth
    assert ("No space left on device" in message) is fails
    assert path.read_bytes() == (before if fails else new)  # whole, old or new, never a mix
    assert leftovers(path.parent) == []


_WRITER = """
import sys
from pathlib import Path
from cloudplan import store
path = Path(sys.argv[1])
old, new = path.read_bytes(), Path(sys.argv[2]).read_bytes()
print("ready", flush=True)
while True:
    for data in (new, old):
        writer._write_atomic(path, data, "plan", keep=path)
"""


def test_a_writer_killed_at_random_points_leaves_a_whole_file(tmp_path: Path, write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL * 1 + "# padding line for a bigger file\n" * 30000)
    other = tmp_path / "other.toml"
    other.write_text(MINIMAL.replace("Two", "Deux") + "# other padding\n" * 30000, encoding="utf-8")
    versions = (path.read_bytes(), other.read_bytes())
    rnd = random.Random(4)
    for _ in range(8):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(path), str(other)], stdout=subprocess.PIPE, text=True
        )
        assert proc.stdout is not None
        assert proc.stdout.readline() == "ready\n"
        time.sleep(rnd.uniform(0.0, 0.2))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert path.read_bytes() in versions
    # A killed writer may leave its temporary file (nothing can remove it); never a broken plan.
    for leftover in leftovers(path.parent):
        (path.parent / leftover).unlink()


def test_create_never_overwrites_without_force(write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL)
    with pytest.raises(UsageError, match="already exists"):
        store.create(path, "x = 1\n", force=False, name="cloudplan.toml")
    assert path.read_text(encoding="utf-8") == MINIMAL
    path.chmod(0o600)
    store.create(path, "[plan]\n", force=True, name="cloudplan.toml")
    assert path.read_text(encoding="utf-8") == "[plan]\n"
    assert path.stat().st_mode & 0o777 == 0o600


def test_create_a_new_file_follows_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "new.toml"
    old = os.umask(0o027)
    try:
        store.create(path, "[plan]\n", force=False, name="new.toml")
    finally:
        os.umask(old)
    assert path.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == []


def test_edits_take_turns_on_the_folder_lock(write_plan: Callable[..., Path]) -> None:
    path = write_plan(MINIMAL)
    files = store.discover([str(path)], {}, path.parent)
    with store.locked(files), pytest.raises(EditConflict, match="another cloudplan"), store.locked(files, timeout=0.05):
        pass
    with store.locked(files):  # released
        assert (path.parent / store.LOCK_NAME).exists()
    assert not (path.parent / store.LOCK_NAME).exists()  # no lock file left in the user's repository


# -- the edit's proof (store/document.py) --------------------------------------------------------------

from cloudplan.base.errors import CannotEdit, PlanInvalid  # noqa: E402
from cloudplan.plan.toml.splice import Append, Change, Drop, Remove, Set  # noqa: E402
from cloudplan.store.document import Document, _differ  # noqa: E402


def _expected(old: str, new: str, at: int, cut: int) -> tuple[int, int]:
    """The span _differ must give, scanned a character at a time from what the texts share by construction.

    old[:at] == new[:at], and the last len(old) - at - cut characters of both are the same.
    """
    n = min(len(old), len(new))
    first = at
    while first < n and old[first] == new[first]:
        first += 1
    same = min(len(old) - at - cut, n - first)
    while same < n - first and old[len(old) - 1 - same] == new[len(new) - 1 - same]:
        same += 1
    return first, len(old) - same


@pytest.mark.parametrize("size", [10, 65535, 65536, 65537, 2 * 65536 + 3])
def test_differ_finds_the_changed_span_in_files_small_and_large(size: int) -> None:
    """The fast path (steps of 64 KiB) finds what a character-by-character scan finds, at every boundary."""
    rng = random.Random(size)
    old = "".join(rng.choices("ab\n", k=size))
    places = {0, 1, size // 2, size - 1, size, 65535, 65536, 65537, 131071, 131072, size - 65536, size - 65537}
    for at in sorted(p for p in places if 0 <= p <= size):
        for added, cut in (("Z", 1), ("XYZ", 0), ("", 5), ("Z" * 70_000, 0), ("", 65536), ("Q" * 65536, 65536)):
            cut = min(cut, size - at)
            new = old[:at] + added + old[at + cut :]
            assert _differ(old, new) == _expected(old, new, at, cut), (size, at, len(added), cut)
            assert _differ(new, old) == _expected(new, old, at, len(added)), (size, at, len(added), cut)
    assert _differ(old, old) == (size, size)


def _big_plan(projects: int, slips: bool = True, indicators: int = 2) -> str:
    """A plan (over 64 KiB with some hundreds of *projects*): a milestone with a slip in each, measured indicators."""
    parts = ['version = 1\n[plan]\ntitle = "Big"\n']
    for p in range(projects):
        parts.append(f'\n[[project]]\nid = "p{p}"\ntitle = "Project {p} {"x" * 150}"\n')
        parts.append(f'\n  [[project.milestone]]\n  id = "m"\n  title = "M {p}"\n  due = "2021"\n')
        if slips:
            parts.append('\n    [[project.milestone.slip]]\n    from = "2020"\n    to = "2021"\n    on = 2020-01-02\n'
                         '    reason = "late"\n')  # fmt: skip
    for i in range(indicators):
        parts.append(
            f'\n[[indicator]]\nid = "i{i}"\ntitle = "I{i}"\nbaseline = {{ value = 1, on = "2018" }}\n'
            'target = { value = 10, by = "2022" }\n\n  [[indicator.measure]]\n  on = 2019-01-01\n  value = 2\n'
        )
    return "".join(parts)


def _made(path: Path, changes: list[Change]) -> Document:
    """The document of *path* with *changes* made; its plan and findings must be what a cold parse gives."""
    doc = snapshot(path)
    new = doc.apply(changes)
    cold = store.parse(new.data, doc.name)
    assert (new.plan, new.findings) == (cold.plan, cold.findings)
    return new


def test_an_edit_in_a_large_file_is_proved_on_its_unit(write_plan: Callable[..., Path]) -> None:
    text = _big_plan(400)
    assert len(text.encode()) > 2 * 65536
    path = write_plan(text)
    new = _made(path, [Set(("project", 200, "milestone", 0), "done", date(2020, 1, 15), ("due",))])
    assert new.proof == "unit"
    assert new.plan.projects[200].milestones[0].done == date(2020, 1, 15)
    assert new.plan.projects[:200] == snapshot(path).plan.projects[:200]


def test_after_a_removal_later_projects_milestones_and_slips_are_renumbered(write_plan: Callable[..., Path]) -> None:
    path = write_plan(_big_plan(5))
    new = _made(path, [Remove(("project", 1))])
    assert new.proof == "unit"
    assert [p.id for p in new.plan.projects] == ["p0", "p2", "p3", "p4"]
    last = new.plan.projects[-1]
    assert last.key == ("project", 3)
    assert last.milestones[0].key == ("project", 3, "milestone", 0)
    assert last.milestones[0].slips[0].key[:4] == ("project", 3, "milestone", 0)


def test_after_a_removal_later_indicators_and_measures_are_renumbered(write_plan: Callable[..., Path]) -> None:
    path = write_plan(_big_plan(1, indicators=3))
    new = _made(path, [Remove(("indicator", 0))])
    assert new.proof == "unit"
    assert [i.id for i in new.plan.indicators] == ["i1", "i2"]
    assert new.plan.indicators[1].key == ("indicator", 1)
    assert new.plan.indicators[1].measures[0].key[:2] == ("indicator", 1)
    new = _made(path, [Remove(("indicator", 2))])  # the last: nothing after it to renumber
    assert new.proof == "unit"
    assert [i.id for i in new.plan.indicators] == ["i0", "i1"]


SMALL = (
    'version = 1\n[plan]\ntitle = "P"\n\n[[project]]\nid = "a"\ntitle = "A"\n\n  [[project.milestone]]\n  id = "m"\n'
    '  title = "M"\n  due = "2020"\n\n[[project]]\nid = "b"\ntitle = "B"\n\n[[project]]\nid = "c"\ntitle = "C"\n\n'
    '  [[project.milestone]]\n  id = "n"\n  title = "N"\n\n[[indicator]]\nid = "i"\ntitle = "I"\n'
    'baseline = { value = 1, on = "2018" }\ntarget = { value = 2, by = "2022" }\n'
)
DONE = date(2020, 1, 15)
MILESTONE_A = ("project", 0, "milestone", 0)
MILESTONE_C = ("project", 2, "milestone", 0)
NEW_PROJECT = Append((), "project", (("id", "d"), ("title", "D")), ("indicator",))


@pytest.mark.parametrize(
    ("changes", "proof"),
    [
        ([Set(MILESTONE_A, "done", DONE, ("due",))], "unit"),
        ([Set(MILESTONE_A, "done", DONE, ("due",)), Set(MILESTONE_A, "notes", "n", ("done",))], "unit"),
        ([Drop(MILESTONE_A, "due")], "unit"),
        ([Set(("project", 1), "title", "Bee")], "unit"),  # an empty project: its warning stays on its header
        ([Append(("project", 1), "milestone", (("id", "x"), ("title", "X")))], "unit"),
        ([Set(MILESTONE_C, "notes", "one\ntwo\nthree", ("title",))], "unit"),  # later warnings move down
        ([Remove(("project", 0))], "unit"),  # b's warning now belongs to project 0, a line further up
        ([Remove(("project", 1))], "unit"),
        ([Remove(("project", 2))], "unit"),
        ([Remove(MILESTONE_C)], "unit"),  # c is empty now: a new warning
        ([NEW_PROJECT], "unit"),
        ([Set(("indicator", 0), "unit", "km", ("title",))], "unit"),
        (
            [
                Append(
                    (),
                    "indicator",
                    (
                        ("id", "j"),
                        ("title", "J"),
                        ("baseline", {"value": 1, "on": "2018"}),
                        ("target", {"value": 2, "by": "2022"}),
                    ),
                )
            ],
            "unit",
        ),
        ([Set(("plan",), "title", "Q")], "whole"),  # not a unit of an array
        ([Set((), "version", 1)], "whole"),
        ([Set(MILESTONE_A, "done", DONE, ("due",)), Set(MILESTONE_C, "done", DONE)], "whole"),  # two units
        ([NEW_PROJECT, Set(MILESTONE_A, "done", DONE, ("due",))], "whole"),
        ([Remove(("project", 1)), Set(MILESTONE_A, "done", DONE, ("due",))], "whole"),
    ],
)
def test_each_edit_is_proved_on_its_unit_when_it_can_be(
    write_plan: Callable[..., Path], changes: list[Change], proof: str
) -> None:
    path = write_plan(SMALL)
    assert _made(path, changes).proof == proof


@pytest.mark.parametrize(
    "text",
    [  # the projects written inline: no header to prove a unit on
        'version = 1\nproject = [{ id = "a", title = "A", milestone = [{ id = "m", title = "M" }] }]\n'
        '[plan]\ntitle = "P"\n',
    ],
)
def test_a_layout_the_unit_proof_does_not_cover_is_parsed_whole(write_plan: Callable[..., Path], text: str) -> None:
    path = write_plan(text)
    doc = snapshot(path)
    try:
        new = doc.apply([Set(MILESTONE_A, "notes", "n", ("title",))])
    except CannotEdit:
        return  # no [header] line to put the key under: refused, which proves nothing wrong
    assert new.proof == "whole"
    assert (new.plan, new.findings) == (store.parse(new.data, doc.name).plan, store.parse(new.data, doc.name).findings)


def test_a_project_split_across_the_file_is_parsed_whole(write_plan: Callable[..., Path]) -> None:
    path = write_plan(SMALL + '\n[[project.milestone]]\nid = "late"\ntitle = "L"\n')  # c's, after the indicator
    assert [m.id for m in snapshot(path).plan.projects[2].milestones] == ["n", "late"]
    assert _made(path, [Set(("project", 2), "title", "Cee")]).proof == "whole"
    with pytest.raises(CannotEdit, match="not together"):
        snapshot(path).apply([Remove(("project", 2))])
    assert _made(path, [Set(("project", 1), "title", "Bee")]).proof == "unit"
    assert _made(path, [Set(("indicator", 0), "unit", "km", ("title",))]).proof == "unit"


def test_an_edit_that_makes_its_unit_invalid_is_refused_at_the_line(write_plan: Callable[..., Path]) -> None:
    path = write_plan(SMALL)
    doc = snapshot(path)
    with pytest.raises(PlanInvalid) as caught:
        doc.apply([Set(MILESTONE_A, "due", "someday", ("title",)), Set(MILESTONE_A, "done", "never", ("due",))])
    line = SMALL.split("\n").index('  due = "2020"') + 1
    first, second = caught.value.findings
    assert (first.line, second.line) == (line, line + 1)  # type: ignore[attr-defined]
    assert str(caught.value) == f"the edit would make the plan invalid: {first}"
    assert caught.value.hint == "nothing was written (1 more findings)"
    with pytest.raises(PlanInvalid) as caught:
        doc.apply([Set(("plan",), "title", 3)])  # the whole-file path refuses alike
    (only,) = caught.value.findings
    assert only.line == 3  # type: ignore[attr-defined]
    assert caught.value.hint == "nothing was written"
    assert path.read_text(encoding="utf-8") == SMALL


def test_the_whole_file_proof_refuses_a_text_that_is_not_the_change(
    write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cloudplan.plan.toml import splice

    path = write_plan(SMALL)
    doc = snapshot(path)
    real = splice.edit
    for wrong, error, says in (
        (lambda text: text + "extra = 1\n", CannotEdit, "did not come out as intended"),  # one key too many
        (lambda text: text + "[broken\n", PlanInvalid, "toml-syntax"),  # not TOML
        (lambda text: text.replace('id = "b"', 'id = "a"'), CannotEdit, "did not come out as intended"),
    ):
        monkeypatch.setattr(splice, "edit", lambda outline, changes, wrong=wrong: wrong(real(outline, changes)))
        for changes in ([Set(("plan",), "title", "Q")], [Set(MILESTONE_A, "done", DONE, ("due",))]):
            with pytest.raises(error) as caught:
                doc.apply(changes)
            assert says in str(caught.value)
            assert error is PlanInvalid or "bug in cloudplan" in str(caught.value.hint)


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        # A comment above the removed project goes with it: the next project's header lands on the comment's line.
        (SMALL.replace('\n[[project]]\nid = "a"', '\n# about a\n[[project]]\nid = "a"'), [Remove(("project", 0))]),
        # The project after the removed one has milestones; the empty one after it is renumbered by one.
        (
            SMALL.replace(
                'id = "b"\ntitle = "B"\n', 'id = "b"\ntitle = "B"\n\n[[project.milestone]]\nid = "x"\ntitle = "X"\n'
            ).replace('  [[project.milestone]]\n  id = "n"\n  title = "N"\n\n', ""),
            [Remove(("project", 0))],
        ),
        # [[project]] before [plan]: the unit's header is the file's first.
        ('[[project]]\nid = "a"\ntitle = "A"\n\n[plan]\ntitle = "P"\n', [Set(("project", 0), "title", "Ay")]),
        # No final newline, the unit last or not.
        (SMALL.removesuffix("\n"), [Set(("indicator", 0), "unit", "km", ("title",))]),
        (SMALL.removesuffix("\n"), [Set(("project", 1), "title", "Bee")]),
        ('[plan]\ntitle = "P"\n\n[[project]]\nid = "a"\ntitle = "A"', [Set(("project", 0), "title", "Ay")]),
        # The first project of a plan that has none.
        ('[plan]\ntitle = "P"\n', [Append((), "project", (("id", "a"), ("title", "A")), ("indicator",))]),
        ('[plan]\ntitle = "P"\n\n# the end\n', [Append((), "project", (("id", "a"), ("title", "A")))]),
    ],
)
def test_the_unit_proof_covers_these_layouts_and_places_warnings_as_a_cold_parse(
    write_plan: Callable[..., Path], text: str, changes: list[Change]
) -> None:
    path = write_plan(text)
    assert _made(path, changes).proof == "unit"


def test_the_cache_holds_the_edited_plan_after_a_write_on_either_proof(write_plan: Callable[..., Path]) -> None:
    from cloudplan.store import cache, plancache

    path = write_plan(SMALL)
    edits: list[tuple[list[Change], str]] = [
        ([Set(MILESTONE_A, "done", DONE, ("due",))], "unit"),
        ([Set(("plan",), "title", "Q")], "whole"),
        ([Remove(("project", 1))], "unit"),
    ]
    for changes, proof in edits:
        new = _made(path, changes)
        assert new.proof == proof
        new.write()
        cold = store.parse(path.read_bytes(), new.name)
        assert plancache.get(cache.folder(os.environ), new.key) == (cold.plan, cold.findings)


def test_a_document_whose_plan_is_not_its_text_is_not_trusted_by_the_unit_proof(
    write_plan: Callable[..., Path],
) -> None:
    """The unit proof rebuilds one element from the plan read: one that does not match its text is parsed whole."""
    path = write_plan(SMALL)
    real = snapshot(path)
    other = store.parse(SMALL.replace('title = "M"', 'title = "Other"').encode(), real.name)
    assert other.plan is not None
    doc = Document(real.file, real.data, other.plan, other.findings, real.key)
    new = doc.apply([Set(MILESTONE_A, "done", DONE, ("due",))])
    assert new.proof == "whole"
    assert new.plan == store.parse(new.data, doc.name).plan


@pytest.mark.parametrize(
    "wrong",
    [
        lambda text: text.replace('title = "P"', 'title = "Q"'),  # a change before the unit
        lambda text: text.replace('title = "C"', 'title = "Q"'),  # after it
        lambda text: text.replace("done = 2020-01-15", "done = 2020-01-16"),  # inside it, not the change asked
        lambda text: text.replace("done = 2020-01-15", 'done = 2020-01-15\nnotes = "x"'),  # inside it, one more key
    ],
)
def test_a_text_that_is_not_exactly_the_change_is_refused_on_every_path(
    write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch, wrong: Callable[[str], str]
) -> None:
    from cloudplan.plan.toml import splice

    path = write_plan(SMALL)
    doc = snapshot(path)
    real = splice.edit
    monkeypatch.setattr(splice, "edit", lambda outline, changes: wrong(real(outline, changes)))
    with pytest.raises(CannotEdit) as caught:
        doc.apply([Set(MILESTONE_A, "done", DONE, ("due",))])
    assert str(caught.value) == f"{doc.name}: the edit did not come out as intended, so nothing was written"
    assert caught.value.hint == "this is a bug in cloudplan; please report it, with the plan file if you can"


def test_a_file_the_lexer_cannot_follow_is_refused_with_its_name(
    write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cloudplan.plan.toml import splice
    from cloudplan.plan.toml.lexer import LexError

    def cannot(*_args: object) -> str:
        raise LexError("no")

    path = write_plan(SMALL)
    doc = snapshot(path)
    monkeypatch.setattr(splice, "edit", cannot)
    with pytest.raises(CannotEdit) as caught:
        doc.apply([Set(MILESTONE_A, "done", DONE, ("due",))])
    assert str(caught.value) == f"{doc.name}: cloudplan cannot follow how this file is written, so it does not edit it"
    assert caught.value.hint == "make the change by hand; nothing was written"
    assert caught.value.__cause__ is None
    assert caught.value.__suppress_context__


def test_write_says_why_it_does_not_write(write_plan: Callable[..., Path]) -> None:
    path = write_plan(SMALL)
    new = snapshot(path).apply([Set(MILESTONE_A, "done", DONE, ("due",))])
    name = new.name
    path.write_text(SMALL + "# changed\n", encoding="utf-8")
    with pytest.raises(EditConflict) as conflict:
        new.write()
    assert str(conflict.value) == f"{name} was changed by another program while cloudplan was editing it"
    assert conflict.value.hint == "nothing was written; run the command again on the new file"
    path.unlink()
    with pytest.raises(EditConflict) as gone:
        new.write()
    assert str(gone.value) == f"{name}: cannot read it again before writing: No such file or directory"
    assert gone.value.hint == "nothing was written"
    path.write_text(SMALL, encoding="utf-8")
    for mode in (0o444, 0o555, 0o440):  # no write bit for anyone (root too is told no), execute bits or not
        path.chmod(mode)
        with pytest.raises(WriteFailed) as read_only:
            new.write()
        assert str(read_only.value) == f"{name} is read-only"
        assert read_only.value.hint == "nothing was written; make it writable (chmod u+w) to edit it"
        assert path.read_text(encoding="utf-8") == SMALL
    path.chmod(0o644)
    new.write()
    assert path.read_bytes() == new.data
    assert new.base is not None
    assert new.base.proof == ""
    assert new.proof == "unit"


def test_a_failed_write_names_the_file(write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_plan(SMALL)
    new = snapshot(path).apply([Set(MILESTONE_A, "done", DONE, ("due",))])

    def full(*_args: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(WriteFailed) as caught:
        new.write()
    assert caught.value.message == f"cannot write {new.name}: No space left on device"
    assert path.read_text(encoding="utf-8") == SMALL


def test_a_unit_proved_in_a_file_that_starts_blank_keeps_its_lines(write_plan: Callable[..., Path]) -> None:
    path = write_plan("\n\n" + SMALL)
    new = _made(path, [Set(("project", 1), "title", "Bee")])  # b is empty: its warning is on its header's line
    assert new.proof == "unit"
    assert [f.line for f in new.findings] == [SMALL.split("\n").index('id = "b"') + 2]


def test_the_proof_refuses_a_new_project_put_before_a_milestone_it_would_capture(
    write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new [[project]] written before a later [[project.milestone]] of the last one would take that milestone."""
    from cloudplan.plan.toml import splice

    text = SMALL + '\n[[project.milestone]]\nid = "late"\ntitle = "L"\n'
    path = write_plan(text)
    doc = snapshot(path)
    wrong = text.replace("[[indicator]]", '[[project]]\nid = "d"\ntitle = "D"\n\n[[indicator]]')
    monkeypatch.setattr(splice, "edit", lambda *_args: wrong)
    with pytest.raises(CannotEdit, match="did not come out as intended"):
        doc.apply([Append((), "project", (("id", "d"), ("title", "D")))])


def test_a_syntax_error_in_the_new_text_is_refused_naming_the_file(
    write_plan: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cloudplan.plan.toml import splice

    path = write_plan(SMALL)
    doc = snapshot(path)
    monkeypatch.setattr(splice, "edit", lambda *_args: SMALL + "[broken\n")
    with pytest.raises(PlanInvalid) as caught:
        doc.apply([Set(("plan",), "title", "Q")])
    (finding,) = caught.value.findings
    assert str(finding).startswith(f"{doc.name}:{SMALL.count(chr(10)) + 1}:")
    assert "toml-syntax" in str(finding)
