"""Demo supervision days, their registrations, and the verifications and reward points of reports."""

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from sunshine.demo import bulk, codes, names
from sunshine.demo.organisation import Organisation, TownshipUnits, township_unit_name
from sunshine.demo.petitions import texts
from sunshine.demo.petitions.story import Story, moment
from sunshine.demo.schedule import AS_OF
from sunshine.petitions import rewards, tracking
from sunshine.petitions.models_ops import (
    DayState,
    EntryKind,
    RewardConsent,
    RewardEntry,
    RewardReporter,
    SupervisionDay,
    SupervisionMatter,
    SupervisionRegistration,
    Verification,
    VerificationResult,
)

# Days held in the three months up to AS_OF, and planned for the three after it.
HELD_MONTHS = (-2, -1, 0)
PLANNED_MONTHS = (1, 2, 3)
MORNING = (datetime.time(9, 0), datetime.time(11, 30))
AFTERNOON = (datetime.time(14, 30), datetime.time(17, 0))
CONSENT_SHARE = 0.4
MAX_MATTERS = 3


@dataclass
class DayPlan:
    day: SupervisionDay
    township: TownshipUnits
    registrations: list[SupervisionRegistration] = field(default_factory=list)
    matters: int = 0


def month_day(months_from_as_of: int, day_of_month: int) -> datetime.date:
    month_index = AS_OF.year * 12 + AS_OF.month - 1 + months_from_as_of
    year, month = divmod(month_index, 12)
    day = datetime.date(year, month + 1, day_of_month)
    # Weekends move to Monday; public holidays are not looked up for the demo.
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def officials_of(organisation: Organisation, township: TownshipUnits) -> str:
    people = organisation.people.get(township.government.pk or 0, [])[:2]
    return "\n".join(f"{person.name} {person.post}" for person in people)


def plan_days(rng: random.Random, organisation: Organisation) -> list[DayPlan]:
    """Draw six monthly days per township: three held before AS_OF and three planned after it."""
    plans = []
    for township in organisation.townships:
        day_of_month = rng.randint(5, 25)
        starts_at, ends_at = rng.choice((MORNING, AFTERNOON))
        place = rng.choice(texts.DAY_PLACES).format(unit=township_unit_name(township.region),
                                                    township=township.region.name)
        for offset in HELD_MONTHS + PLANNED_MONTHS:
            date = month_day(offset, day_of_month)
            day = SupervisionDay(
                region=township.region, unit=township.government, date=date, starts_at=starts_at,
                ends_at=ends_at, place=place, officials=officials_of(organisation, township),
                topic=rng.choice(texts.DAY_TOPICS), capacity=rng.choice((20, 30)),
                state=DayState.HELD if date <= AS_OF else DayState.PLANNED,
            )
            plans.append(DayPlan(day, township))
    return plans


def spread_matters(rng: random.Random, plans: list[DayPlan], total: int) -> None:
    """Give ``total`` matters to held days at random, at most ``MAX_MATTERS`` per day."""
    held = [plan for plan in plans if plan.day.state == DayState.HELD]
    for _ in range(min(total, MAX_MATTERS * len(held))):
        plan = rng.choice(held)
        while plan.matters >= MAX_MATTERS:
            plan = rng.choice(held)
        plan.matters += 1


def _reference(rng: random.Random, taken: set[str]) -> str:
    while True:
        reference = "J" + "".join(rng.choice(tracking.ALPHABET) for _ in range(9))
        if reference not in taken:
            taken.add(reference)
            return reference


def _registration(rng: random.Random, plan: DayPlan, taken: set[str]) -> SupervisionRegistration:
    registered_on = min(plan.day.date - datetime.timedelta(days=rng.randint(1, 20)), AS_OF)
    registration = SupervisionRegistration(
        day=plan.day, reference=_reference(rng, taken),
        topic=rng.choice(texts.REGISTRATION_TOPICS),
        registered_at=moment(registered_on, rng.randint(8, 21)),
    )
    registration.set_identity(names.person_name(rng, male=rng.random() < 0.6),
                              codes.mobile_phone(rng))
    return registration


def insert_days(actor: Any, rng: random.Random, plans: list[DayPlan]) -> int:
    """Insert the days and their registrations; held days get their record after the matters."""
    taken: set[str] = set()
    for plan in plans:
        if plan.day.state == DayState.HELD:
            count = rng.randint(0, plan.matters)
        elif plan.day.date <= AS_OF + datetime.timedelta(days=31):
            count = rng.choice((0, 0, 1, 2, 4))
        else:
            count = 0
        plan.registrations = [_registration(rng, plan, taken) for _ in range(count)]
    for plan in plans:
        if plan.day.state == DayState.HELD:
            plan.day.visitors = plan.matters + rng.randint(1, 6)
            # The draw happens either way, so the rest of the demo stays the same.
            summary = rng.choice(texts.DAY_SUMMARIES)
            if not plan.matters:
                summary = texts.DAY_SUMMARY_ALL_ANSWERED
            plan.day.summary = summary.format(visitors=plan.day.visitors,
                                              answered=plan.day.visitors - plan.matters)
    bulk.insert_audited(actor, [plan.day for plan in plans])
    registrations = [r for plan in plans for r in plan.registrations]
    for registration in registrations:
        registration.day = registration.day
    if registrations:
        bulk.insert_audited(actor, registrations)
    return len(plans)


