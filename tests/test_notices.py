"""The alerts core of `cloudplan notify`: kinds, thresholds, repeats, routing, words, state file (issue 12)."""

from __future__ import annotations

import json
import re
import tomllib
from datetime import date, timedelta

import pytest

from cloudplan.base import translate
from cloudplan.base.errors import StateInvalid
from cloudplan.core import alerts, routing
from cloudplan.core.alerts import Memo, Reason
from cloudplan.core.model import Portfolio
from cloudplan.core.routing import STDOUT, AlertKind
from cloudplan.core.status import milestone_state
from cloudplan.notify import messages
from cloudplan.notify.messages import Notices
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
    out = messages.notices(p, states, day, memory or {}, **options)  # type: ignore[arg-type]
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
    assert (alert.kind, alert.reason, alert.on) == (AlertKind.CLEARED, reason, date(2021, 4, 3))
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
    text = alerts.dumps_sent(memory, date(2021, 4, 1))
    assert alerts.read_sent(text, "s.json").memory == memory
    assert alerts.read_sent(None, "s.json").memory == {}
    for bad in ("nope", "[]", '{"cloudplan": "notify-state", "version": 2, "destinations": {}}',
                '{"cloudplan": "notify-state", "version": 1, "destinations": {"x": {"p/m": {"status": "late"}}}}',
                '{"cloudplan": "notify-state", "version": 1, "destinations": {"x": {"p/m": {"status": "overdue", '
                '"deadline": "2021-13-01"}}}}'):  # fmt: skip
        with pytest.raises(StateInvalid):
            alerts.read_sent(bad, "s.json")


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


# -- addresses: a bare addr-spec, nothing that mail software would read as another address --------


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("x@(gouv.fr)evil.example", "x@evil.example"),  # a comment: mail software drops it
        ("Jean Dupont <jean@evil.example>", "jean@evil.example"),  # a display name
        ("<jean@evil.example>", "jean@evil.example"),
        ("x@dinsic.example (DINSIC)", "x@dinsic.example"),
        ("x@evil.example, y@dinsic.example", "x@evil.example"),  # a list
    ],
)
def test_an_address_that_is_not_bare_is_a_bad_contact_naming_where_mail_would_go(value: str, read: str) -> None:
    emails = f'email = [\n  "dnum@x.example",\n  {json.dumps(value)},\n]\n'
    text = f'{HEAD}{milestone("2021-03-31")}\n[[contact]]\nowner = "DNUM"\n{emails}'
    plan, findings = decode.build(tomllib.loads(text), "plan.toml")
    assert [(f.code, f.severity, f.key) for f in findings] == [("bad-contact", "error", ("contact", 0, "email", 1))]
    assert findings[0].message == (
        f"{value!r} in 'email' is not a bare address: mail software would send to {read!r}; "
        "write the address alone, such as cloud@dinsic.example"
    )
    assert plan.contacts[0].email == ("dnum@x.example",)  # never sent to


@pytest.mark.parametrize(
    "value",
    ['"x y"@dinsic.example', "x@[127.0.0.1]", "x@localhost", ".x@dinsic.example", "x..y@dinsic.example",
     "x@-dinsic.example", "x@dinsic.example.", "x@_dinsic.example", "x\u2028@dinsic.example",
     "x@dinsic.example\u202e", "x@@dinsic.example", "cloud at dinsic.example", "x\x1b[2J@dinsic.example"],
)  # fmt: skip
def test_other_forms_are_not_an_address(value: str) -> None:
    text = f'{HEAD}{milestone("2021-03-31")}\n[[contact]]\nowner = "DNUM"\nemail = [{json.dumps(value)}]\n'
    _plan, findings = decode.build(tomllib.loads(text), "plan.toml")
    assert [f.code for f in findings] == ["bad-contact"]
    assert findings[0].message == f"{value!r} in 'email' is not an e-mail address such as cloud@dinsic.example"
    assert not re.fullmatch(decode.EMAIL_SCHEMA, value)  # editors that read the schema say so too


