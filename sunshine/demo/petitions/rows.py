"""Writing demo stories as rows, each model's rows under one audit entry.

Rows are built only once the rows they point at are inserted, because
``bulk.insert_audited`` digests every foreign key before it inserts.
"""

from typing import Any

from sunshine.demo import bulk
from sunshine.demo.petitions.story import Answer, Story, moment
from sunshine.petitions.models import (
    ExtensionRequest,
    ExtensionStatus,
    PetitionEvent,
    Reply,
    ReviewRequest,
)


def insert_petitions(actor: Any, stories: list[Story]) -> None:
    """Insert first petitions, then repeats, which point at the first ones."""
    originals = [s.petition for s in stories if s.petition.repeat_of is None]
    repeats = [s.petition for s in stories if s.petition.repeat_of is not None]
    bulk.insert_audited(actor, originals)
    for petition in repeats:
        # Assigned again now that the first petition has its primary key.
        petition.repeat_of = petition.repeat_of
    if repeats:
        bulk.insert_audited(actor, repeats)


def insert_events(actor: Any, stories: list[Story]) -> int:
    events = [
        PetitionEvent(
            petition=story.petition, action=step.action, actor=step.actor,
            by_reporter=step.by_reporter, at=moment(step.on, step.hour), on=step.on,
            from_state=step.from_state, to_state=step.to_state, unit=step.unit,
            reason=step.reason, deadlines=[d.as_json() for d in step.deadlines],
            is_public=step.public, notified=step.notified,
        )
        for story in stories for step in story.steps
    ]
    bulk.insert_audited(actor, events)
    return len(events)


def _reply(story: Story, answer: Answer) -> Reply:
    return Reply(petition=story.petition, stage=answer.stage, text=answer.text,
                 outcome=answer.outcome, unit=answer.unit, author=answer.author,
                 delivered_on=answer.delivered_on, rating=answer.rating, score=answer.score,
                 rating_comment=answer.rating_comment, rated_at=answer.rated_at)


def insert_answers(actor: Any, stories: list[Story]) -> dict[int, Reply]:
    """Insert the written answers; returns them by ``id()`` of their ``Answer``."""
    replies = {id(answer): _reply(story, answer) for story in stories for answer in story.answers}
    if replies:
        bulk.insert_audited(actor, list(replies.values()))
    return replies


def insert_extensions(actor: Any, stories: list[Story]) -> None:
    rows = [
        ExtensionRequest(
            petition=story.petition, days=ext.days, reason=ext.reason,
            requested_by=ext.requested_by, requested_at=moment(ext.requested_on, 15),
            status=ExtensionStatus.APPROVED, decided_by=ext.decided_by,
            decided_at=moment(ext.decided_on, 16), previous_due=ext.previous_due,
            new_due=ext.new_due,
        )
        for story in stories if (ext := story.extension) is not None
    ]
    if rows:
        bulk.insert_audited(actor, rows)


def insert_reviews(actor: Any, stories: list[Story], replies: dict[int, Reply]) -> None:
    rows = [
        ReviewRequest(
            petition=story.petition, level=review.level, reason=review.reason,
            requested_on=review.requested_on, reviewing_unit=review.reviewing_unit,
            due_on=review.due_on,
            decision=replies[id(review.decision)] if review.decision is not None else None,
        )
        for story in stories for review in story.reviews
    ]
    if rows:
        bulk.insert_audited(actor, rows)


def insert_stories(actor: Any, stories: list[Story]) -> dict[str, int]:
    """Insert petitions and everything that happened to them; returns row counts."""
    insert_petitions(actor, stories)
    events = insert_events(actor, stories)
    replies = insert_answers(actor, stories)
    insert_extensions(actor, stories)
    insert_reviews(actor, stories, replies)
    return {"petitions": len(stories), "events": events, "replies": len(replies)}
