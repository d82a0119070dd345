"""Sending notifications as 浙政钉 (Zhejiang government DingTalk) work notices.

浙政钉 is the province's government edition of DingTalk (专有钉钉). Its open
platform gateway is at ``settings.SUNSHINE_ZZD_GATEWAY`` and accepts the app
key, app secret and tenant id that the customer obtains by listing the app.
The protocol below is the one the gateway's Java SDK implements
(zwdd-sdk-java 1.2.0, package ``com.alibaba.xxpt.gateway.shared``, decompiled
in the public repository rnben/zwdd at commit ae0b188: ``client/sign/Signature.java``,
``client/http/AbstractRequest.java``, ``client/http/impl/PostRequest.java`` and
``api/request/OapiMessageWorkNotificationRequest.java``):

- Every request carries the headers ``apiKey`` (the app key),
  ``X-Hmac-Auth-Timestamp`` (ISO 8601 with milliseconds and offset, sent in
  Beijing time as ``2024-01-01T08:00:00.000+08:00``), ``X-Hmac-Auth-Version``
  (``1.0``), ``X-Hmac-Auth-Nonce``, ``X-Hmac-Auth-IP``, ``X-Hmac-Auth-MAC``
  and ``X-Hmac-Auth-Signature``.
- The signature is Base64(HMAC-SHA256(app secret, text)) over UTF-8. The text
  is the method, timestamp, nonce and URL path (without host or query string)
  joined by newlines. When there are parameters, a newline and the ``k=v``
  pairs follow, sorted by key ignoring case and joined by ``&``. The values
  are raw, not URL-encoded. Parameters with an empty value are left out of
  the request and of the signature.
- POST parameters travel as a URL-encoded form body in UTF-8.
- An HTTP status of 300 or above is an error, and so is a JSON body with
  ``"success": false``. Its code and text are in ``errorCode`` and
  ``errorMsg`` or in ``Code`` and ``Message``, the field names of the SDK's
  response classes.

``/gettoken.json`` takes ``appkey`` and ``appsecret`` and returns
``content.data.accessToken`` and ``content.data.expiresIn`` in seconds
(7200). A failed request has ``content.success`` false with ``responseCode``
and ``responseMessage`` (yeliex/zwdd at commit 066a1b3, ``src/index.ts`` and
``src/lib/request.ts``; 1723229/nanobot at commit e632e80,
``nanobot/channels/zzdingtalk.py``). The token is kept in Django's cache,
which the processes share when Redis is the cache. It is fetched again
``TOKEN_REFRESH_MARGIN`` seconds before it expires, and when the gateway
rejects it.

``/message/workNotification`` takes ``receiverIds`` (the recipient's account
ID, ``Person.zzd_account_id``), ``tenantId``, ``bizMsgId`` and ``msg``, a
text message as JSON. ``bizMsgId`` is the same on every attempt of one
notification, so that the gateway can drop a repeat whose first attempt got
through but whose response was lost.

NOTE: the SDK's work-notification request has no ``access_token`` field, and
the public callers of that endpoint send none. The token is sent as nanobot
sends it to ``/chat/sendMsg``, but whether the gateway needs or ignores it
is not confirmed against the gateway or its documentation portal. Neither
is the error code of a rejected token (matched here by "token" in the error
code or text), nor whether the gateway drops a repeated ``bizMsgId``.
"""

import base64
import datetime
import functools
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext

from sunshine.notify.errors import DeliveryDeferred, DeliveryError
from sunshine.notify.models import Notification
from sunshine.rules.values import get_setting

logger = logging.getLogger(__name__)

TOKEN_PATH = "/gettoken.json"  # noqa: S105 - an endpoint path, not a password
WORK_NOTIFICATION_PATH = "/message/workNotification"
TOKEN_REFRESH_MARGIN = 300
DEFAULT_TOKEN_SECONDS = 7200
REQUIRED_SETTINGS = ("SUNSHINE_ZZD_APP_KEY", "SUNSHINE_ZZD_APP_SECRET", "SUNSHINE_ZZD_TENANT_ID")
BEIJING = datetime.timezone(datetime.timedelta(hours=8))
GATEWAY = "Zhejiang government DingTalk gateway"


@dataclass(frozen=True)
class Gateway:
    url: str
    app_key: str = field(repr=False)
    app_secret: str = field(repr=False)
    tenant_id: str = field(repr=False)
    timeout: float


class GatewayError(DeliveryError):
    """An error response of the gateway, with its error code and text as sent."""

    def __init__(self, message: str, code: str, text: str) -> None:
        super().__init__(message)
        self.code = code
        self.text = text

    @property
    def token_rejected(self) -> bool:
        return "token" in f"{self.code} {self.text}".lower()


