"""The alerts core of `cloudplan notify`: kinds, thresholds, repeats, routing, words, state file (issue 12)."""

from __future__ import annotations

import tomllib
from datetime import date, timedelta

import pytest

from cloudplan.base.errors import StateInvalid
from cloudplan.core import routing
from cloudplan.core.model import Portfolio
from cloudplan.core.routing import STDOUT, Kind, Memo, Notices, Reason
from cloudplan.core.status import milestone_state
from cloudplan.plan import decode

HEAD = """\
[plan]
title = "Plan"
owner = "DINSIC"

[[project]]
id = "p"
title = "P"
owners = ["DNUM"]
"""
MAIL = "mailto:dnum@x.example"


def portfolio(
    milestones: str, contacts: str = '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\n'
) -> Portfolio:
    plan, findings = decode.build(tomllib.loads(HEAD + milestones + "\n" + contacts), "plan.toml")
    assert [f for f in findings if f.severity == "error"] == []
    return Portfolio((plan,))


def milestone(due: str, mid: str = "m", more: str = "") -> str:
    return f'\n  [[project.milestone]]\n  id = "{mid}"\n  title = "Title {mid}"\n  due = "{due}"\n{more}'


def run(
    p: Portfolio, day: date, memory: dict[str, dict[str, Memo]] | None = None, **options: object
) -> tuple[Notices, dict[str, dict[str, Memo]]]:
    """Return the notices as of *day*, and the memory once they are all sent."""
    states = [milestone_state(m, day, 30) for m in p.milestones]
    out = routing.plan(p, states, day, memory or {}, **options)  # type: ignore[arg-type]
    return out, out.memory


def kinds(out: Notices, destination: str = MAIL) -> list[tuple[str, str]]:
    return [(a.kind.value, a.ref) for m in out.messages if m.destination == destination for a in m.alerts]


def test_due_soon_at_each_threshold_once_then_overdue_then_still_overdue_every_repeat() -> None:
    p = portfolio(milestone("2021-03-31"))
    memory: dict[str, dict[str, Memo]] = {}
    sent = []
    day = date(2021, 2, 1)
    while day <= date(2021, 5, 1):
        out, memory = run(p, day, memory)
        sent += [(day.isoformat(), k) for k, _ref in kinds(out)]
        day += timedelta(days=1)
    assert sent == [
        ("2021-03-01", "due-soon"),  # 30 days left
        ("2021-03-24", "due-soon"),  # 7
        ("2021-03-30", "due-soon"),  # 1
        ("2021-04-01", "overdue"),
        ("2021-04-08", "still-overdue"),
        ("2021-04-15", "still-overdue"),
        ("2021-04-22", "still-overdue"),
        ("2021-04-29", "still-overdue"),
    ]


def test_a_first_run_sends_only_the_tightest_threshold_reached() -> None:
    out, memory = run(portfolio(milestone("2021-03-31")), date(2021, 3, 28))
    assert kinds(out) == [("due-soon", "p/m")]
    assert memory[MAIL]["p/m"] == Memo("due-soon", "2021-03-31", 7)
    again, _ = run(portfolio(milestone("2021-03-31")), date(2021, 3, 29), memory)
    assert again.messages == []


def test_repeat_zero_never_repeats_and_custom_thresholds() -> None:
    p = portfolio(milestone("2021-03-31"))
    out, memory = run(p, date(2021, 4, 1), remind=(), repeat=0)
    assert kinds(out) == [("overdue", "p/m")]
    later, _ = run(p, date(2021, 12, 1), memory, remind=(), repeat=0)
    assert later.messages == []
    early, _ = run(p, date(2021, 3, 17), remind=(14,))
    assert kinds(early) == [("due-soon", "p/m")]


