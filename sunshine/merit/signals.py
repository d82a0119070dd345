"""Posting merit points for petitions whose answer the reporter rated satisfied."""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from sunshine.merit.posting import PETITION_SATISFIED, post_event_points
from sunshine.organisation.models import Person
from sunshine.petitions.models import Rating, Reply


@receiver(post_save, sender=Reply, dispatch_uid="merit_petition_satisfied")
def post_petition_points(sender: Any, instance: Reply, **kwargs: Any) -> None:
    """Give the petition's handler ``petition_satisfied`` points once per petition.

    The signal fires inside the transaction that records the rating. A
    handler account without a person record earns nothing.
    """
    if instance.rating != Rating.SATISFIED or instance.rated_at is None:
        return
    petition = instance.petition
    if petition.handler_id is None:
        return
    person = Person.objects.filter(user_id=petition.handler_id).first()
    if person is None:
        return
    rated_on = timezone.localdate(instance.rated_at)
    post_event_points(PETITION_SATISFIED, person, petition, rated_on, None)