def deliver(notification: Notification) -> None:
    """Send one work notice to the recipient's account; raise DeliveryError or DeliveryDeferred."""
    gateway = configured_gateway()
    params = {
        "receiverIds": recipient_account_id(notification),
        "tenantId": gateway.tenant_id,
        "bizMsgId": business_message_id(notification),
        "msg": json.dumps(message_body(notification), ensure_ascii=False, separators=(",", ":")),
    }
    token = access_token(gateway)
    try:
        post(gateway, WORK_NOTIFICATION_PATH, {**params, "access_token": token}, "the work notice")
    except GatewayError as error:
        if not error.token_rejected:
            raise
        logger.warning("%s rejected the access token for notification %s (error %s); "
                       "fetching a new token", GATEWAY, notification.pk, error.code)
        token = access_token(gateway, renew=True)
        post(gateway, WORK_NOTIFICATION_PATH, {**params, "access_token": token}, "the work notice")


def configured_gateway() -> Gateway:
    """Return the gateway from the settings, or raise DeliveryDeferred naming what is missing.

    This defers rather than fails because the outbox counts a DeliveryError
    as a failed attempt and marks the row failed after ``notify.max_attempts``,
    so every work notice queued before the customer supplied the credentials
    would be lost. A deferral keeps the row pending without counting an
    attempt and tries it again after ``notify.retry_minutes``.
    """
    missing = [name for name in REQUIRED_SETTINGS if not getattr(settings, name)]
    if not missing:
        return Gateway(url=settings.SUNSHINE_ZZD_GATEWAY.rstrip("/"),
                       app_key=settings.SUNSHINE_ZZD_APP_KEY,
                       app_secret=settings.SUNSHINE_ZZD_APP_SECRET,
                       tenant_id=settings.SUNSHINE_ZZD_TENANT_ID,
                       timeout=settings.SUNSHINE_ZZD_TIMEOUT_SECONDS)

    reason = f"{GATEWAY} is not configured: set {', '.join(missing)}"
    # One warning an hour, because every due work notice ends up here.
    if cache.add("notify:zzd:not-configured-logged", True, 3600):
        logger.warning("%s; work notices stay pending until then", reason)
    wait = datetime.timedelta(minutes=get_setting("notify.retry_minutes"))
    raise DeliveryDeferred(reason, timezone.now() + wait)


def recipient_account_id(notification: Notification) -> str:
    """Return the recipient's account ID, or raise DeliveryError saying where to enter it."""
    user = notification.recipient
    person = getattr(user, "person", None)
    if person is not None and person.zzd_account_id:
        return person.zzd_account_id
    name = user.get_username() if person is None else f"{user.get_username()} ({person.name})"
    raise DeliveryError(gettext(
        "User %(user)s has no Zhejiang government DingTalk account ID. Enter it on the person "
        "linked to this user in the admin (People), and link a person to the user first if "
        "there is none.") % {"user": name})


def business_message_id(notification: Notification) -> str:
    """Return the bizMsgId, the same on every attempt of the notification.

    The creation time is part of it so that the ids of a second installation,
    or of a database started anew, do not repeat ids the gateway has seen.
    """
    return f"sunshine-{notification.pk}-{int(notification.created_at.timestamp())}"


def message_body(notification: Notification) -> dict[str, Any]:
    content = "\n".join(part for part in [notification.subject, notification.body,
                                          notification.url] if part)
    return {"msgtype": "text", "text": {"content": content}}


def access_token(gateway: Gateway, *, renew: bool = False) -> str:
    """Return the cached access token, or fetch one when it is missing, near expiry or ``renew``."""
    key = "notify:zzd:token:" + hashlib.sha256(gateway.app_key.encode()).hexdigest()[:16]
    now = timezone.now().timestamp()
    cached = None if renew else cache.get(key)
    if cached is not None and cached["refresh_at"] > now:
        return cached["token"]

    content = post(gateway, TOKEN_PATH,
                   {"appkey": gateway.app_key, "appsecret": gateway.app_secret},
                   "the access token request")
    token, seconds = _token_fields(content)
    keep = max(seconds - TOKEN_REFRESH_MARGIN, 1)
    cache.set(key, {"token": token, "refresh_at": now + keep}, keep)
    logger.info("%s access token fetched, valid for %s s", GATEWAY, seconds)
    return token


def _token_fields(content: dict[str, Any]) -> tuple[str, int]:
    data = content.get("data")
    if isinstance(data, str):  # The SDK's response classes carry ``data`` as JSON text.
        data = _json_or_none(data.encode())
    if not isinstance(data, dict):
        data = {}
    token = data.get("accessToken")
    if not isinstance(token, str) or not token:
        raise DeliveryError(f"{GATEWAY} returned no access token")
    try:
        seconds = int(data.get("expiresIn") or DEFAULT_TOKEN_SECONDS)
    except (TypeError, ValueError):
        seconds = DEFAULT_TOKEN_SECONDS
    return token, seconds


