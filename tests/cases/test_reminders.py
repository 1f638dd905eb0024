"""The reminder e-mail of the day and the approver's notice, received by a real SMTP server."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from boveileder.models import User
from cases.services import decisions as decision_services
from cases.services.notices import reminders_send
from cases.tasks.notices import reminders_send_daily
from housing.models import LongTenureFlag
from tests import smtp
from tests.factories import (
    CounsellorFactory,
    FollowUpFactory,
    HouseholdFactory,
    LongTenureFlagFactory,
    OfficerFactory,
    PersonFactory,
    TenancyFactory,
)
from tests.smtp import body

pytestmark = pytest.mark.django_db
smtp_inbox = smtp.smtp_inbox  # the real SMTP server, as a fixture of this module
tasks_in_process = smtp.tasks_in_process
TODAY = timezone.localdate()
SECRET_STEP = "Ring Kari om gjelda hos Lindorff"


@pytest.fixture
def kari(municipality):
    return CounsellorFactory(
        municipality=municipality,
        email="kari@alesund.kommune.no",
        can_approve_decisions=True,
        first_name="Kari",
        last_name="Veileder",
    )


def _household(municipality, counsellor, *, due, step=SECRET_STEP):
    household = HouseholdFactory(municipality=municipality, counsellor=counsellor)
    PersonFactory(household=household, first_name="Sigrid", last_name="Ålesundsen", with_national_id=True)
    FollowUpFactory(household=household, date=TODAY - timedelta(days=20), next_step=step, next_step_due=due)
    return household


@pytest.fixture
def day(municipality, kari):
    """Two next steps due today, one overdue, one next month; a flag referred; a decision to approve."""
    due = [_household(municipality, kari, due=TODAY) for _ in range(2)]
    overdue = _household(municipality, kari, due=TODAY - timedelta(days=3))
    later = _household(municipality, kari, due=TODAY + timedelta(days=40))
    # A flag a tenancy officer referred to Kari, on a household Kari does not follow.
    referred = HouseholdFactory(municipality=municipality)
    PersonFactory(household=referred, first_name="Bjørn", last_name="Referertsen", with_national_id=True)
    LongTenureFlagFactory(
        tenancy=TenancyFactory(household=referred),
        status=LongTenureFlag.Status.REFERRED,
        referred_to=kari,
    )
    # A decision a colleague drafted and submitted to Kari.
    colleague = CounsellorFactory(municipality=municipality)
    decided = HouseholdFactory(municipality=municipality, counsellor=colleague)
    person = PersonFactory(household=decided, first_name="Nils", last_name="Vedtaksen", with_national_id=True)
    decision = decision_services.decision_draft(
        household=decided,
        person=person,
        by=colleague,
        main_content="Oppfølging hver uke.",
        period_from=TODAY,
        reasons="Trenger hjelp.",
    )
    decision_services.decision_submit(decision=decision, by=colleague, approver=kari)
    return {"due": due, "overdue": overdue, "later": later, "referred": referred, "decision": decision}


def test_a_counsellor_with_a_deadline_today_gets_one_email_with_the_counts(
    smtp_inbox, tasks_in_process, kari, day
):
    smtp_inbox.messages.clear()  # the approver's notice of the submission, if it was sent
    assert reminders_send_daily.delay().get() == 1

    [message] = smtp_inbox.to(kari.email)
    text = body(message)
    assert "Boveileder" in message["Subject"]
    assert "Forfaller i dag: 2" in text
    assert "Forfalt: 1" in text
    assert "Botidsvarsler henvist til deg: 1" in text
    assert "Vedtak som venter på din godkjenning: 1" in text
    for household in day["due"]:
        assert household.reference in text
        assert f"http://localhost:8000{reverse('cases:household_detail', args=[household.pk])}" in text
    assert day["overdue"].reference in text
    assert day["later"].reference not in text  # due next month: not today's business
    assert reverse("cases:decision_detail", args=[day["decision"].pk]) in text
    assert reverse("profile") in text  # where to choose how often

    # Run twice on a day (a beat retry): still one e-mail.
    assert reminders_send() == 0
    assert len(smtp_inbox.to(kari.email)) == 1


def test_the_reminder_holds_no_name_no_note_and_no_national_id(smtp_inbox, municipality, kari, day):
    reminders_send()
    [message] = smtp_inbox.to(kari.email)
    # The body travels base64-encoded: read it decoded, with every header.
    raw = "\n".join(f"{key}: {value}" for key, value in message.items()) + "\n" + body(message)
    for name in ("Sigrid", "Ålesundsen", "Bjørn", "Referertsen", "Nils", "Vedtaksen", "Kari", "Veileder"):
        assert name not in raw
    assert SECRET_STEP not in raw and "Lindorff" not in raw
    assert not re.search(r"(?<!\d)\d{11}(?!\d)", raw), "eleven digits in a row: a national ID?"
    # and the ones the test made are none of them there, whatever their form
    from cases.models import Person

    for national_id in Person.objects.exclude(national_id="").values_list("national_id", flat=True):
        assert national_id not in raw and national_id[:6] not in raw


def test_each_person_chooses_daily_weekly_or_none(smtp_inbox, municipality, kari, day):
    monday = TODAY - timedelta(days=TODAY.weekday())
    tuesday = monday + timedelta(days=1)
    User.objects.filter(pk=kari.pk).update(reminders=User.Reminders.WEEKLY)
    assert reminders_send(today=tuesday) == 0
    assert reminders_send(today=monday) == 1
    User.objects.filter(pk=kari.pk).update(reminders=User.Reminders.NONE, reminders_sent_on=None)
    assert reminders_send(today=monday + timedelta(days=7)) == 0


def test_nothing_due_no_email_and_no_address_no_email(smtp_inbox, municipality):
    idle = CounsellorFactory(municipality=municipality, email="idle@alesund.kommune.no")
    _household(municipality, idle, due=TODAY + timedelta(days=40))
    busy_without_address = CounsellorFactory(municipality=municipality, email="")
    _household(municipality, busy_without_address, due=TODAY)
    assert reminders_send() == 0
    assert smtp_inbox.messages == []


def test_the_approver_is_told_at_once_when_a_decision_is_submitted(
    smtp_inbox,
    tasks_in_process,
    django_capture_on_commit_callbacks,
    municipality,
    kari,
):
    drafter = CounsellorFactory(municipality=municipality)
    household = HouseholdFactory(municipality=municipality, counsellor=drafter)
    person = PersonFactory(
        household=household, first_name="Nils", last_name="Vedtaksen", with_national_id=True
    )
    decision = decision_services.decision_draft(
        household=household, person=person, by=drafter, main_content="Hjelp.", period_from=TODAY, reasons="-"
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision_services.decision_submit(decision=decision, by=drafter, approver=kari)

    [message] = smtp_inbox.to(kari.email)
    text = body(message)
    assert household.reference in text
    assert reverse("cases:decision_detail", args=[decision.pk]) in text
    assert "Nils" not in text and "Vedtaksen" not in text and "Nils" not in message["Subject"]


def test_the_profile_page_sets_the_choice(client_for, kari):
    client = client_for(kari)
    page = client.get(reverse("profile")).content.decode()
    assert "Påminnelse på e-post" in page and kari.email in page
    response = client.post(reverse("profile"), {"reminders": "weekly"}, follow=True)
    assert "Innstillingene dine er lagret." in response.content.decode()
    kari.refresh_from_db()
    assert kari.reminders == User.Reminders.WEEKLY
    bad = client.post(reverse("profile"), {"reminders": "hourly"})
    assert bad.status_code == 200 and "Velg hvor ofte påminnelsen skal komme." in bad.content.decode()


def test_the_profile_page_is_each_ones_own(client, client_for, municipality):
    officer = OfficerFactory(municipality=municipality)
    assert client_for(officer).get(reverse("profile")).status_code == 200
    client.logout()
    assert client.get(reverse("profile")).status_code == 302
    assert client_for(officer).delete(reverse("profile")).status_code == 405
