"""The life of one demo petition, step by step, as the workflow actions would record it.

The demo describes petitions received over many months before ``AS_OF``.
The workflow actions date every step today, so the demo draws each step's
day here. It writes the same field changes, events and deadlines as
``sunshine.petitions.actions`` (see ``_common.record`` and the actions'
``*_changes`` helpers), and ``deadlines.compute`` computes each deadline
from the day of its step.
"""

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from sunshine.demo.petitions import texts
from sunshine.demo.schedule import AS_OF
from sunshine.organisation.models import Region, Unit
from sunshine.petitions import deadlines
from sunshine.petitions.deadlines import Deadline
from sunshine.petitions.models import (
    EventAction,
    Kind,
    Petition,
    Rating,
    ReviewLevel,
    Stage,
    State,
    rating_for_score,
)
from sunshine.rules.models import Setting
from sunshine.rules.values import county_code_of

ONE_DAY = datetime.timedelta(days=1)


def moment(day: datetime.date, hour: int) -> datetime.datetime:
    """Return an aware datetime in Shanghai time on ``day`` at ``hour``."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def between(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


class DeadlineBook:
    """``deadlines.compute`` remembered per rule and day: thousands of steps share them.

    The county is part of the key only for rules that some county has its
    own version of, which a fresh demo database has none of.
    """

    def __init__(self) -> None:
        self.memo: dict[tuple, Deadline] = {}
        self.extended: dict[tuple, datetime.date] = {}
        self.county_rules = set(
            Setting.objects.filter(county__isnull=False).values_list("key", flat=True))

    def _county(self, rule: str, region: Region) -> str | None:
        if rule in self.county_rules or deadlines.END_ON_HOLIDAY_MOVES in self.county_rules:
            return county_code_of(region)
        return None

    def due(self, rule: str, start: datetime.date, region: Region) -> Deadline:
        key = (rule, start, self._county(rule, region))
        if key not in self.memo:
            self.memo[key] = deadlines.compute(rule, start, region=region)
        return self.memo[key]

    def extend(self, due: datetime.date, days: int, region: Region) -> datetime.date:
        key = (due, days, self._county(deadlines.END_ON_HOLIDAY_MOVES, region))
        if key not in self.extended:
            self.extended[key] = deadlines.extend(due, days, region=region)
        return self.extended[key]


@dataclass
class Step:
    action: str
    on: datetime.date
    hour: int
    actor: Any = None
    unit: Unit | None = None
    reason: str = ""
    deadlines: list[Deadline] = field(default_factory=list)
    public: bool = False
    by_reporter: bool = False
    notified: list[int] = field(default_factory=list)
    from_state: str = ""
    to_state: str = ""


@dataclass
class Answer:
    stage: str
    text: str
    outcome: str
    unit: Unit | None
    author: Any
    delivered_on: datetime.date
    rating: str = ""
    score: int | None = None
    rating_comment: str = ""
    rated_at: datetime.datetime | None = None


@dataclass
class Review:
    level: str
    reason: str
    requested_on: datetime.date
    reviewing_unit: Unit | None
    due_on: datetime.date
    decision: Answer | None = None


@dataclass
class Extension:
    days: int
    reason: str
    requested_by: Any
    requested_on: datetime.date
    decided_by: Any
    decided_on: datetime.date
    previous_due: datetime.date
    new_due: datetime.date


@dataclass
class Verdict:
    result: str
    verified_on: datetime.date
    recorded_by: Any


@dataclass
class Story:
    """A petition under construction with everything that happened to it."""

    petition: Petition
    unit: Unit
    staff: Any
    leader: Any
    steps: list[Step] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)
    extension: Extension | None = None
    verdict: Verdict | None = None
    decided_on: datetime.date | None = None
    ready_on: datetime.date | None = None

    def add(self, step: Step, **changes: Any) -> None:
        """Apply ``changes`` to the petition and append ``step``, as ``_common.record`` does."""
        step.from_state = self.petition.state
        for name, value in changes.items():
            setattr(self.petition, name, value)
        step.to_state = self.petition.state
        self.steps.append(step)

    @property
    def region(self) -> Region:
        return self.petition.region


class Life:
    """Draws the steps of demo petitions after ``AS_OF``-bounded random days."""

    def __init__(self, rng: random.Random, book: DeadlineBook) -> None:
        self.rng = rng
        self.book = book

    def due(self, rule: str, day: datetime.date, story: Story) -> Deadline:
        return self.book.due(rule, day, story.region)

    def register(self, story: Story, actor: Any, by_reporter: bool) -> None:
        """Set the intake deadlines on the new petition and record its registration."""
        petition, day = story.petition, story.petition.received_on
        if petition.is_accusation:
            found = {"due_on": self.due(deadlines.ACCUSATION_ACCEPT, day, story)}
            if petition.is_real_name:
                found["notice_due"] = self.due(deadlines.ACCUSATION_NOTICE, day, story)
        else:
            found = {"due_on": self.due(deadlines.ACCEPT_NOTICE, day, story),
                     "warning_on": self.due(deadlines.ACCEPT_WARNING, day, story),
                     "assign_due": self.due(deadlines.TRANSFER, day, story)}
        for name, deadline in found.items():
            setattr(petition, name, deadline.due)
        petition.due_rule = found["due_on"].rule
        # Registered before 10:00, so that an assignment on the same day comes after it.
        hour = self.rng.choice((8, 9))
        petition.registered_at = moment(day, hour)
        story.add(Step(EventAction.REGISTER, day, hour, actor=actor, public=True,
                       by_reporter=by_reporter, deadlines=list(found.values())))
        if petition.repeat_of is not None:
            story.add(Step(EventAction.LINK_REPEAT, day, hour, actor=actor,
                           reason=petition.repeat_of.tracking_code))

    def assign(self, story: Story) -> bool:
        """Assign the petition to its unit a few days after receipt; False when after AS_OF."""
        day = story.petition.received_on + datetime.timedelta(days=self.rng.choice((0, 1, 1, 2, 3, 5)))
        if day > AS_OF:
            return False
        objection = self.due(deadlines.REFERRAL_OBJECTION, day, story)
        rule = (deadlines.ACCUSATION_ACCEPT if story.petition.is_accusation
                else deadlines.ACCEPT_NOTICE)
        accept = self.due(rule, day, story)
        story.add(Step(EventAction.ASSIGN, day, 10, unit=story.unit, public=True,
                       deadlines=[objection, accept]),
                  assigned_unit=story.unit, assigned_at=moment(day, 10), assign_due=None,
                  objection_until=objection.due, due_on=accept.due, due_rule=rule)
        story.ready_on = day
        return True

    def decide(self, story: Story) -> None:
        """Accept the petition, decline it or send the reporter elsewhere; some wait past AS_OF."""
        assert story.ready_on is not None
        day = story.ready_on + datetime.timedelta(days=self.rng.choice((0, 1, 2, 3, 4, 6, 9, 20)))
        if day > AS_OF:
            return
        draw = self.rng.random()
        if not story.petition.is_accusation and draw < 0.04:
            self._finish_unaccepted(story, day, EventAction.NOT_ACCEPT, State.NOT_ACCEPTED,
                                    texts.NOT_ACCEPTED_TEXT)
        elif not story.petition.is_accusation and draw < 0.07:
            self._finish_unaccepted(story, day, EventAction.REFER, State.REFERRED,
                                    texts.REFERRED_TEXT)
        else:
            self._accept(story, day)

    def _finish_unaccepted(self, story: Story, day: datetime.date, action: str, state: str,
                           reason: str) -> None:
        story.add(Step(action, day, 14, actor=story.staff, reason=reason, public=True),
                  state=state, closed_at=moment(day, 14), due_on=None, due_rule="",
                  warning_on=None, assign_due=None, notice_due=None, objection_until=None)

    def _accept(self, story: Story, day: datetime.date) -> None:
        petition = story.petition
        rule = deadlines.ACCUSATION_HANDLE if petition.is_accusation else deadlines.HANDLE
        handle = self.due(rule, day, story)
        changes: dict[str, Any] = {
            "state": State.HANDLING, "accepted_at": moment(day, 11), "handle_due": handle.due,
            "due_on": handle.due, "due_rule": rule, "assign_due": None, "objection_until": None,
            "warning_on": None,
        }
        found = [handle]
        if petition.is_accusation:
            changes["notice_due"] = None
        else:
            warning = self.due(deadlines.HANDLE_WARNING, day, story)
            changes["warning_on"] = warning.due
            found.append(warning)
        story.add(Step(EventAction.ACCEPT, day, 11, actor=story.staff, reason=texts.NOTICE_TEXT,
                       deadlines=found, public=True), **changes)
        story.decided_on = day

    def extend(self, story: Story) -> None:
        """Extend the handling period once, approved by a leader, before the deadline passes."""
        petition = story.petition
        assert story.decided_on is not None and petition.handle_due is not None
        requested = story.decided_on + datetime.timedelta(days=self.rng.randint(20, 45))
        approved = requested + datetime.timedelta(days=self.rng.randint(1, 3))
        if approved >= petition.handle_due or approved > AS_OF:
            return
        days = self.rng.choice((15, 20, 30))
        reason = self.rng.choice(texts.EXTENSION_TEXTS)
        new_due = self.book.extend(petition.handle_due, days, story.region)
        story.extension = Extension(days, reason, story.staff, requested, story.leader, approved,
                                    petition.handle_due, new_due)
        story.add(Step(EventAction.REQUEST_EXTENSION, requested, 15, actor=story.staff,
                       reason=reason))
        story.add(Step(EventAction.APPROVE_EXTENSION, approved, 16, actor=story.leader,
                       reason=reason, public=True,
                       deadlines=[Deadline(petition.due_rule, new_due, legal=True)]),
                  handle_due=new_due, due_on=new_due)

    def earliest_handling(self, story: Story) -> datetime.date:
        assert story.decided_on is not None
        earliest = story.decided_on + datetime.timedelta(days=3)
        if story.extension is not None:
            earliest = max(earliest, story.extension.decided_on + ONE_DAY)
        return earliest

    def handle(self, story: Story, fate: str) -> None:
        """Finish handling in time, late or early, or leave it open (and maybe escalated)."""
        petition = story.petition
        assert petition.handle_due is not None
        earliest = self.earliest_handling(story)
        if fate == "in_time":
            day = between(self.rng, earliest, min(petition.handle_due, AS_OF))
        elif fate == "late":
            day = between(self.rng, petition.handle_due + ONE_DAY,
                          min(petition.handle_due + datetime.timedelta(days=45), AS_OF))
        elif fate == "early" and earliest <= AS_OF:
            day = between(self.rng, earliest, AS_OF)
        else:
            self._maybe_escalate(story)
            return
        if petition.is_accusation:
            self._close_report(story, day)
        else:
            self._reply(story, day)

    def _maybe_escalate(self, story: Story) -> None:
        petition = story.petition
        assert petition.handle_due is not None
        day = petition.handle_due + ONE_DAY
        if day > AS_OF or self.rng.random() < 0.5:
            return
        notified = [user.pk for user in (story.leader,) if user is not None]
        story.add(Step(EventAction.ESCALATE, day, 9, actor=story.staff,
                       reason=texts.ESCALATION_TEXT, notified=notified),
                  escalated_at=moment(day, 9))

    def _reply(self, story: Story, day: datetime.date) -> None:
        petition = story.petition
        outcome = ""
        if petition.kind == Kind.REQUEST:
            outcome = self.rng.choices(("support", "explain", "reject"), (55, 30, 15))[0]
        answer = Answer(Stage.REPLY, self.rng.choice(texts.REPLY_TEXTS[outcome]), outcome,
                        story.unit, story.staff, day)
        story.answers.append(answer)
        changes: dict[str, Any] = {"state": State.REPLIED, "replied_at": moment(day, 15),
                                   "handled_on": day, "due_on": None, "due_rule": "",
                                   "warning_on": None}
        found = []
        if petition.kind == Kind.REQUEST:
            window = self.due(deadlines.REVIEW_REQUEST, day, story)
            changes["review_until"] = window.due
            found.append(window)
        story.add(Step(EventAction.REPLY, day, 15, actor=story.staff, deadlines=found,
                       public=True), **changes)
        rated_on = self._rate(story, answer)
        self._after_reply(story, answer, rated_on)

    def _rate(self, story: Story, answer: Answer) -> datetime.date | None:
        """Let three reporters in four rate the answer within ten days, if before AS_OF."""
        day = answer.delivered_on + datetime.timedelta(days=self.rng.randint(1, 10))
        if day > AS_OF or self.rng.random() < 0.25:
            return None
        weights = {"support": (1, 2, 7, 35, 55), "explain": (6, 12, 30, 32, 20),
                   "reject": (30, 30, 25, 10, 5), "": (2, 3, 15, 40, 40)}[answer.outcome]
        score = self.rng.choices((1, 2, 3, 4, 5), weights)[0]
        answer.score, answer.rating = score, rating_for_score(score)
        answer.rating_comment = texts.RATING_COMMENTS[score]
        answer.rated_at = moment(day, 20)
        story.add(Step(EventAction.RATE, day, 20, reason=answer.rating, public=True,
                       by_reporter=True))
        return day

    def _after_reply(self, story: Story, answer: Answer, rated_on: datetime.date | None) -> None:
        petition = story.petition
        if petition.kind == Kind.REQUEST and self._wants_review(answer):
            self._review(story, ReviewLevel.REVIEW, (rated_on or answer.delivered_on))
            return
        # Only a satisfied reporter's request may be closed before its review window ends.
        if petition.kind == Kind.SUGGESTION or (rated_on is not None
                                                and answer.rating == Rating.SATISFIED):
            start = rated_on or answer.delivered_on
            self._close(story, start + datetime.timedelta(days=self.rng.randint(1, 6)))
        elif petition.review_until is not None:
            self._close(story, petition.review_until + datetime.timedelta(days=self.rng.randint(1, 5)))

    def _wants_review(self, answer: Answer) -> bool:
        chance = 0.5 if answer.rating == "dissatisfied" else 0.02
        return self.rng.random() < chance

    def _review(self, story: Story, level: str, after: datetime.date) -> None:
        """Record a review (复查) or re-review (复核) request and, when due by AS_OF, its opinion."""
        petition = story.petition
        day = after + datetime.timedelta(days=self.rng.randint(2, 20))
        if petition.review_until is None or day > min(petition.review_until, AS_OF):
            if petition.review_until is not None:
                self._close(story, petition.review_until + ONE_DAY)
            return
        re_review = level == ReviewLevel.RE_REVIEW
        rule = deadlines.RE_REVIEW_DECISION if re_review else deadlines.REVIEW_DECISION
        decision = self.due(rule, day, story)
        earlier = story.reviews[-1].reviewing_unit if story.reviews else story.unit
        reviewing = earlier.parent if earlier is not None and earlier.parent_id else earlier
        review = Review(level, self.rng.choice(texts.RE_REVIEW_TEXTS if re_review else texts.REVIEW_TEXTS),
                        day, reviewing, decision.due)
        story.reviews.append(review)
        action = EventAction.REQUEST_RE_REVIEW if re_review else EventAction.REQUEST_REVIEW
        story.add(Step(action, day, 10, unit=reviewing, reason=review.reason, public=True,
                       by_reporter=True, deadlines=[decision]),
                  state=State.RE_REVIEW if re_review else State.REVIEW, due_on=decision.due,
                  due_rule=decision.rule, review_until=None)
        self._decide_review(story, review)

    def _decide_review(self, story: Story, review: Review) -> None:
        day = review.requested_on + datetime.timedelta(days=self.rng.randint(7, 28))
        if day > AS_OF:
            return
        re_review = review.level == ReviewLevel.RE_REVIEW
        text = texts.RE_REVIEW_OPINION if re_review else self.rng.choice(texts.REVIEW_OPINIONS)
        review.decision = Answer(Stage.RE_REVIEW if re_review else Stage.REVIEW, text, "explain",
                                 review.reviewing_unit, story.leader or story.staff, day)
        story.answers.append(review.decision)
        changes: dict[str, Any] = {"due_on": None, "due_rule": ""}
        found = []
        if re_review:
            changes.update(state=State.CLOSED, is_final=True, closed_at=moment(day, 16),
                           review_until=None)
        else:
            window = self.due(deadlines.RE_REVIEW_REQUEST, day, story)
            changes.update(state=State.REVIEWED, review_until=window.due)
            found.append(window)
        action = EventAction.DECIDE_RE_REVIEW if re_review else EventAction.DECIDE_REVIEW
        story.add(Step(action, day, 16, actor=story.leader or story.staff, deadlines=found,
                       public=True), **changes)
        if not re_review:
            if self.rng.random() < 0.3:
                self._review(story, ReviewLevel.RE_REVIEW, day)
            elif story.petition.review_until is not None:
                self._close(story, story.petition.review_until + ONE_DAY)

    def _close(self, story: Story, day: datetime.date) -> None:
        if day > AS_OF:
            return
        story.add(Step(EventAction.CLOSE, day, 17, actor=story.staff, public=True),
                  state=State.CLOSED, closed_at=moment(day, 17), due_on=None, due_rule="",
                  warning_on=None, review_until=None)

    def _close_report(self, story: Story, day: datetime.date) -> None:
        """Close a report; a real-name reporter is owed feedback within 15 working days."""
        petition = story.petition
        changes: dict[str, Any] = {"state": State.CLOSED, "closed_at": moment(day, 17),
                                   "due_on": None, "due_rule": "", "warning_on": None,
                                   "review_until": None, "handled_on": day}
        found = []
        if petition.is_real_name:
            feedback = self.due(deadlines.ACCUSATION_FEEDBACK, day, story)
            changes.update(due_on=feedback.due, due_rule=feedback.rule)
            found.append(feedback)
        story.add(Step(EventAction.CLOSE, day, 17, actor=story.staff, deadlines=found,
                       public=True), **changes)
        result = self.rng.choices(("true", "partly_true", "untrue"), (35, 20, 45))[0]
        story.verdict = Verdict(result, day, story.staff)
        if petition.is_real_name:
            self._feedback(story, day, result)

    def _feedback(self, story: Story, closed_on: datetime.date, result: str) -> None:
        day = closed_on + datetime.timedelta(days=self.rng.randint(2, 25))
        if day > AS_OF:
            return
        text = texts.FEEDBACK_TEXTS[{"true": 1, "partly_true": 0, "untrue": 2}[result]]
        story.answers.append(Answer(Stage.FEEDBACK, text, "", story.unit, story.staff, day))
        story.add(Step(EventAction.REPLY, day, 15, actor=story.staff, public=True),
                  due_on=None, due_rule="", replied_at=moment(day, 15))