def canonical_parameters(params: dict[str, str]) -> str:
    return "&".join(f"{key}={params[key]}" for key in sorted(params, key=str.lower))


def string_to_sign(method: str, timestamp: str, nonce: str, path: str,
                   params: dict[str, str]) -> str:
    text = f"{method}\n{timestamp}\n{nonce}\n{path}"
    return f"{text}\n{canonical_parameters(params)}" if params else text


def sign(secret: str, text: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def beijing_timestamp(moment: datetime.datetime) -> str:
    local = moment.astimezone(BEIJING)
    return f"{local:%Y-%m-%dT%H:%M:%S}.{local.microsecond // 1000:03d}+08:00"


def signed_headers(gateway: Gateway, path: str, params: dict[str, str]) -> dict[str, str]:
    """Return the headers of a POST to ``path`` with ``params``, signed with the app secret."""
    now = timezone.now()
    timestamp = beijing_timestamp(now)
    # 13-digit milliseconds and 4 random digits, as the public clients build it.
    nonce = f"{int(now.timestamp() * 1000)}{secrets.randbelow(10_000):04d}"
    signed_path = urllib.parse.urlsplit(gateway.url + path).path
    return {
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "apiKey": gateway.app_key,
        "X-Hmac-Auth-Timestamp": timestamp,
        "X-Hmac-Auth-Version": "1.0",
        "X-Hmac-Auth-Nonce": nonce,
        "X-Hmac-Auth-IP": settings.SUNSHINE_ZZD_CLIENT_IP,
        "X-Hmac-Auth-MAC": settings.SUNSHINE_ZZD_CLIENT_MAC or _machine_mac(),
        "X-Hmac-Auth-Signature": sign(gateway.app_secret,
                                      string_to_sign("POST", timestamp, nonce, signed_path, params)),
    }


@functools.cache
def _machine_mac() -> str:
    node = uuid.getnode()
    return ":".join(f"{(node >> shift) & 0xFF:02X}" for shift in range(40, -8, -8))


def post(gateway: Gateway, path: str, params: dict[str, str], action: str) -> dict[str, Any]:
    """POST signed form parameters; return the response's ``content`` or raise DeliveryError.

    The parameters contain the app secret or the access token, so neither
    they nor the request are ever logged or put into an error message.
    """
    params = {key: value for key, value in params.items() if value}
    request = urllib.request.Request(  # noqa: S310 - the address is the configured gateway
        gateway.url + path, data=urllib.parse.urlencode(params).encode("utf-8"), method="POST",
        headers=signed_headers(gateway, path, params),
    )
    try:
        with urllib.request.urlopen(request, timeout=gateway.timeout) as response:  # noqa: S310
            return _content(action, response.status, response.read())
    except urllib.error.HTTPError as error:
        return _content(action, error.code, _error_body(error))
    except OSError as error:  # URLError, TimeoutError and connection errors
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise DeliveryError(f"{GATEWAY} timed out after {gateway.timeout:g} s on {action}") \
                from None
        raise DeliveryError(f"{GATEWAY} not reachable for {action}: {reason}") from None


def _error_body(error: urllib.error.HTTPError) -> bytes:
    try:
        return error.read()
    except OSError:
        return b""


def _content(action: str, status: int, body: bytes) -> dict[str, Any]:
    payload = _json_or_none(body)
    if not 200 <= status < 300:
        code, text = _error_fields(payload)
        raise GatewayError(f"{GATEWAY} returned HTTP {status} for {action}: error {code or '-'}, "
                           f"{text or '-'}", code, text)
    if not isinstance(payload, dict):
        raise DeliveryError(f"{GATEWAY} response to {action} is not a JSON object")

    content = payload.get("content")
    if payload.get("success") is not True or (isinstance(content, dict)
                                              and content.get("success") is False):
        code, text = _error_fields(payload)
        raise GatewayError(f"{GATEWAY} rejected {action}: error {code or '-'}, {text or '-'}",
                           code, text)
    return content if isinstance(content, dict) else {}


def _error_fields(payload: Any) -> tuple[str, str]:
    """Return the error code and text from the outer response or its ``content``."""
    if not isinstance(payload, dict):
        return "", ""
    content = payload.get("content")
    inner = content if isinstance(content, dict) else {}
    codes = [payload.get("errorCode"), payload.get("Code"), inner.get("responseCode"),
             payload.get("bizErrorCode")]
    texts = [payload.get("errorMsg"), payload.get("Message"), inner.get("responseMessage")]
    code = next((str(c) for c in codes if c is not None and str(c) not in ("", "0")), "")
    text = next((str(t) for t in texts if t), "")
    return code, text


def _json_or_none(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return None
