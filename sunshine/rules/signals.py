from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from sunshine.rules.models import Setting
from sunshine.rules.values import settings_changed


@receiver([post_save, post_delete], sender=Setting)
def announce_setting_change(sender, **kwargs):
    settings_changed()