@pytest.mark.parametrize(
    ("after", "reason"),
    [
        ("  done = 2021-04-03\n", Reason.DONE),
        ("  cancelled = 2021-04-03\n", Reason.CANCELLED),
    ],
)
def test_cleared_when_done_or_cancelled(after: str, reason: Reason) -> None:
    _out, memory = run(portfolio(milestone("2021-03-31")), date(2021, 4, 1))
    out, memory = run(portfolio(milestone("2021-03-31", more=after)), date(2021, 4, 5), memory)
    (message,) = out.messages
    (alert,) = message.alerts
    assert (alert.kind, alert.reason, alert.on) == (Kind.CLEARED, reason, date(2021, 4, 3))
    assert memory == {}
    again, _ = run(portfolio(milestone("2021-03-31", more=after)), date(2021, 4, 6), memory)
    assert again.messages == []


def test_cleared_when_rescheduled_away_removed_or_unscheduled() -> None:
    _out, memory = run(portfolio(milestone("2021-03-31") + milestone("2021-03-31", "n")), date(2021, 4, 1))
    later = portfolio(milestone("2021-12") + '\n  [[project.milestone]]\n  id = "o"\n  title = "O"\n')
    out, _ = run(later, date(2021, 4, 5), memory)
    reasons = {a.ref: a.reason for m in out.messages for a in m.alerts}
    assert reasons == {"p/m": Reason.RESCHEDULED, "p/n": Reason.REMOVED}
    lines = out.messages[0].text.splitlines()
    assert lines[2] == "CLEARED  p/m  rescheduled: deadline 2021-12 (2021-12-31), 270 days left: Title m"
    assert lines[3] == "CLEARED  p/n  removed from the plan"


def test_rescheduled_while_overdue_and_late_again_is_overdue_again() -> None:
    _out, memory = run(portfolio(milestone("2021-03-31")), date(2021, 4, 1))
    out, _ = run(portfolio(milestone("2021-04-15")), date(2021, 4, 20), memory)
    assert kinds(out) == [("overdue", "p/m")]


def test_owners_are_the_milestones_else_the_projects_else_the_plans() -> None:
    head_only = HEAD.replace('owners = ["DNUM"]\n', "")
    text = (
        head_only
        + milestone("2021-03-31", "own", '  owners = ["ANSSI"]\n')
        + milestone("2021-03-31", "plans")
        + '\n[[contact]]\nowner = "ANSSI"\nmatrix = ["!a:x.example"]\n'
        + '\n[[contact]]\nowner = "DINSIC"\nemail = ["dinsic@x.example"]\n'
    )
    plan, _f = decode.build(tomllib.loads(text), "plan.toml")
    out, _ = run(Portfolio((plan,)), date(2021, 4, 1))
    assert kinds(out, "matrix:!a:x.example") == [("overdue", "p/own")]
    assert kinds(out, "mailto:dinsic@x.example") == [("overdue", "p/plans")]


def test_an_owner_without_contact_goes_to_star_else_reaches_nobody() -> None:
    m = milestone("2021-03-31", more='  owners = ["DNUM", "ANSSI"]\n')
    out, _ = run(portfolio(m), date(2021, 4, 1))
    assert kinds(out) == [("overdue", "p/m")]
    assert kinds(out, STDOUT) == [("overdue", "p/m")]
    assert out.messages[-1].destination == STDOUT
    star = '[[contact]]\nowner = "*"\nwebhook = ["$HOOK"]\n'
    out, _ = run(portfolio(m, star), date(2021, 4, 1))
    assert [msg.destination for msg in out.messages] == ["webhook:$HOOK"]
    assert out.messages[0].text.endswith("Title m [DNUM, ANSSI]\n")  # several owners: they are named


