"""Sending notifications through a DingTalk custom robot (group webhook with signing).

The custom-robot protocol, as published for DingTalk:

- POST JSON (UTF-8) to the robot's webhook address with ``&timestamp=`` and
  ``&sign=`` appended. ``timestamp`` is the current Unix time in
  milliseconds; ``sign`` is HMAC-SHA256 of ``timestamp + "\n" + secret``
  keyed with the secret, Base64-encoded, then URL-encoded. DingTalk rejects
  a timestamp more than an hour off, so every request is signed anew.
- The response is JSON with ``errcode`` 0 on success.
- A robot accepts at most 20 messages a minute and is throttled for 10
  minutes beyond that.

Sunshine counts the messages per robot and minute in the cache and defers
the rest to the next minute. An ``errcode`` of 130101 (sending too fast)
defers every message of that robot for the throttle period. Neither counts
as a failed attempt.

NOTE: 130101 as the rate-limit code comes from public client code and
articles, not from DingTalk's own error table. Any other non-zero errcode
is treated as a failure that is retried with the outbox's back-off.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from sunshine.notify.errors import DeliveryDeferred, DeliveryError
from sunshine.notify.models import DingTalkRobot, Notification
from sunshine.organisation.models import Assignment
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

RATE_LIMITED = 130101
MAX_PER_MINUTE = "notify.dingtalk_max_per_minute"
THROTTLE_MINUTES = "notify.dingtalk_throttle_minutes"
TIMEOUT_SECONDS = "notify.http_timeout_seconds"
BATCH = 500


def sign(timestamp_ms: int, secret: str) -> str:
    """Return the URL-encoded signature DingTalk expects for ``timestamp_ms``."""
    text = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), text, hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest).decode())


def signed_url(webhook: str, secret: str, timestamp_ms: int | None = None) -> str:
    timestamp_ms = timestamp_ms if timestamp_ms is not None else int(time.time() * 1000)
    separator = "&" if "?" in webhook else "?"
    return f"{webhook}{separator}timestamp={timestamp_ms}&sign={sign(timestamp_ms, secret)}"


def message_body(notification: Notification) -> dict[str, Any]:
    """Return the JSON message: markdown with a link when there is one, plain text otherwise."""
    mobile = _recipient_mobile(notification)
    mention = f"\n\n@{mobile}" if mobile else ""
    if notification.url:
        text = f"#### {notification.subject}\n\n{notification.body}\n\n[{notification.url}]({notification.url})"
        body: dict[str, Any] = {"msgtype": "markdown",
                                "markdown": {"title": notification.subject, "text": text + mention}}
    else:
        content = f"{notification.subject}\n{notification.body}".strip()
        body = {"msgtype": "text", "text": {"content": content + mention}}
    body["at"] = {"atMobiles": [mobile] if mobile else [], "isAtAll": False}
    return body


def _recipient_mobile(notification: Notification) -> str:
    person = getattr(notification.recipient, "person", None)
    return person.phone if person is not None and person.phone else ""


def active_robots() -> list[DingTalkRobot]:
    return list(DingTalkRobot.objects.filter(is_active=True).select_related("unit", "region"))


def robot_for(user: Any, robots: list[DingTalkRobot] | None = None) -> DingTalkRobot | None:
    """Return the robot of the user's unit or nearest parent unit, else of the nearest region.

    ``robots`` are the active robots, read here when not given.
    """
    return robots_for([user], robots)[user.pk]


def robots_for(users: Iterable[Any],
               robots: list[DingTalkRobot] | None = None) -> dict[int, DingTalkRobot | None]:
    """Return each user's robot (``robot_for``) by user id.

    The units of all users are read together, one query for every ``BATCH``
    users, so the cost does not grow with each recipient of a message.
    """
    users = list(users)
    if robots is None:
        robots = active_robots()
    if not robots:
        return {user.pk: None for user in users}

    places: dict[int, list[tuple[str, str]]] = defaultdict(list)
    ids = sorted({user.pk for user in users})
    for start in range(0, len(ids), BATCH):
        rows = Assignment.objects.filter(user_id__in=ids[start:start + BATCH]).values_list(
            "user_id", "unit__path", "unit__region__path")
        for user_id, unit_path, region_path in rows:
            places[user_id].append((unit_path, region_path))
    return {user.pk: _nearest_robot(places[user.pk], robots) for user in users}


def _nearest_robot(places: list[tuple[str, str]],
                   robots: list[DingTalkRobot]) -> DingTalkRobot | None:
    """Pick the robot of the deepest unit above one of ``places``, else of the deepest region."""
    by_unit = [(len(r.unit.path), r) for r in robots if r.unit is not None
               and any(unit_path.startswith(r.unit.path) for unit_path, _region in places)]
    if by_unit:
        return max(by_unit, key=lambda pair: pair[0])[1]
    by_region = [(len(r.region.path), r) for r in robots if r.region is not None
                 and any(region_path.startswith(r.region.path) for _unit, region_path in places)]
    return max(by_region, key=lambda pair: pair[0])[1] if by_region else None


def deliver(notification: Notification) -> None:
    """Send one notification to the recipient's robot; raise DeliveryError or DeliveryDeferred."""
    robot = robot_for(notification.recipient)
    if robot is None:
        raise DeliveryError(f"no active DingTalk robot for the units of user "
                            f"{notification.recipient_id}; add one in the admin")
    _take_slot(robot)
    response = _post(signed_url(robot.webhook(), robot.secret()), message_body(notification))
    code = response.get("errcode")
    if code == 0:
        return
    if code == RATE_LIMITED:
        until = _throttle(robot)
        raise DeliveryDeferred(f"DingTalk robot {robot.pk} is rate-limited (errcode {code})", until)
    raise DeliveryError(f"DingTalk robot {robot.pk} rejected the message: errcode {code}, "
                        f"{response.get('errmsg', '')}")