@pytest.mark.parametrize(
    "value",
    ["cloud@dinsic.example", "prenom.nom+cloudplan@interieur.gouv.fr", "o'brien@x-y.example",
     "élodie.müller@ministère.gouv.fr", "a_b@sub.domain.example.org", "x@x.example", "x@srv_1.example",
     "пётр@почта.рф"],
)  # fmt: skip
def test_bare_addresses_are_accepted(value: str) -> None:
    text = f'{HEAD}{milestone("2021-03-31")}\n[[contact]]\nowner = "DNUM"\nemail = [{json.dumps(value)}]\n'
    plan, findings = decode.build(tomllib.loads(text), "plan.toml")
    assert findings == []
    assert plan.contacts[0].email == (value,)
    assert re.fullmatch(decode.EMAIL_SCHEMA, value)


# -- behaviour that mutation testing found unpinned -------------------------------------------------


def lines(out: Notices, destination: str = MAIL) -> list[str]:
    (message,) = [m for m in out.messages if m.destination == destination]
    return message.text.splitlines()[2:]


def test_a_closed_milestone_listed_before_an_overdue_one_does_not_silence_it() -> None:
    p = portfolio(milestone("2021-03-01", "closed", "  done = 2021-02-01\n") + milestone("2099-01-01", "far")
                  + milestone("2021-03-31", "late"))  # fmt: skip
    out, _ = run(p, date(2021, 4, 1))
    assert kinds(out) == [("overdue", "p/late")]


def test_remind_zero_reminds_on_the_due_day_and_the_state_keeps_it() -> None:
    p = portfolio(milestone("2021-03-31"))
    before, _ = run(p, date(2021, 3, 30), remind=(0,))
    assert before.messages == []
    out, memory = run(p, date(2021, 3, 31), remind=(0,))
    assert lines(out) == ["DUE SOON  p/m  deadline 2021-03-31, due today: Title m"]
    assert memory[MAIL]["p/m"] == Memo("due-soon", "2021-03-31", 0)
    kept = alerts.read_sent(alerts.dumps_sent(memory, date(2021, 3, 31)), "s.json").memory
    assert kept == memory
    again, _ = run(p, date(2021, 3, 31), kept, remind=(0,))
    assert again.messages == []  # sent once
    late, _ = run(p, date(2021, 4, 1), kept, remind=(0,))
    assert kinds(late) == [("overdue", "p/m")]


@pytest.fixture
def catalogues() -> None:
    """The run speaks English, with cloudplan's catalogues at hand, as the command has them."""
    from cloudplan import language

    language.install("en")


@pytest.mark.usefixtures("catalogues")
def test_due_today_tomorrow_and_late_are_told_apart_in_each_language() -> None:
    day = date(2021, 4, 10)
    p = portfolio("".join(milestone((day + timedelta(days=d)).isoformat(), f"d{d + 2}") for d in (-2, -1, 0, 1, 2)))
    out, _ = run(p, day, remind=(30,))
    assert [line.split(", ", 1)[1] for line in lines(out)] == [
        "2 days late: Title d0", "1 day late: Title d1", "due today: Title d2", "1 day left: Title d3",
        "2 days left: Title d4",
    ]  # fmt: skip
    fr = translate.speaker("fr")
    contacts = '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\nlanguage = "fr"\n'
    french, _ = run(portfolio(p.plans[0].projects[0].milestones and "".join(
        milestone((day + timedelta(days=d)).isoformat(), f"d{d + 2}") for d in (-2, -1, 0, 1, 2)), contacts),
        day, remind=(30,), language="en")  # fmt: skip
    said = [line.rsplit(":", 1)[0].rsplit(", ", 1)[1].strip() for line in lines(french)]
    assert said == [
        fr.ngettext("{n} day late", "{n} days late", 2).format(n=2),
        fr.ngettext("{n} day late", "{n} days late", 1).format(n=1),
        fr.gettext("due today"),
        fr.ngettext("{n} day left", "{n} days left", 1).format(n=1),
        fr.ngettext("{n} day left", "{n} days left", 2).format(n=2),
    ]
    assert len(set(said)) == 5
    assert fr.gettext("due today") != "due today"  # French indeed, whatever the run speaks


