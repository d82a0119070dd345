"""The 浙政钉 work-notice sender against a stand-in gateway on 127.0.0.1.

The stand-in checks every request's signature from its headers (HMAC-SHA256
with the app secret over method, timestamp, nonce, path and the sorted
parameters, Base64) and rejects a bad one with HTTP 401. It issues access
tokens that expire after 7200 seconds, delivers each bizMsgId once and
responds with whatever a test lines up.
"""

import base64
import datetime
import hashlib
import hmac
import json
import logging
import re
import threading
from http.client import HTTPMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sunshine.audit.models import AuditEntry
from sunshine.notify import zzd
from sunshine.notify.models import Channel, DeliveryStatus, Notification
from sunshine.notify.outbox import Message, deliver_due, queue
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Person
from tests.duties_data import NOW

pytestmark = pytest.mark.django_db

APP_KEY = "zzd-app-key-4f1c"
SECRET = "zzd-secret-9b7e2d41"
TENANT = "196729"
ACCOUNT = "10023456"
MAC = "00:16:3E:01:02:03"
TOKEN_SECONDS = 7200
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$")
NONCE = re.compile(r"^\d{17}$")


class StandIn:
    """A 浙政钉 open platform gateway: /gettoken.json and /message/workNotification."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: dict[str, list[tuple[int, object]]] = {}
        self.tokens: dict[str, datetime.datetime] = {}
        self.reject_tokens = False
        self.delivered: dict[str, dict] = {}
        self.duplicates: list[str] = []
        self.held_paths: set[str] = set()
        self.release = threading.Event()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                pairs = parse_qsl(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
                path = urlsplit(self.path).path
                # The headers stay an HTTPMessage, whose look-ups ignore case as HTTP does.
                status, answer = stand_in.handle(path, self.headers, dict(pairs))
                if path in stand_in.held_paths:
                    stand_in.release.wait(10)
                payload = answer if isinstance(answer, bytes) else json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # The client timed out on a held response and closed the connection.

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def paths(self) -> list[str]:
        return [request["path"] for request in self.requests]

    def work_notices(self) -> list[dict]:
        return [r["params"] for r in self.requests if r["path"] == "/message/workNotification"]

    def handle(self, path: str, headers: HTTPMessage, params: dict) -> tuple[int, object]:
        problem = self.signature_problem(path, headers, params)
        self.requests.append({"path": path, "headers": headers, "params": params,
                              "signature_ok": problem is None})
        if problem is not None:
            return 401, {"success": False, "Code": "InvalidSignature", "Message": problem}
        if self.answers.get(path):
            return self.answers[path].pop(0)
        if path == "/gettoken.json":
            return self.issue_token(params)
        if path == "/message/workNotification":
            return self.notify(params)
        return 404, {"success": False, "Code": "NotFound", "Message": path}

    def signature_problem(self, path: str, headers: HTTPMessage, params: dict) -> str | None:
        if headers.get("apiKey") != APP_KEY:
            return "unknown apiKey"
        if headers.get("X-Hmac-Auth-Version") != "1.0":
            return "unsupported version"
        if not TIMESTAMP.match(headers.get("X-Hmac-Auth-Timestamp") or ""):
            return "malformed timestamp"
        sent = datetime.datetime.fromisoformat(headers["X-Hmac-Auth-Timestamp"])
        if abs(sent - datetime.datetime.now(datetime.UTC)) > datetime.timedelta(minutes=5):
            return "timestamp too far from now"
        if not NONCE.match(headers.get("X-Hmac-Auth-Nonce") or ""):
            return "malformed nonce"
        if not headers.get("X-Hmac-Auth-IP") or not headers.get("X-Hmac-Auth-MAC"):
            return "missing caller address"
        lines = ["POST", headers["X-Hmac-Auth-Timestamp"], headers["X-Hmac-Auth-Nonce"], path]
        if params:
            lines.append("&".join(f"{k}={params[k]}" for k in sorted(params, key=str.lower)))
        digest = hmac.new(SECRET.encode(), "\n".join(lines).encode(), hashlib.sha256).digest()
        expected = base64.b64encode(digest).decode()
        if not hmac.compare_digest(expected, headers.get("X-Hmac-Auth-Signature") or ""):
            return "signature mismatch"
        return None

    def issue_token(self, params: dict) -> tuple[int, object]:
        if params.get("appkey") != APP_KEY or params.get("appsecret") != SECRET:
            return 200, {"success": True, "content": {
                "success": False, "responseCode": "40089", "responseMessage": "invalid appkey"}}
        token = f"app_token_{len(self.tokens) + 1}"
        self.tokens[token] = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
            seconds=TOKEN_SECONDS)
        return 200, {"success": True, "content": {
            "success": True, "responseCode": "0", "responseMessage": "OK",
            "data": {"accessToken": token, "expiresIn": TOKEN_SECONDS}}}

    def notify(self, params: dict) -> tuple[int, object]:
        expiry = self.tokens.get(params.get("access_token", ""))
        if self.reject_tokens or expiry is None or expiry <= datetime.datetime.now(datetime.UTC):
            return 200, {"success": False, "errorCode": "40014", "errorMsg": "invalid access_token"}
        if params.get("tenantId") != TENANT or not params.get("receiverIds"):
            return 200, {"success": False, "errorCode": "400", "errorMsg": "bad receiver"}
        business_id = params["bizMsgId"]
        if business_id in self.delivered:
            self.duplicates.append(business_id)
        else:
            self.delivered[business_id] = params
        return 200, {"success": True, "content": {"msgId": f"msg-{len(self.delivered)}"}}


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def unconfigured(settings):
    """Point every test at a closed port on 127.0.0.1, never at the real gateway."""
    settings.SUNSHINE_ZZD_GATEWAY = "http://127.0.0.1:9"
    settings.SUNSHINE_ZZD_APP_KEY = ""
    settings.SUNSHINE_ZZD_APP_SECRET = ""
    settings.SUNSHINE_ZZD_TENANT_ID = ""


@pytest.fixture
def gateway(settings):
    server = StandIn()
    server.thread.start()
    settings.SUNSHINE_ZZD_GATEWAY = server.url
    settings.SUNSHINE_ZZD_APP_KEY = APP_KEY
    settings.SUNSHINE_ZZD_APP_SECRET = SECRET
    settings.SUNSHINE_ZZD_TENANT_ID = TENANT
    settings.SUNSHINE_ZZD_CLIENT_MAC = MAC
    settings.SUNSHINE_ZZD_TIMEOUT_SECONDS = 5
    yield server
    server.release.set()
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture
def recipient(operator_a, unit_a):
    org_actions.create_person(None, name="王明", unit=unit_a, zzd_account_id=ACCOUNT,
                              user=operator_a)
    return operator_a


def send(user, count: int = 1, **fields) -> dict[str, int]:
    queue([Message(user, f"k{number}", f"任务即将到期 {number}", body="请尽快办理。",
                   channel=Channel.ZZD, **fields) for number in range(count)])
    return deliver_due()


# signing


def test_string_to_sign_sorts_keys_ignoring_case():
    params = {"receiverIds": "1", "bizMsgId": "b", "Msg2": "x y&z", "access_token": "t"}

    text = zzd.string_to_sign("POST", "2024-01-01T08:00:00.000+08:00", "n1", "/p", params)

    assert text == ("POST\n2024-01-01T08:00:00.000+08:00\nn1\n/p\n"
                    "access_token=t&bizMsgId=b&Msg2=x y&z&receiverIds=1")


def test_string_to_sign_without_parameters_has_four_lines():
    text = zzd.string_to_sign("POST", "2024-01-01T08:00:00.000+08:00", "n1", "/gettoken.json", {})

    assert text == "POST\n2024-01-01T08:00:00.000+08:00\nn1\n/gettoken.json"


def test_sign_matches_openssl_vector():
    # printf '<text>' | openssl dgst -sha256 -hmac zzd-secret-9b7e2d41 -binary | base64
    text = ("POST\n2024-01-01T08:00:00.000+08:00\n17040672000001234\n/message/workNotification\n"
            "access_token=app_token_1&bizMsgId=sunshine-1-1704067200"
            '&msg={"msgtype":"text","text":{"content":"任务即将到期"}}'
            "&receiverIds=10023456&tenantId=196729")

    assert zzd.sign(SECRET, text) == "5bYxf11xncZUYcN1k7roWOftv8SnMOtPXYKKxJhUgGk="


def test_timestamp_is_beijing_time_with_milliseconds():
    moment = datetime.datetime(2024, 1, 1, 0, 0, 0, 123456, tzinfo=datetime.UTC)

    assert zzd.beijing_timestamp(moment) == "2024-01-01T08:00:00.123+08:00"


# delivery


def test_work_notice_is_signed_and_delivered(gateway, recipient):
    counts = send(recipient, url="/staff/duties/tasks/1/")

    row = Notification.objects.get()
    token_request, notice = gateway.requests
    assert counts["sent"] == 1
    assert row.status == DeliveryStatus.SENT
    assert gateway.paths() == ["/gettoken.json", "/message/workNotification"]
    assert token_request["signature_ok"] is True
    assert token_request["params"] == {"appkey": APP_KEY, "appsecret": SECRET}
    assert notice["signature_ok"] is True
    assert notice["headers"]["X-Hmac-Auth-Timestamp"] == "2026-03-16T10:00:00.000+08:00"
    assert notice["headers"]["X-Hmac-Auth-IP"] == "127.0.0.1"
    assert notice["headers"]["X-Hmac-Auth-MAC"] == MAC
    assert notice["headers"]["Content-Type"] == "application/x-www-form-urlencoded; charset=UTF-8"
    assert notice["params"]["receiverIds"] == ACCOUNT
    assert notice["params"]["tenantId"] == TENANT
    assert notice["params"]["access_token"] == "app_token_1"
    assert notice["params"]["bizMsgId"] == f"sunshine-{row.pk}-{int(NOW.timestamp())}"
    assert json.loads(notice["params"]["msg"]) == {
        "msgtype": "text",
        "text": {"content": "任务即将到期 0\n请尽快办理。\n/staff/duties/tasks/1/"},
    }


def test_token_is_cached_between_deliveries(gateway, recipient):
    send(recipient, count=2)
    queue([Message(recipient, "later", "又一条", channel=Channel.ZZD)])
    deliver_due()

    assert gateway.paths().count("/gettoken.json") == 1
    assert len(gateway.delivered) == 3
    assert {n["access_token"] for n in gateway.work_notices()} == {"app_token_1"}


def test_token_is_renewed_before_it_expires(gateway, recipient, time_machine):
    send(recipient)
    refresh_after = TOKEN_SECONDS - zzd.TOKEN_REFRESH_MARGIN

    time_machine.move_to(NOW + datetime.timedelta(seconds=refresh_after - 1), tick=False)
    queue([Message(recipient, "second", "第二条", channel=Channel.ZZD)])
    deliver_due()
    time_machine.move_to(NOW + datetime.timedelta(seconds=refresh_after + 1), tick=False)
    queue([Message(recipient, "third", "第三条", channel=Channel.ZZD)])
    deliver_due()

    tokens = [n["access_token"] for n in gateway.work_notices()]
    assert tokens == ["app_token_1", "app_token_1", "app_token_2"]
    assert Notification.objects.filter(status=DeliveryStatus.SENT).count() == 3


def test_rejected_token_is_renewed_once(gateway, recipient, caplog):
    send(recipient)
    gateway.tokens["app_token_1"] = NOW  # The gateway revokes the cached token.
    caplog.set_level(logging.WARNING, logger="sunshine.notify.zzd")

    counts = send(recipient, count=2)

    assert counts["sent"] == 1  # k0 was sent before, k1 is new.
    assert gateway.paths()[2:] == ["/message/workNotification", "/gettoken.json",
                                   "/message/workNotification"]
    assert gateway.work_notices()[-1]["access_token"] == "app_token_2"
    assert len(gateway.delivered) == 2
    assert "rejected the access token" in caplog.text


def test_token_rejected_twice_is_retried_later(gateway, recipient):
    gateway.reject_tokens = True

    counts = send(recipient)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert gateway.paths() == ["/gettoken.json", "/message/workNotification",
                               "/gettoken.json", "/message/workNotification"]
    assert "40014" in row.last_error
    assert "invalid access_token" in row.last_error


@pytest.mark.parametrize("answer, code, text", [
    ({"success": False, "errorCode": "500101", "errorMsg": "receiver not in tenant"},
     "500101", "receiver not in tenant"),
    ({"success": True, "content": {"success": False, "responseCode": "1001",
                                   "responseMessage": "msg format invalid"}},
     "1001", "msg format invalid"),
])
def test_gateway_error_names_code_and_text(gateway, recipient, answer, code, text):
    gateway.answers["/message/workNotification"] = [(200, answer)]

    counts = send(recipient)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert row.status == DeliveryStatus.PENDING
    assert row.attempts == 1
    assert f"error {code}, {text}" in row.last_error
    assert gateway.delivered == {}


def test_http_500_is_retried_with_code(gateway, recipient):
    gateway.answers["/message/workNotification"] = [
        (500, {"success": False, "Code": "ServiceUnavailable", "Message": "backend down"})]

    counts = send(recipient)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert "HTTP 500" in row.last_error
    assert "ServiceUnavailable" in row.last_error
    assert "backend down" in row.last_error


def test_non_json_http_error_is_retried(gateway, recipient):
    gateway.answers["/message/workNotification"] = [(502, b"<html>Bad Gateway</html>")]

    counts = send(recipient)

    assert counts["retry"] == 1
    assert "HTTP 502" in Notification.objects.get().last_error


def test_timeout_retry_reuses_business_id(gateway, recipient, settings, time_machine):
    settings.SUNSHINE_ZZD_TIMEOUT_SECONDS = 0.5
    gateway.held_paths.add("/message/workNotification")

    first = send(recipient)
    gateway.release.set()
    row = Notification.objects.get()
    time_machine.move_to(row.next_attempt_at, tick=False)
    second = deliver_due()

    first_notice, second_notice = gateway.work_notices()
    assert first["retry"] == 1
    assert "timed out" in row.last_error
    assert second["sent"] == 1
    assert first_notice["bizMsgId"] == second_notice["bizMsgId"]
    assert len(gateway.delivered) == 1
    assert gateway.duplicates == [first_notice["bizMsgId"]]


def test_bad_signature_is_rejected_by_gateway(gateway, recipient, settings):
    settings.SUNSHINE_ZZD_APP_SECRET = "a-different-secret"

    counts = send(recipient)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert [r["signature_ok"] for r in gateway.requests] == [False]
    assert "HTTP 401" in row.last_error
    assert "InvalidSignature" in row.last_error
    assert "a-different-secret" not in row.last_error


def test_failed_token_request_is_retried(gateway, recipient):
    gateway.answers["/gettoken.json"] = [(200, {"success": True, "content": {
        "success": False, "responseCode": "40089", "responseMessage": "app disabled"}})]

    counts = send(recipient)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert "access token request" in row.last_error
    assert "40089" in row.last_error
    assert gateway.paths() == ["/gettoken.json"]


def test_unreachable_gateway_is_retried(recipient, settings):
    settings.SUNSHINE_ZZD_APP_KEY = APP_KEY
    settings.SUNSHINE_ZZD_APP_SECRET = SECRET
    settings.SUNSHINE_ZZD_TENANT_ID = TENANT

    counts = send(recipient)

    assert counts["retry"] == 1
    assert "not reachable" in Notification.objects.get().last_error


# configuration and recipients


def test_unconfigured_gateway_keeps_rows_pending(recipient, caplog, time_machine):
    caplog.set_level(logging.WARNING, logger="sunshine.notify.zzd")

    counts = send(recipient, count=2)
    time_machine.move_to(NOW + datetime.timedelta(minutes=10), tick=False)
    again = deliver_due()

    rows = list(Notification.objects.order_by("key"))
    assert counts["deferred"] == 2
    assert again["deferred"] == 2
    assert all(row.status == DeliveryStatus.PENDING for row in rows)
    assert all(row.attempts == 0 for row in rows)
    assert all(row.next_attempt_at == NOW + datetime.timedelta(minutes=20) for row in rows)
    assert "SUNSHINE_ZZD_APP_KEY" in rows[0].last_error
    assert "SUNSHINE_ZZD_TENANT_ID" in rows[0].last_error
    warnings = [r for r in caplog.records if r.name == "sunshine.notify.zzd"]
    assert len(warnings) == 1
    assert "not configured" in warnings[0].getMessage()


def test_partly_configured_gateway_names_missing_setting(recipient, settings):
    settings.SUNSHINE_ZZD_APP_KEY = APP_KEY
    settings.SUNSHINE_ZZD_APP_SECRET = SECRET

    send(recipient)

    last_error = Notification.objects.get().last_error
    assert "SUNSHINE_ZZD_TENANT_ID" in last_error
    assert "SUNSHINE_ZZD_APP_KEY" not in last_error


def test_recipient_without_person_fails_with_fix(gateway, operator_a):
    with translation.override("en"):
        counts = send(operator_a)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert "User operator_a has no Zhejiang government DingTalk account ID" in row.last_error
    assert "in the admin (People)" in row.last_error
    assert gateway.requests == []


def test_recipient_without_account_id_fails_in_chinese(gateway, operator_a, unit_a):
    org_actions.create_person(None, name="王明", unit=unit_a, user=operator_a)

    counts = send(operator_a)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert "operator_a (王明)" in row.last_error
    assert "浙政钉账号" in row.last_error
    assert gateway.requests == []


def test_credentials_never_reach_logs_or_errors(gateway, recipient, caplog):
    caplog.set_level(logging.DEBUG)
    send(recipient)
    gateway.tokens["app_token_1"] = NOW
    gateway.answers["/message/workNotification"] = [
        (200, {"success": False, "errorCode": "40014", "errorMsg": "invalid access_token"}),
        (500, {"success": False, "Code": "ServiceUnavailable", "Message": "backend down"})]

    send(recipient, count=2)

    errors = " ".join(Notification.objects.values_list("last_error", flat=True))
    assert "fetched" in caplog.text
    for credential in [SECRET, APP_KEY, TENANT, "app_token_1", "app_token_2"]:
        assert credential not in caplog.text
        assert credential not in errors


# the account ID on the person


@pytest.fixture
def admin_client(operator_a):
    operator_a.is_staff = True
    operator_a.save()
    operator_a.user_permissions.set(Permission.objects.filter(
        codename__in=["view_person", "add_person", "change_person"]))
    client = Client()
    client.force_login(operator_a)
    return client


def test_person_admin_stores_account_id(admin_client, unit_a):
    response = admin_client.post(reverse("admin:organisation_person_add"),
                                 {"name": "张三", "unit": unit_a.pk, "zzd_account_id": ACCOUNT})

    person = Person.objects.get()
    entry = AuditEntry.objects.get(object_type="organisation.person", action="create")
    assert response.status_code == 302
    assert person.zzd_account_id == ACCOUNT
    assert entry.changes["zzd_account_id"] == ACCOUNT


def test_person_admin_changes_account_id(admin_client, unit_a):
    person = org_actions.create_person(None, name="张三", unit=unit_a)

    response = admin_client.post(reverse("admin:organisation_person_change", args=[person.pk]),
                                 {"name": "张三", "unit": unit_a.pk, "zzd_account_id": "777"})

    person.refresh_from_db()
    assert response.status_code == 302
    assert person.zzd_account_id == "777"
    assert AuditEntry.objects.filter(object_type="organisation.person", action="update",
                                     changes__zzd_account_id="777").exists()


def test_person_admin_rejects_several_account_ids(admin_client, unit_a):
    response = admin_client.post(reverse("admin:organisation_person_add"),
                                 {"name": "张三", "unit": unit_a.pk, "zzd_account_id": "1,2"})

    assert response.status_code == 200
    assert not Person.objects.exists()
    assert "zzd_account_id" in response.context["adminform"].form.errors