def insert_matters(actor: Any, matters: list[tuple[DayPlan, Story, int]], staff_of) -> None:
    """Link the petitions received on held days to their day and, when any, registration."""
    rows = []
    for plan, story, number in matters:
        registration = plan.registrations[number] if number < len(plan.registrations) else None
        rows.append(SupervisionMatter(day=plan.day, petition=story.petition,
                                      registration=registration,
                                      recorded_by=staff_of(plan.township.government)))
    if rows:
        bulk.insert_audited(actor, rows)


@dataclass
class RewardRows:
    verifications: list[Verification] = field(default_factory=list)
    consents: list[RewardConsent] = field(default_factory=list)
    awards: list[tuple[Story, Verification, datetime.datetime]] = field(default_factory=list)


def _verification(story: Story, result: str, day: datetime.date, recorded_by: Any) -> Verification:
    return Verification(petition=story.petition, result=result,
                        note=texts.VERIFICATION_NOTES[result], verified_on=day,
                        recorded_by=recorded_by, recorded_at=moment(day, 18))


def draw_rewards(rng: random.Random, stories: list[Story]) -> RewardRows:
    """Record the verified reports; two in five real-name reporters of true ones consented."""
    found = RewardRows()
    rewarded = (VerificationResult.TRUE, VerificationResult.PARTLY_TRUE)
    for story in stories:
        verdict = story.verdict
        if verdict is None:
            continue
        verification = _verification(story, verdict.result, verdict.verified_on,
                                     verdict.recorded_by)
        found.verifications.append(verification)
        consent_on = verdict.verified_on + datetime.timedelta(days=rng.randint(1, 10))
        if (verdict.result in rewarded and story.petition.is_real_name and consent_on <= AS_OF
                and rng.random() < CONSENT_SHARE):
            given_at = moment(consent_on, 19)
            found.consents.append(RewardConsent(petition=story.petition,
                                                text_version=rewards.CURRENT_CONSENT_VERSION,
                                                given_at=given_at))
            found.awards.append((story, verification, given_at))
    return found


def _award(story: Story, verification: Verification, reporter: RewardReporter,
           at: datetime.datetime) -> RewardEntry:
    petition = story.petition
    key = rewards.rule_for(petition)
    points, version = rewards.rule_in_force(key, region=petition.region,
                                            on=verification.verified_on)
    return RewardEntry(reporter=reporter, petition=petition, verification=verification,
                       kind=EntryKind.AWARD, points=int(points[verification.result]),
                       rule=f"{key}:{verification.result}", rule_version=version,
                       reason="核实属实，记录监督积分", recorded_at=at)


def _reporters(awards) -> dict[str, RewardReporter]:
    """Number reporters "YYYY-NNNN" in the order of their first award within each year."""
    reporters: dict[str, RewardReporter] = {}
    per_year: dict[int, int] = {}
    for story, _verification, at in sorted(awards, key=lambda award: award[2]):
        phone_hash = story.petition.reporter_phone_hash
        if phone_hash in reporters:
            continue
        per_year[at.year] = per_year.get(at.year, 0) + 1
        number = f"{at.year}-{per_year[at.year]:0{rewards.NUMBER_DIGITS}d}"
        reporters[phone_hash] = RewardReporter(number=number, phone_hash=phone_hash,
                                               created_at=at)
    return reporters


def insert_rewards(actor: Any, rng: random.Random, stories: list[Story]) -> int:
    """Insert verifications, consents and awards; the earliest award is later corrected away."""
    found = draw_rewards(rng, stories)
    if not found.verifications:
        return 0
    bulk.insert_audited(actor, found.verifications)
    if not found.awards:
        return 0
    bulk.insert_audited(actor, found.consents)
    reporters = _reporters(found.awards)
    bulk.insert_audited(actor, list(reporters.values()))
    awards = [_award(story, verification, reporters[story.petition.reporter_phone_hash], at)
              for story, verification, at in found.awards]
    bulk.insert_audited(actor, awards)
    return len(awards) + _correct_first(actor, found, awards)


def _correct_first(actor: Any, found: RewardRows, awards: list[RewardEntry]) -> int:
    """Correct the earliest award: a later verification found the report untrue."""
    story, verification, at = found.awards[0]
    day = verification.verified_on + datetime.timedelta(days=20)
    if day > AS_OF:
        return 0
    corrected = _verification(story, VerificationResult.UNTRUE, day, verification.recorded_by)
    bulk.insert_audited(actor, [corrected])
    award = awards[0]
    bulk.insert_audited(actor, [RewardEntry(
        reporter=award.reporter, petition=award.petition, verification=award.verification,
        kind=EntryKind.REVERSAL, points=-award.points, rule=award.rule,
        rule_version=award.rule_version, reverses=award, reason="核实结论更正为不属实，撤销积分",
        recorded_at=moment(day, 18),
    )])
    return 1
