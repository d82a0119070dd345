"""Demo petitions: categories, petitions in every state, supervision days and reward points.

Petitions are received from ``FIRST_RECEIVED`` to ``AS_OF`` all over
Taizhou. Each goes through the workflow as far as its days allow (see
``story``), and the petitions due for handling are split so that the
city's processing rate over the default figures period, judged on
``AS_OF``, is ``TARGET_RATE``. All rows go in with one audit entry per
model (``sunshine.demo.bulk``), so ``sunshine verify_audit`` passes.
"""

import datetime
import logging
import random
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from sunshine.demo import bulk, codes, names
from sunshine.demo.organisation import Organisation, TownshipUnits, place_name
from sunshine.demo.petitions import rows, supervision, texts
from sunshine.demo.petitions.story import DeadlineBook, Life, Story
from sunshine.demo.schedule import AS_OF
from sunshine.funds.models import Project, Source
from sunshine.organisation.models import Level, Region, Role, Unit
from sunshine.petitions import figures, tracking
from sunshine.petitions.models import Category, Channel, Kind, Petition

logger = logging.getLogger(__name__)

FIRST_RECEIVED = datetime.date(2025, 6, 1)
PETITIONS_PER_PROJECT = 3
MIN_PETITIONS = 150
# NOTE: 80% is taken as the processing rate an inspection of Taizhou reported;
# the inspection report itself was not consulted.
TARGET_RATE = 0.80
LATE_SHARE_OF_MISSED = 0.55
EARLY_SHARE = 0.35
EXTENSION_SHARE = 0.12
REPEAT_SHARE = 0.06
# Share of petitions received in person on a supervision day.
SUPERVISION_DAY_SHARE = 0.08
CHANNELS = ((Channel.WEB, 35), (Channel.MOBILE, 28), (Channel.PHONE, 15), (Channel.LETTER, 9),
            (Channel.WALK_IN, 8), (Channel.LIAISON, 5))
SELF_SERVICE = (Channel.WEB, Channel.MOBILE)
AMOUNTS = (3200, 5800, 12000, 26500, 48000, 150000)


@dataclass
class DemoPetitions:
    petitions: int
    supervision_days: int
    reward_entries: int


class Staff:
    """The demo account that acts for each unit, and the leader who approves for it."""

    def __init__(self, organisation: Organisation) -> None:
        usernames = [account.username for account in organisation.accounts]
        users = {u.get_username(): u for u in get_user_model().objects.filter(username__in=usernames)}
        self.workers: dict[int, Any] = {}
        self.leaders: dict[int, Any] = {}
        for account in organisation.accounts:
            pk = account.unit.pk or 0
            if account.role == Role.LEADER:
                self.leaders.setdefault(pk, users[account.username])
            elif account.role in (Role.OPERATOR, Role.INSPECTOR):
                self.workers.setdefault(pk, users[account.username])

    def _up(self, found: dict[int, Any], unit: Unit | None) -> Any:
        while unit is not None:
            if unit.pk in found:
                return found[unit.pk]
            unit = unit.parent
        return None

    def worker(self, unit: Unit) -> Any:
        return self._up(self.workers, unit)

    def leader(self, unit: Unit) -> Any:
        return self._up(self.leaders, unit)


def build_petitions(actor: Any, rng: random.Random, organisation: Organisation,
                    projects: int) -> DemoPetitions:
    """Create the demo petitions in one transaction; ``projects`` sets how many."""
    with transaction.atomic():
        builder = Builder(actor, rng, organisation)
        result = builder.build(max(MIN_PETITIONS, projects * PETITIONS_PER_PROJECT))
    logger.info("demo petitions built: %s petitions, %s supervision days, %s reward entries",
                result.petitions, result.supervision_days, result.reward_entries)
    return result