@pytest.mark.usefixtures("catalogues")
def test_the_views_tell_due_today_from_tomorrow_too() -> None:
    from cloudplan.base import human, translate

    assert [human.days_left(n) for n in (-2, -1, 0, 1, 2, None)] == [
        "2 days late", "1 day late", "due today", "in 1 day", "in 2 days", "",
    ]  # fmt: skip
    with translate.speaking("fr"):
        french = [human.days_left(n) for n in (-2, -1, 0, 1, 2)]
        assert french == [
            translate.ngettext("{n} day late", "{n} days late", 2).format(n=2),
            translate.ngettext("{n} day late", "{n} days late", 1).format(n=1),
            translate._("due today"),
            translate.ngettext("in {n} day", "in {n} days", 1).format(n=1),
            translate.ngettext("in {n} day", "in {n} days", 2).format(n=2),
        ]
    assert len(set(french)) == 5
    assert french[2] != "due today"


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ('  due = "2021-03-31"\n  done = 2021-04-03\n', "CLEARED  p/m  done on 2021-04-03: Title m"),
        ('  due = "2021-03-31"\n  cancelled = 2021-04-03\n', "CLEARED  p/m  cancelled on 2021-04-03: Title m"),
        ("", "CLEARED  p/m  no longer has a deadline: Title m"),
        (
            '  due = "2021-03-31"\n  owners = ["ANSSI", "DGFiP"]\n',
            "CLEARED  p/m  now owned by ANSSI, DGFiP: Title m [ANSSI, DGFiP]",
        ),
    ],
)
def test_an_alerted_milestone_done_cancelled_unscheduled_or_given_away_is_cleared_saying_so(
    change: str, line: str
) -> None:
    _out, memory = run(portfolio(milestone("2021-03-31")), date(2021, 4, 1))
    text = '\n  [[project.milestone]]\n  id = "m"\n  title = "Title m"\n' + change
    out, after = run(portfolio(text), date(2021, 4, 5), memory)
    assert lines(out) == [line]
    assert after.get(MAIL, {}) == {}
    (message,) = [m for m in out.messages if m.destination == MAIL]
    assert message.summary == "1 milestone alert as of 2021-04-05 (1 cleared)"
    (alert,) = message.alerts
    assert alert.days_left == (-5 if "owners" in change else None)  # still open, and late, for its new owners
    assert (alert.deadline is None) == (change == "")


def test_still_overdue_every_repeat_days_each_its_own_message_id() -> None:
    p = portfolio(milestone("2021-03-31") + milestone("2021-04-02", "n"))
    _out, memory = run(p, date(2021, 4, 1), repeat=1)
    out, memory = run(p, date(2021, 4, 3), memory, repeat=1)
    assert lines(out) == [
        "OVERDUE  p/n  deadline 2021-04-02, 1 day late: Title n",
        "STILL OVERDUE  p/m  deadline 2021-03-31, 3 days late: Title m",
    ]
    assert out.messages[0].summary == "2 milestone alerts as of 2021-04-03 (2 overdue)"
    ids = [out.messages[0].id]
    for day in (4, 5):
        more, memory = run(p, date(2021, 4, day), memory, repeat=1)
        assert kinds(more) == [("still-overdue", "p/m"), ("still-overdue", "p/n")]
        ids.append(more.messages[0].id)
    assert len(set(ids)) == 3  # a repeat is a new message: Matrix must not take it for a retry
    retry, _ = run(p, date(2021, 4, 6), memory, repeat=1)
    again, _ = run(p, date(2021, 4, 7), memory, repeat=1)  # the one of the 6th was never recorded as sent
    assert retry.messages[0].id == again.messages[0].id


def test_a_state_without_the_day_of_the_last_overdue_alert_repeats_from_the_day_it_is_read() -> None:
    p = portfolio(milestone("2021-03-31"))
    memory = {MAIL: {"p/m": Memo("overdue", "2021-03-31")}}
    out, after = run(p, date(2021, 4, 10), memory)
    assert out.messages == []
    assert after == memory