def _take_slot(robot: DingTalkRobot) -> None:
    """Count one message in the robot's current minute, or defer it to a later one."""
    now = timezone.now()
    throttled_until = cache.get(f"notify:dingtalk:{robot.pk}:throttled")
    if throttled_until is not None and throttled_until > now:
        raise DeliveryDeferred(f"DingTalk robot {robot.pk} is rate-limited", throttled_until)

    minute = now.replace(second=0, microsecond=0)
    key = f"notify:dingtalk:{robot.pk}:{minute:%Y%m%d%H%M}"
    cache.add(key, 0, 120)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 120)
        count = 1
    if count > get_setting(MAX_PER_MINUTE):
        raise DeliveryDeferred(f"DingTalk robot {robot.pk} has sent its messages for this minute",
                               minute + datetime.timedelta(minutes=1))


def _throttle(robot: DingTalkRobot) -> datetime.datetime:
    minutes = get_setting(THROTTLE_MINUTES)
    until = timezone.now() + datetime.timedelta(minutes=minutes)
    cache.set(f"notify:dingtalk:{robot.pk}:throttled", until, minutes * 60)
    logger.warning("DingTalk robot %s rate-limited; holding its messages for %s minutes",
                   robot.pk, minutes)
    return until


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST the JSON body; return the decoded response or raise DeliveryError.

    The URL contains the access token and signature, so it is never logged
    or put into an error message.
    """
    request = urllib.request.Request(  # noqa: S310 - the address is the configured webhook
        url, data=json.dumps(body, ensure_ascii=False).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    try:
        with urllib.request.urlopen(request, timeout=get_setting(TIMEOUT_SECONDS)) as response:  # noqa: S310
            payload = response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"DingTalk webhook returned HTTP {error.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"DingTalk webhook not reachable: {reason}") from None
    try:
        return json.loads(payload)
    except ValueError:
        raise DeliveryError("DingTalk webhook response is not JSON") from None