class Builder:
    def __init__(self, actor: Any, rng: random.Random, organisation: Organisation) -> None:
        self.actor = actor
        self.rng = rng
        self.organisation = organisation
        self.staff = Staff(organisation)
        self.life = Life(rng, DeadlineBook())
        self.codes: set[str] = set()
        self.categories: dict[str, Category] = {}
        self.projects = self._projects_by_village()

    def build(self, count: int) -> DemoPetitions:
        self.categories = self._insert_categories()
        days = supervision.plan_days(self.rng, self.organisation)
        supervision.spread_matters(self.rng, days, round(count * SUPERVISION_DAY_SHARE))
        day_count = supervision.insert_days(self.actor, self.rng, days)
        stories, matters = self._day_stories(days)
        stories += self._stories(count - len(stories))
        self._finish(stories)
        rows.insert_stories(self.actor, stories)
        supervision.insert_matters(self.actor, matters, self.staff.worker)
        entries = supervision.insert_rewards(self.actor, self.rng, stories)
        return DemoPetitions(len(stories), day_count, entries)

    def _insert_categories(self) -> dict[str, Category]:
        categories = {
            spec.code: Category(code=spec.code, name=spec.name, name_en=spec.name_en, default_kind=spec.kind,
                                is_public=True, route_unit_kind=spec.route_kind,
                                route_level=spec.route_level)
            for spec in texts.CATEGORIES
        }
        bulk.insert_audited(self.actor, list(categories.values()))
        return categories

    def _projects_by_village(self) -> dict[str, Project]:
        found: dict[str, Project] = {}
        for project in Project.all_objects.filter(source=Source.DEMO).order_by("code"):
            found.setdefault(project.region_id, project)
        return found

    def _day_stories(self, days) -> tuple[list[Story], list]:
        """Register the matters received on held supervision days."""
        stories, matters = [], []
        for plan in days:
            for number in range(plan.matters):
                spec = self._spec(lambda s: s.kind != Kind.SUGGESTION)
                story = self._story(spec, plan.township, plan.day.date, Channel.SUPERVISION_DAY)
                stories.append(story)
                matters.append((plan, story, number))
        return stories, matters

    def _stories(self, count: int) -> list[Story]:
        span = (AS_OF - FIRST_RECEIVED).days
        stories: list[Story] = []
        for _ in range(max(0, count)):
            if stories and self.rng.random() < REPEAT_SHARE:
                repeat = self._repeat(self.rng.choice(stories))
                if repeat is not None:
                    stories.append(repeat)
                    continue
            received = FIRST_RECEIVED + datetime.timedelta(days=self.rng.randint(0, span))
            channel = self.rng.choices(*zip(*CHANNELS, strict=True))[0]
            stories.append(self._story(self._spec(), self.rng.choice(self.organisation.townships),
                                       received, channel))
        return stories

    def _spec(self, allowed=lambda spec: True) -> texts.DemoCategory:
        specs = [spec for spec in texts.CATEGORIES if allowed(spec)]
        return self.rng.choices(specs, [spec.weight for spec in specs])[0]

    def _tracking(self) -> tuple[str, str]:
        while True:
            code = "".join(self.rng.choice(tracking.ALPHABET) for _ in range(tracking.CODE_LENGTH))
            if code not in self.codes:
                self.codes.add(code)
                secret = "".join(self.rng.choice(tracking.ALPHABET)
                                 for _ in range(tracking.SECRET_LENGTH))
                return code, tracking.secret_hash(code, secret)

    def _handling_unit(self, spec: texts.DemoCategory, township: TownshipUnits) -> Unit:
        if spec.route_level == Level.TOWNSHIP:
            return township.government
        key = "commission" if spec.kind == Kind.ACCUSATION else "government"
        return township.county.units[key]

    def _story(self, spec: texts.DemoCategory, township: TownshipUnits, received: datetime.date,
               channel: str) -> Story:
        village = self.rng.choice(township.villages) if township.villages and self.rng.random() < 0.7 else None
        region: Region = village.region if village else township.region
        text, secretary = self._text(spec, township, village)
        anonymous = self.rng.random() < (0.3 if spec.kind == Kind.ACCUSATION else 0.12)
        if channel == Channel.SUPERVISION_DAY:
            anonymous = False
        code, secret_hash = self._tracking()
        petition = Petition(
            tracking_code=code, secret_hash=secret_hash, kind=spec.kind,
            category=self.categories[spec.code], channel=channel, region=region,
            title=f"{place_name(region) if village else region.name}{spec.name}问题",
            text=text, is_anonymous=anonymous, received_on=received,
        )
        self._targets(petition, spec, township, village, secretary)
        if not anonymous:
            petition.set_reporter(names.person_name(self.rng, male=self.rng.random() < 0.55),
                                  codes.mobile_phone(self.rng))
        return self._start(petition, self._handling_unit(spec, township), township, channel)

    def _text(self, spec: texts.DemoCategory, township: TownshipUnits, village) -> tuple[str, Any]:
        secretary = None
        if village is not None:
            people = self.organisation.people.get(village.committee.pk or 0, [])
            secretary = people[0] if people else None
        template = self.rng.choice([t for t in spec.texts if secretary or "{person}" not in t])
        place = place_name(village.region) if village else township.region.name
        text = template.format(
            village=place, township=township.region.name, road=self.rng.choice(names.ROADS),
            months=self.rng.randint(2, 8), amount=self.rng.choice(AMOUNTS),
            person=secretary.name if secretary else "",
        )
        return text, secretary if "{person}" in template else None

    def _targets(self, petition: Petition, spec: texts.DemoCategory, township: TownshipUnits,
                 village, secretary) -> None:
        if spec.kind == Kind.ACCUSATION:
            petition.target_unit = village.committee if village else township.government
            petition.target_person = secretary
        elif spec.code in ("rural_roads", "public_services") and self.rng.random() < 0.3:
            petition.target_project = self.projects.get(petition.region_id)

    def _start(self, petition: Petition, unit: Unit, township: TownshipUnits, channel: str) -> Story:
        story = Story(petition, unit, self.staff.worker(unit), self.staff.leader(unit))
        self_service = channel in SELF_SERVICE
        registrar = None if self_service else self.staff.worker(township.government)
        self.life.register(story, registrar, by_reporter=self_service)
        if self.life.assign(story):
            self.life.decide(story)
        if story.decided_on is not None and petition.handle_due and self.rng.random() < EXTENSION_SHARE:
            self.life.extend(story)
        return story

    def _repeat(self, earlier: Story) -> Story | None:
        """Return a second petition on the same matter by the same reporter, or None."""
        first = earlier.petition
        received = first.received_on + datetime.timedelta(days=self.rng.randint(10, 80))
        if first.is_anonymous or first.repeat_of is not None or received > AS_OF:
            return None
        code, secret_hash = self._tracking()
        petition = Petition(
            tracking_code=code, secret_hash=secret_hash, kind=first.kind, category=first.category,
            channel=self.rng.choice(SELF_SERVICE), region=first.region, title=first.title,
            text="再次反映：" + first.text, is_anonymous=False, received_on=received,
            target_unit=first.target_unit, target_person=first.target_person,
            target_project=first.target_project, repeat_of=first,
        )
        # The same reporter, so the keyed phone hash matches; the ciphertexts are
        # bound to the new tracking code.
        reporter = first.decrypt_reporter()
        petition.set_reporter(reporter["name"], reporter["phone"])
        township = self._township_of(first.region)
        return self._start(petition, earlier.unit, township, petition.channel)

    def _township_of(self, region: Region) -> TownshipUnits:
        code = region.code[:9]
        return next(t for t in self.organisation.townships if t.region.code == code)

    def _finish(self, stories: list[Story]) -> None:
        """Decide which accepted petitions were handled in time, late, early or not yet."""
        first = figures.default_period(AS_OF).first
        accepted = [s for s in stories if s.decided_on is not None]
        due = {id(s): s.petition.handle_due or AS_OF for s in accepted}
        passed = [s for s in accepted if due[id(s)] < AS_OF]
        fates: dict[int, str] = {}
        for group in ([s for s in passed if due[id(s)] >= first],
                      [s for s in passed if due[id(s)] < first]):
            fates.update(self._split_passed(group))
        for story in accepted:
            fate = fates.get(id(story))
            if fate is None:
                fate = "early" if self.rng.random() < EARLY_SHARE else "open"
            self.life.handle(story, fate)

    def _split_passed(self, group: list[Story]) -> dict[int, str]:
        """Give exactly ``TARGET_RATE`` of the group "in time"; split the rest late or open."""
        shuffled = list(group)
        self.rng.shuffle(shuffled)
        in_time = round(TARGET_RATE * len(shuffled))
        fates = {}
        for index, story in enumerate(shuffled):
            if index < in_time:
                fates[id(story)] = "in_time"
            else:
                fates[id(story)] = "late" if self.rng.random() < LATE_SHARE_OF_MISSED else "open"
        return fates