def test_no_two_messages_to_a_destination_share_an_id_even_when_they_say_the_same_again() -> None:
    """Each message is its own Matrix transaction and its own Message-ID, the same only on a retry."""
    a = milestone("2021-04-30", "a")
    steps = [a, "", a, ""]  # alerted, removed, put back, removed again
    memory: dict[str, dict[str, Memo]] = {}
    last: dict[str, str] = {}
    ids, said = [], []
    for i, text in enumerate(steps):
        p = portfolio(text or milestone("2021-12-31", "z"))
        out, after = run(p, date(2021, 4, 1 + i), memory, last=last)
        retry, _ = run(p, date(2021, 4, 1 + i), memory, last=last)  # not sent: the same id again
        (message,) = out.messages
        assert retry.messages[0].id == message.id
        ids.append(message.id)
        said.append([(a.kind.value, a.reason) for a in message.alerts])
        memory, last = after, {**out.last, MAIL: message.id}
    assert said == [[("due-soon", None)], [("cleared", Reason.REMOVED)]] * 2
    assert len(set(ids)) == 4


def test_the_last_message_each_destination_took_is_kept_while_a_contact_names_it() -> None:
    p = portfolio(milestone("2021-12-31"))
    out, _ = run(p, date(2021, 4, 1), last={MAIL: "a" * 32, "mailto:gone@x.example": "b" * 32})
    assert out.messages == []
    assert out.last == {MAIL: "a" * 32}
    text = alerts.dumps_sent({}, date(2021, 4, 1), out.last)
    assert alerts.read_sent(text, "s.json") == alerts.Sent({}, {MAIL: "a" * 32})
    assert alerts.read_sent(None, "s.json") == alerts.Sent({}, {})


def test_different_alerts_to_one_destination_never_share_a_message_id() -> None:
    first, memory = run(portfolio(milestone("2021-03-31", "a")), date(2021, 4, 1))
    second, _ = run(portfolio(milestone("2021-03-31", "a") + milestone("2021-04-01", "b")), date(2021, 4, 2), memory)
    assert kinds(second) == [("overdue", "p/b")]
    assert first.messages[0].id != second.messages[0].id


def test_a_milestone_that_another_destination_still_remembers_says_nothing_new_here() -> None:
    # Two addresses for DNUM; only the first was told (the second's contact came later). Rescheduled far
    # away: the first hears it is cleared, the second nothing.
    contacts = '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example", "new@x.example"]\n'
    memory = {MAIL: {"p/m": Memo("due-soon", "2021-03-31", 7)}}
    out, after = run(portfolio(milestone("2021-12-31"), contacts), date(2021, 3, 28), memory)
    assert [m.destination for m in out.messages] == [MAIL]
    assert kinds(out) == [("cleared", "p/m")]
    assert after == {}


def test_the_subject_counts_each_kind() -> None:
    kept = milestone("2021-03-20", "a") + milestone("2021-03-25", "b") + milestone("2021-04-02", "c")
    kept += milestone("2021-04-02", "d")
    _out, memory = run(portfolio(kept + milestone("2021-03-31", "e") + milestone("2021-03-31", "f")), date(2021, 3, 30))
    later = portfolio(kept)
    out, _ = run(later, date(2021, 4, 1), memory, repeat=2)
    (message,) = out.messages
    assert message.summary == "6 milestone alerts as of 2021-04-01 (2 overdue, 2 due soon, 2 cleared)"
    assert [a.kind for a in message.alerts] == [
        AlertKind.STILL_OVERDUE, AlertKind.STILL_OVERDUE, AlertKind.DUE_SOON, AlertKind.DUE_SOON,
        AlertKind.CLEARED, AlertKind.CLEARED,
    ]  # fmt: skip