def test_a_milestone_given_to_another_owner_is_cleared_for_the_old_one() -> None:
    contacts = '[[contact]]\nowner = "*"\nemail = ["pmo@x.example"]\n\n'
    contacts += '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\n'
    _out, memory = run(portfolio(milestone("2021-03-31"), contacts), date(2021, 4, 1))
    moved = milestone("2021-03-31", more='  owners = ["ANSSI"]\n')
    out, memory = run(portfolio(moved, contacts), date(2021, 4, 2), memory)
    assert kinds(out) == [("cleared", "p/m")]
    assert out.messages[[m.destination for m in out.messages].index(MAIL)].alerts[0].reason is Reason.REASSIGNED
    assert kinds(out, "mailto:pmo@x.example") == [("overdue", "p/m")]


def test_messages_are_written_through_the_contacts_translator() -> None:
    class Loud:
        def __init__(self, language: str | None) -> None:
            self.language = language

        def gettext(self, message: str) -> str:
            return f"{self.language}:{message}"

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return f"{self.language}:{singular if n == 1 else plural}"

    contacts = '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\nlanguage = "fr"\n'
    out, _ = run(portfolio(milestone("2021-03-31"), contacts), date(2021, 4, 1), language="en", translator=Loud)
    (message,) = out.messages
    assert message.language == "fr"
    assert message.subject.startswith("fr:cloudplan: {plans} – {summary}".format(plans="Plan", summary="fr:"))
    assert "fr:OVERDUE" in message.text
    assert "fr:{n} day late" not in message.text  # placeholders are filled after translation


def test_html_is_escaped_and_text_cleaned() -> None:
    m = '\n  [[project.milestone]]\n  id = "m"\n  title = "<b>x</b> & \\u001b[31m"\n  due = "2021-03-31"\n'
    out, _ = run(portfolio(m), date(2021, 4, 1))
    (message,) = out.messages
    assert "&lt;b&gt;x&lt;/b&gt; &amp;" in message.html
    assert "\x1b" not in message.text
    assert "\x1b" not in message.html


def test_the_message_id_is_the_same_on_a_retry_the_next_day() -> None:
    p = portfolio(milestone("2021-03-31"))
    first, _ = run(p, date(2021, 4, 1))
    retry, _ = run(p, date(2021, 4, 2))  # the first was never recorded as sent
    assert first.messages[0].text != retry.messages[0].text  # one more day late
    assert first.messages[0].id == retry.messages[0].id


def test_the_state_file_round_trips_and_refuses_what_it_did_not_write() -> None:
    _out, memory = run(portfolio(milestone("2021-03-31") + milestone("2021-04-03", "n")), date(2021, 4, 1))
    text = routing.dumps(memory, date(2021, 4, 1))
    assert routing.loads(text, "s.json") == memory
    assert routing.loads(None, "s.json") == {}
    for bad in ("nope", "[]", '{"cloudplan": "notify-state", "version": 2, "destinations": {}}',
                '{"cloudplan": "notify-state", "version": 1, "destinations": {"x": {"p/m": {"status": "late"}}}}',
                '{"cloudplan": "notify-state", "version": 1, "destinations": {"x": {"p/m": {"status": "overdue", '
                '"deadline": "2021-13-01"}}}}'):  # fmt: skip
        with pytest.raises(StateInvalid):
            routing.loads(bad, "s.json")


def test_check_warns_of_owners_without_contact_only_when_contacts_exist_and_no_star() -> None:
    from cloudplan.core.validate import validate

    def codes(contacts: str) -> list[str]:
        return [f.code for f in validate(portfolio(milestone("2021-03-31", more='  owners = ["ANSSI"]\n'), contacts),
                                         date(2021, 4, 1))]  # fmt: skip

    assert codes("") == []
    assert codes('[[contact]]\nowner = "DINSIC"\nemail = ["a@x.example"]\n') == ["owner-without-contact"]
    assert codes('[[contact]]\nowner = "*"\nemail = ["a@x.example"]\n') == []
    assert codes('[[contact]]\nowner = "*"\nemail = ["a@x.example"]\n\n[[contact]]\nowner = "DGFiP"\n') == [
        "unused-contact"
    ]
