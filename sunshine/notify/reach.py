"""The channels beyond the inbox on which a recipient can be reached.

Every message is stored in the inbox. A copy also goes out on each other
channel the recipient is set up for:

- 浙政钉 work notice, once the gateway credentials are set and the person
  linked to the user has an account ID;
- DingTalk robot, when an active robot serves the user's unit or region
  (``dingtalk.robot_for``);
- e-mail, when the user's account has an address.

A confidential message (a petition, a planned spot check) stays in the
inbox and goes only to the 浙政钉 account, which is the recipient's own.
A DingTalk robot posts into a group chat that others read, possibly people
of the unit a report accuses or a spot check targets, and e-mail leaves the
government network.
"""

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import prefetch_related_objects

from sunshine.notify import dingtalk, zzd
from sunshine.notify.models import Channel, DingTalkRobot

if TYPE_CHECKING:
    from sunshine.notify.outbox import Message


def _zzd_configured() -> bool:
    return all(getattr(settings, name) for name in zzd.REQUIRED_SETTINGS)


def external_channels(user: Any, *, confidential: bool,
                      robot: DingTalkRobot | None) -> list[str]:
    """Return the channels other than the inbox on which ``user`` gets a message.

    ``robot`` is the user's DingTalk robot (``dingtalk.robot_for``), or None.
    """
    channels: list[str] = []
    if _zzd_configured():
        person = getattr(user, "person", None)
        if person is not None and person.zzd_account_id:
            channels.append(Channel.ZZD)
    if confidential:
        return channels
    if robot is not None:
        channels.append(Channel.DINGTALK)
    if user.email:
        channels.append(Channel.EMAIL)
    return channels


def absolute_url(path: str) -> str:
    """Return a link that works outside the site: the site address before a path, when set."""
    if not path.startswith("/") or not settings.SUNSHINE_SITE_URL:
        return path
    return settings.SUNSHINE_SITE_URL.rstrip("/") + path


def with_copies(messages: Iterable["Message"]) -> list["Message"]:
    """Return the messages with a copy for each other channel of each inbox message's recipient.

    The recipients' people and robots are read for all messages together, in
    a few queries rather than a few per recipient.
    """
    result = list(messages)
    inbox = [message for message in result if message.channel == Channel.IN_APP]
    if not inbox:
        return result
    if _zzd_configured():
        prefetch_related_objects([message.recipient for message in inbox], "person")
    public = [message.recipient for message in inbox if not message.confidential]
    # The robots are not read at all when every message is confidential.
    robots = dingtalk.robots_for(public) if public else {}

    channels_of: dict[tuple[int, bool], list[str]] = {}
    copies: list[Message] = []
    for message in inbox:
        key = (message.recipient.pk, message.confidential)
        if key not in channels_of:
            channels_of[key] = external_channels(
                message.recipient, confidential=message.confidential,
                robot=robots.get(message.recipient.pk))
        copies.extend(replace(message, channel=channel, url=absolute_url(message.url))
                      for channel in channels_of[key])
    return result + copies