@pytest.mark.usefixtures("catalogues")
def test_what_reaches_nobody_comes_last_in_the_plans_language_and_an_unowned_milestone_goes_to_star() -> None:
    head = HEAD.replace('owner = "DINSIC"\n', "").replace('owners = ["DNUM"]\n', "")
    text = head + milestone("2021-03-31", "nobody") + milestone("2021-03-31", "anssi", '  owners = ["ANSSI"]\n')
    text += '\n[[contact]]\nowner = "DNUM"\nwebhook = ["$HOOK"]\n'
    plan, _f = decode.build(tomllib.loads(text), "plan.toml")
    out, _ = run(Portfolio((plan,)), date(2021, 4, 1), language="fr")
    assert [m.destination for m in out.messages] == [STDOUT]
    (message,) = out.messages
    assert message.language == "fr"
    fr = translate.speaker("fr")
    assert message.summary.startswith(fr.ngettext("{n} milestone alert", "{n} milestone alerts", 2).format(n=2))
    assert message.summary.endswith(" (" + fr.ngettext("{n} overdue", "{n} overdue", 2).format(n=2) + ")")
    assert fr.ngettext("{n} milestone alert", "{n} milestone alerts", 2) != "{n} milestone alerts"
    assert [a.owners for a in message.alerts] == [("ANSSI",), ()]
    assert message.text.splitlines()[2].endswith("[ANSSI]")
    assert not message.text.splitlines()[3].endswith("]")  # nobody owns it: nobody named
    star = text + '\n[[contact]]\nowner = "*"\nwebhook = ["$PMO"]\n'
    plan, _f = decode.build(tomllib.loads(star), "plan.toml")
    out, _ = run(Portfolio((plan,)), date(2021, 4, 1))
    assert kinds(out, "webhook:$PMO") == [("overdue", "p/anssi"), ("overdue", "p/nobody")]
    hooks = '\n[[contact]]\nowner = "ANSSI"\nwebhook = ["$ZZZ"]\n'
    plan, _f = decode.build(tomllib.loads(text.replace('"$HOOK"', '"$AAA"') + hooks), "plan.toml")
    out, _ = run(Portfolio((plan,)), date(2021, 4, 1))
    assert [m.destination for m in out.messages] == ["webhook:$ZZZ", STDOUT]  # standard output last


def test_routes_names_the_owners_that_no_contact_reaches() -> None:
    p = portfolio(milestone("2021-03-31"), '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\n')
    contacts = {c.owner: c for c in p.contacts}
    routed, unreached = routing.routes(["DNUM", "ANSSI", "DGFiP"], contacts)
    assert (list(routed), unreached) == (["DNUM"], ["ANSSI", "DGFiP"])


@pytest.mark.usefixtures("catalogues")
def test_the_translators_speak_their_language_whatever_the_run_speaks() -> None:
    from cloudplan.base import translate

    with translate.speaking("en"):
        assert translate.speaker("fr").gettext("OVERDUE") != "OVERDUE"
        assert translate.speaker("fr").ngettext("{n} day late", "{n} days late", 2) != "{n} days late"
        assert translate.speaker("en").gettext("OVERDUE") == "OVERDUE"
        assert translate.GATE.ngettext("{n} day late", "{n} days late", 2) == "{n} days late"
        assert translate.GATE.ngettext("{n} day late", "{n} days late", 1) == "{n} day late"
    with translate.speaking("fr"):
        assert translate.GATE.ngettext("{n} day late", "{n} days late", 2) == translate.speaker("fr").ngettext(
            "{n} day late", "{n} days late", 2)  # fmt: skip
        assert translate.GATE.ngettext("{n} day late", "{n} days late", 2) != "{n} days late"


