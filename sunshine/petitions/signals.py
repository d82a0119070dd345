"""Keeping the per-process and shared copies of petition data in step with writes."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sunshine.petitions.models import WorkdayOverride
from sunshine.petitions.workdays import overrides_changed


@receiver([post_save, post_delete], sender=WorkdayOverride)
def announce_override_change(sender, **kwargs):
    overrides_changed()
    transaction.on_commit(overrides_changed)
