"""Keeping the per-process and shared copies of petition data in step with writes."""

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sunshine.petitions import intake_tables, tracking
from sunshine.petitions.models import (
    Category,
    ExtensionRequest,
    Petition,
    PetitionEvent,
    Reply,
    WorkdayOverride,
)
from sunshine.petitions.workdays import overrides_changed


@receiver([post_save, post_delete], sender=WorkdayOverride)
def announce_override_change(sender, **kwargs):
    overrides_changed()


@receiver([post_save, post_delete], sender=Category)
def announce_category_change(sender, **kwargs):
    intake_tables.categories.written()


@receiver([post_save, post_delete], sender=Petition)
def forget_petition_status(sender, instance: Petition, created: bool = False, **kwargs):
    if created:
        # Nobody knows the tracking code before this transaction commits.
        instance._status_unseen = True  # type: ignore[attr-defined]
        return
    _forget_on_commit(instance.tracking_code)


@receiver([post_save, post_delete], sender=PetitionEvent)
@receiver([post_save, post_delete], sender=Reply)
@receiver([post_save, post_delete], sender=ExtensionRequest)
def forget_parent_status(sender, instance: Any, **kwargs):
    petition = instance._state.fields_cache.get("petition")
    if petition is not None:
        if getattr(petition, "_status_unseen", False):
            return
        code = petition.tracking_code
    else:
        code = Petition.all_objects.filter(pk=instance.petition_id).values_list(
            "tracking_code", flat=True).first()
    if code:
        _forget_on_commit(code)


def _forget_on_commit(code: str) -> None:
    def forget_status() -> None:
        tracking.forget_status(code)

    transaction.on_commit(forget_status, robust=True)