def test_the_html_names_owners_only_where_several_and_a_removed_milestone_without_a_colon() -> None:
    p = portfolio(milestone("2021-03-31") + milestone("2021-03-31", "n"))
    _out, memory = run(p, date(2021, 4, 1))
    out, _ = run(portfolio(milestone("2021-03-31")), date(2021, 4, 2), memory)
    (message,) = out.messages
    (row,) = message.html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    cells = [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
    # A removed milestone has no title: its cell is its ref alone; one owner: no owners' column.
    assert cells[1:] == ['<code style="font-size:12px;color:#555555">p/n</code>', "removed from the plan"]
    assert message.html.count("<th ") == 3
    star = '[[contact]]\nowner = "*"\nemail = ["pmo@x.example"]\n'
    out, _ = run(portfolio(milestone("2021-03-31", more='  owners = ["A", "B"]\n'), star), date(2021, 4, 1))
    (row,) = out.messages[0].html.split("<tbody>")[1].split("</tbody>")[0].split("</tr>")[:-1]
    cells = [cell.split(">", 1)[1] for cell in row.split("</td>")[:-1]]
    assert cells[1:] == [
        '<strong>Title m</strong><br><code style="font-size:12px;color:#555555">p/m</code>',
        "deadline 2021-03-31, 1 day late",
        "A, B",
    ]
    assert out.messages[0].html.count("<th ") == 4


def test_the_state_file_text_is_sorted_indented_and_keeps_every_letter() -> None:
    memory = {
        "mailto:élodie@ministère.gouv.fr": {"p/b": Memo("overdue", "2021-03-31", None, "2021-04-01"),
                                            "p/a": Memo("due-soon", "2021-04-30", 0)},
        "empty": {},
    }  # fmt: skip
    assert alerts.dumps_sent(memory, date(2021, 4, 1)) == (
        "{\n"
        '  "as_of": "2021-04-01",\n'
        '  "cloudplan": "notify-state",\n'
        '  "destinations": {\n'
        '    "mailto:élodie@ministère.gouv.fr": {\n'
        '      "p/a": {\n'
        '        "deadline": "2021-04-30",\n'
        '        "remind": 0,\n'
        '        "status": "due-soon"\n'
        "      },\n"
        '      "p/b": {\n'
        '        "deadline": "2021-03-31",\n'
        '        "sent": "2021-04-01",\n'
        '        "status": "overdue"\n'
        "      }\n"
        "    }\n"
        "  },\n"
        '  "version": 1\n'
        "}\n"
    )


STATE = '{"cloudplan": "notify-state", "version": 1, "destinations": %s}'


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("{nope", "not JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1))"),
        ('{"cloudplan": "overdue-state"}', "not a cloudplan notify state file"),
        ("[1]", "not a cloudplan notify state file"),
        ('{"cloudplan": "notify-state", "version": 2}', "version 2 is not supported"),
        ('{"cloudplan": "notify-state"}', "version None is not supported"),
        ('{"cloudplan": "notify-state", "version": 1, "destinations": []}', "'destinations' must be an object"),
        (STATE % '{"mailto:a@x.example": []}', "the destination 'mailto:a@x.example' is malformed"),
        (STATE % '{"d": {"p/m": 5}}', "the item 'p/m' of 'd' is malformed"),
        (STATE % '{"d": {"p/m": {"status": "overdue", "deadline": "2021-03-31", "extra": 1}}}',
         "the item 'p/m' of 'd' is malformed"),
        (STATE % '{"d": {"p/m": {"status": "due-soon", "deadline": "2021-03-31", "remind": true}}}',
         "the item 'p/m' of 'd' is malformed"),
        (STATE % '{"d": {"p/m": {"status": "due-soon", "deadline": "2021-03-31", "remind": "7"}}}',
         "the item 'p/m' of 'd' is malformed"),
        (STATE % '{"d": {"p/m": {"status": "due-soon", "deadline": "2021-03-31", "remind": -1}}}',
         "the item 'p/m' of 'd' is malformed"),
        (STATE % '{"d": {"p/m": {"status": "overdue", "deadline": "2021-3-31"}}}',
         "the item 'p/m' of 'd' is malformed"),
        (STATE % '{}, "last_message": []', "'last_message' must map destinations to message ids"),
        (STATE % '{}, "last_message": {"d": "xyz"}', "'last_message' must map destinations to message ids"),
    ],
)  # fmt: skip
def test_a_state_file_cloudplan_did_not_write_is_refused_saying_why(text: str, why: str) -> None:
    with pytest.raises(StateInvalid) as caught:
        alerts.read_sent(text, "state.json")
    assert caught.value.message == f"state.json: cannot use this state file: {why}"
    assert caught.value.hint == (
        "nothing was sent; delete it to start afresh: the next run then sends every alert again"
    )


def test_a_state_file_may_hold_remind_zero_and_an_overdue_item_without_its_day() -> None:
    text = STATE % ('{"d": {"p/m": {"status": "due-soon", "deadline": "2021-03-31", "remind": 0}, '
                    '"p/n": {"status": "overdue", "deadline": "2021-03-31"}}}')  # fmt: skip
    assert alerts.read_sent(text, "s.json").memory == {
        "d": {"p/m": Memo("due-soon", "2021-03-31", 0), "p/n": Memo("overdue", "2021-03-31")}
    }


