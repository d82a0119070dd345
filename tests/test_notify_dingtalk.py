"""The DingTalk robot sender against a stand-in DingTalk server on 127.0.0.1.

The stand-in checks each request's signature on its own (HMAC-SHA256 of
"timestamp\\nsecret", Base64) and responds with the errcodes a test lines up.
"""

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.cache import cache
from django.db import transaction

from sunshine.audit.verify import verify
from sunshine.notify import dingtalk
from sunshine.notify.models import Channel, DeliveryStatus, DingTalkRobot, Notification
from sunshine.notify.outbox import Message, deliver_due, queue
from sunshine.notify.robots import save_robot
from sunshine.organisation import actions as org_actions
from sunshine.organisation.models import Person, UnitKind
from tests.conftest import region
from tests.duties_data import NOW

pytestmark = pytest.mark.django_db

SECRET = "SECtest0123456789"
TOKEN = "token-5f2c9a"


class StandIn:
    """A DingTalk robot endpoint: records requests, checks signatures, responds in turn."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.answers: list[tuple[int, dict]] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length).decode("utf-8"))
                query = parse_qs(urlsplit(self.path).query)
                stand_in.requests.append({"path": urlsplit(self.path).path, "query": query,
                                          "body": body,
                                          "content_type": self.headers["Content-Type"],
                                          "signature_ok": stand_in.signature_ok(query)})
                status, answer = stand_in.answers.pop(0) if stand_in.answers else (
                    200, {"errcode": 0, "errmsg": "ok"})
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def webhook(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/robot/send?access_token={TOKEN}"

    def signature_ok(self, query: dict) -> bool:
        timestamp = query["timestamp"][0]
        text = f"{timestamp}\n{SECRET}".encode()
        expected = base64.b64encode(hmac.new(SECRET.encode(), text, hashlib.sha256).digest())
        recent = abs(int(timestamp) - time.time() * 1000) < 3600 * 1000
        return query["sign"][0] == expected.decode() and recent


@pytest.fixture
def stand_in():
    server = StandIn()
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield
    cache.clear()


def add_robot(webhook: str, *, unit=None, place=None, name: str = "乡镇群") -> DingTalkRobot:
    robot = DingTalkRobot(name=name, unit=unit, region=place)
    return save_robot(None, robot, webhook=webhook, secret=SECRET, expected_version=None)


def send(user, count: int = 1, **fields) -> dict[str, int]:
    queue([Message(user, f"k{number}", f"任务即将到期 {number}", body="请尽快办理。",
                   channel=Channel.DINGTALK, **fields) for number in range(count)])
    return deliver_due()


def test_sign_matches_known_vector():
    signature = dingtalk.sign(1700000000000, "SECtest0123456789")

    assert signature == "yBKp5IlG6qCzcQWmgyRK%2FziJBdVNJmHfFE2ST%2FCzT%2Fg%3D"


def test_delivery_is_signed_json(stand_in, operator_a, unit_a):
    add_robot(stand_in.webhook, unit=unit_a)

    counts = send(operator_a, url="/staff/duties/tasks/1/")

    request = stand_in.requests[0]
    assert counts["sent"] == 1
    assert Notification.objects.get().status == DeliveryStatus.SENT
    assert request["path"] == "/robot/send"
    assert request["query"]["access_token"] == [TOKEN]
    assert request["signature_ok"] is True
    assert request["query"]["timestamp"] == [str(int(NOW.timestamp() * 1000))]
    assert request["content_type"] == "application/json; charset=utf-8"
    assert request["body"]["msgtype"] == "markdown"
    assert request["body"]["markdown"]["title"] == "任务即将到期 0"
    assert "/staff/duties/tasks/1/" in request["body"]["markdown"]["text"]


def test_text_message_mentions_recipient_phone(stand_in, operator_a, unit_a):
    add_robot(stand_in.webhook, unit=unit_a)
    with transaction.atomic():
        Person.objects.create(name="王明", unit=unit_a, phone="13800000001", user=operator_a)

    send(operator_a)

    body = stand_in.requests[0]["body"]
    assert body["msgtype"] == "text"
    assert body["text"]["content"].startswith("任务即将到期 0\n请尽快办理。")
    assert "@13800000001" in body["text"]["content"]
    assert body["at"]["atMobiles"] == ["13800000001"]


def test_rate_limit_errcode_defers_robot(stand_in, operator_a, unit_a, time_machine):
    add_robot(stand_in.webhook, unit=unit_a)
    stand_in.answers.append((200, {"errcode": 130101, "errmsg": "send too fast"}))

    counts = send(operator_a, count=3)

    rows = list(Notification.objects.order_by("key"))
    assert counts == {"sent": 0, "retry": 0, "failed": 0, "deferred": 3, "no_sender": 0}
    assert len(stand_in.requests) == 1
    assert all(row.status == DeliveryStatus.PENDING for row in rows)
    assert all(row.attempts == 0 for row in rows)
    assert all(row.next_attempt_at == NOW + datetime.timedelta(minutes=10) for row in rows)

    time_machine.move_to(NOW + datetime.timedelta(minutes=10), tick=False)

    assert deliver_due()["sent"] == 3
    assert len(stand_in.requests) == 4


def test_twenty_messages_a_minute_per_robot(stand_in, operator_a, unit_a, time_machine):
    add_robot(stand_in.webhook, unit=unit_a)

    counts = send(operator_a, count=25)

    assert counts["sent"] == 20
    assert counts["deferred"] == 5
    assert len(stand_in.requests) == 20
    time_machine.move_to(NOW + datetime.timedelta(minutes=1), tick=False)
    assert deliver_due()["sent"] == 5


def test_other_errcode_is_retried_without_credentials(stand_in, operator_a, unit_a):
    add_robot(stand_in.webhook, unit=unit_a)
    stand_in.answers.append((200, {"errcode": 310000, "errmsg": "sign not match"}))

    counts = send(operator_a)

    row = Notification.objects.get()
    assert counts["retry"] == 1
    assert row.attempts == 1
    assert "310000" in row.last_error
    assert TOKEN not in row.last_error
    assert SECRET not in row.last_error


def test_http_error_is_retried(stand_in, operator_a, unit_a):
    add_robot(stand_in.webhook, unit=unit_a)
    stand_in.answers.append((500, {"error": "down"}))

    counts = send(operator_a)

    assert counts["retry"] == 1
    assert "HTTP 500" in Notification.objects.get().last_error


def test_unreachable_robot_is_retried(operator_a, unit_a):
    add_robot(f"http://127.0.0.1:9/robot/send?access_token={TOKEN}", unit=unit_a)

    counts = send(operator_a)

    assert counts["retry"] == 1
    assert "not reachable" in Notification.objects.get().last_error


def test_nearest_unit_robot_wins(stand_in, operator_a, unit_a):
    child = org_actions.create_unit(None, name="椒江区城管局", kind=UnitKind.DEPARTMENT,
                                    region=region("331002"), parent=unit_a)
    operator_a.assignments.update(unit=child)
    county_robot = add_robot(stand_in.webhook, place=region("331002"), name="区级")
    parent_robot = add_robot(stand_in.webhook, unit=unit_a, name="区政府")
    own_robot = add_robot(stand_in.webhook, unit=child, name="城管局")

    assert dingtalk.robot_for(operator_a) == own_robot
    own_robot.is_active = False
    save_robot(None, own_robot, webhook=None, secret=None, expected_version=None)
    assert dingtalk.robot_for(operator_a) == parent_robot
    parent_robot.is_active = False
    save_robot(None, parent_robot, webhook=None, secret=None, expected_version=None)
    assert dingtalk.robot_for(operator_a) == county_robot


def test_region_robot_of_other_county_is_not_used(stand_in, operator_a):
    add_robot(stand_in.webhook, place=region("331003"), name="黄岩区")

    counts = send(operator_a)

    assert counts["retry"] == 1
    assert "no active DingTalk robot" in Notification.objects.get().last_error
    assert stand_in.requests == []


def test_robot_changes_are_audited(stand_in, unit_a):
    robot = add_robot(stand_in.webhook, unit=unit_a)
    robot.name = "新名称"

    save_robot(None, robot, webhook=None, secret="SECnew", expected_version=robot.version)

    stored = DingTalkRobot.objects.get()
    assert stored.secret() == "SECnew"
    assert stored.webhook() == stand_in.webhook
    assert SECRET not in stored.secret_encrypted
    assert verify() == []
