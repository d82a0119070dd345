"""Demo petitions: every workflow state, the calibrated processing rate, days, rewards, audit.

The small demo (60 projects) makes 180 petitions; figures are judged on
``AS_OF``, the day the demo data describes.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from django.utils import translation

from sunshine.audit.verify import verify
from sunshine.demo.petitions import TARGET_RATE
from sunshine.demo.schedule import AS_OF
from sunshine.lib.crypto import sm3_hex
from sunshine.organisation.models import Level, Region
from sunshine.petitions import figures, rewards
from sunshine.petitions.models import (
    Category,
    Channel,
    EventAction,
    ExtensionRequest,
    Petition,
    PetitionEvent,
    ReviewRequest,
    State,
)
from sunshine.petitions.models_ops import (
    DayState,
    EntryKind,
    RewardEntry,
    SupervisionDay,
    SupervisionMatter,
)

pytestmark = pytest.mark.django_db

RATE_TOLERANCE = 0.02


def run_demo(seed: str = "7") -> None:
    with translation.override("zh-hans"):
        call_command("demo", "--size", "small", "--seed", seed, stdout=io.StringIO())


@pytest.fixture
def demo():
    run_demo()


def petitions_digest() -> str:
    """Digest the demo petitions by their natural fields, so primary keys do not matter."""
    rows = list(Petition.all_objects.values_list(
        "tracking_code", "kind", "category__code", "channel", "region_id", "text", "state",
        "received_on", "handle_due", "handled_on", "due_on", "repeat_of__tracking_code",
        "assigned_unit__name").order_by("tracking_code"))
    days = list(SupervisionDay.all_objects.values_list("region_id", "date", "state", "capacity")
                .order_by("region_id", "date"))
    entries = list(RewardEntry.objects.values_list("reporter__number", "petition__tracking_code",
                                                   "points").order_by("petition__tracking_code",
                                                                      "points"))
    return sm3_hex(json.dumps([rows, days, entries], default=str, ensure_ascii=False).encode())


def digest_of_run(seed: str) -> str:
    with transaction.atomic():
        run_demo(seed)
        found = petitions_digest()
        transaction.set_rollback(True)
    return found


def test_it_is_deterministic_for_a_seed():
    assert digest_of_run("7") == digest_of_run("7")


def test_processing_rate_is_calibrated(demo):
    conditions = figures.Conditions(figures.default_period(AS_OF))

    found = figures.summary(Petition.all_objects.all(), conditions)

    assert found.due > 50
    assert abs(float(found.processing_rate) - TARGET_RATE) <= RATE_TOLERANCE
    assert found.open_overdue > 0
    assert found.handled_late > 0


def test_petitions_in_every_main_state(demo):
    states = set(Petition.all_objects.values_list("state", flat=True))

    assert Petition.all_objects.count() == 180
    assert {State.RECEIVED, State.HANDLING, State.REPLIED, State.CLOSED} <= states
    assert states & {State.NOT_ACCEPTED, State.REFERRED}
    assert ExtensionRequest.objects.exists()
    assert ReviewRequest.objects.exists()
    assert Petition.all_objects.filter(repeat_of__isnull=False).exists()
    assert Petition.all_objects.filter(kind="accusation").exists()
    assert Category.objects.count() == 9


def test_petitions_match_their_events(demo):
    last_states = dict(PetitionEvent.objects.order_by("petition_id", "at", "id")
                       .values_list("petition_id", "to_state"))
    first = PetitionEvent.objects.order_by("petition_id", "at", "id")

    assert all(Petition.all_objects.get(pk=pk).state == state
               for pk, state in list(last_states.items())[:40])
    assert not Petition.all_objects.annotate(n=Count("events")).filter(n=0).exists()
    assert {first.filter(petition=p).first().action for p in Petition.all_objects.all()[:40]} == {
        EventAction.REGISTER}
    assert not Petition.all_objects.filter(state=State.HANDLING).exclude(
        due_on=F("handle_due")).exists()
    assert not Petition.all_objects.filter(received_on__gt=AS_OF).exists()
    assert not PetitionEvent.objects.filter(on__gt=AS_OF).exists()


def test_texts_are_chinese_and_reporters_encrypted(demo):
    named = Petition.all_objects.filter(is_anonymous=False).first()

    assert "，" in named.text or "。" in named.text
    assert named.reporter_phone_hash
    assert named.decrypt_reporter()["phone"].isdigit()
    assert named.decrypt_reporter()["name"] not in named.reporter_name_encrypted


def test_supervision_days_for_coming_months(demo):
    townships = Region.objects.filter(level=Level.TOWNSHIP).current().count()
    planned = SupervisionDay.all_objects.filter(date__gt=AS_OF)

    assert planned.count() == 3 * townships
    assert not planned.exclude(state=DayState.PLANNED).exists()
    assert SupervisionDay.all_objects.filter(state=DayState.HELD, date__lte=AS_OF).exists()
    matters = SupervisionMatter.objects.select_related("petition", "day")
    assert matters.exists()
    assert all(m.petition.channel == Channel.SUPERVISION_DAY
               and m.petition.received_on == m.day.date for m in matters)


def test_reward_entries_and_listing(demo):
    entries = RewardEntry.objects.all()

    assert entries.filter(kind=EntryKind.AWARD).exists()
    assert entries.filter(kind=EntryKind.REVERSAL).count() == 1
    assert not entries.exclude(petition__reward_consents__isnull=False).exists()
    assert list(rewards.public_listing())


def test_audit_chain_verifies_after_demo(demo):
    output = io.StringIO()

    call_command("verify_audit", stdout=output)

    assert verify() == []