@pytest.mark.usefixtures("catalogues")
def test_a_removed_milestone_named_only_by_the_state_file_is_shown_inert_and_counted_in_french() -> None:
    contacts = '[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\nlanguage = "fr"\n'
    memory = {
        MAIL: {"p/x\x1b[2J\nOVERDUE  p/forged": Memo("overdue", "2021-03-31"), "p/y": Memo("overdue", "2021-03-31")}
    }
    out, _ = run(portfolio(milestone("2021-12-31"), contacts), date(2021, 4, 1), memory)
    (message,) = out.messages
    fr = translate.speaker("fr")
    assert message.summary.endswith(f"({fr.ngettext('{n} cleared', '{n} cleared', 2).format(n=2)})")
    assert fr.ngettext("{n} cleared", "{n} cleared", 2) != fr.ngettext("{n} cleared", "{n} cleared", 1)
    assert message.text.splitlines()[2].startswith(f"{fr.gettext('CLEARED')}  p/x␛[2J␊OVERDUE  p/forged  ")
    assert len(message.text.splitlines()) == 4


def test_the_state_file_is_refused_in_the_translators_words() -> None:
    class Marked:
        def gettext(self, message: str) -> str:
            return f"«{message}»"

        def ngettext(self, singular: str, plural: str, n: int) -> str:
            return f"«{singular if n == 1 else plural}»"

    with pytest.raises(StateInvalid) as caught:
        alerts.read_sent("[]", "s.json", Marked())
    assert caught.value.message == "«s.json: cannot use this state file: «not a cloudplan notify state file»»"


def test_a_message_names_the_plans_of_its_alerts_and_heads_its_table() -> None:
    first = HEAD.replace('title = "Plan"', 'title = "Plan A\\r\\nBcc: x@evil.example"') + milestone("2021-03-31")
    first += '\n[[contact]]\nowner = "DNUM"\nemail = ["dnum@x.example"]\n'
    second = HEAD.replace('title = "Plan"', 'title = "Plan B"').replace('id = "p"', 'id = "q"')
    second += milestone("2021-03-31", "n")
    plans = tuple(decode.build(tomllib.loads(text), f"{name}.toml")[0] for name, text in (("a", first), ("b", second)))
    p = Portfolio(plans)
    _out, memory = run(p, date(2021, 3, 30), remind=())
    out, memory = run(p, date(2021, 4, 1), memory)
    (message,) = out.messages
    assert [(a.ref, a.plan) for a in message.alerts] == [("p/m", "Plan A␍␊Bcc: x@evil.example"),
                                                         ("q/n", "Plan B")]  # fmt: skip
    assert message.plans == "Plan A␍␊Bcc: x@evil.example, Plan B"
    assert message.subject == f"cloudplan: {message.plans} – {message.summary}"
    assert message.headers == ("Alert", "Milestone", "Details", "Owners")
    rows = message.html.split("<tbody>")[1].split("</tbody>")[0]
    assert rows.startswith("<tr><td ")
    assert rows.endswith("</td></tr>")
    assert rows.count("</td><td ") == 2 * 2  # two rows of three cells, the owners' column left out
    assert rows.count("</tr><tr>") == 1
    # Done in one plan: the cleared alert names its plan; a removed one names none, and the message every plan.
    done = first.replace('  due = "2021-03-31"\n', '  due = "2021-03-31"\n  done = 2021-04-02\n')
    plans = tuple(decode.build(tomllib.loads(text), f"{name}.toml")[0] for name, text in (("a", done), ("b", HEAD)))
    out, _ = run(Portfolio(plans), date(2021, 4, 3), memory)
    (message,) = out.messages
    assert [(a.ref, a.reason, a.plan) for a in message.alerts] == [
        ("p/m", Reason.DONE, "Plan A␍␊Bcc: x@evil.example"), ("q/n", Reason.REMOVED, ""),
    ]  # fmt: skip
    assert message.plans == "Plan A␍␊Bcc: x@evil.example"
    only_removed, _ = run(Portfolio(plans), date(2021, 4, 3), {MAIL: {"q/n": Memo("overdue", "2021-03-31")}})
    assert only_removed.messages[0].plans == "Plan A␍␊Bcc: x@evil.example, Plan"  # every plan's, none being known
