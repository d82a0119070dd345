"""The tracking page at /reports/track/: look-up, answers, rating and review requests."""

import datetime
import logging
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sunshine.organisation.models import Role
from sunshine.petitions import actions, tracking
from sunshine.petitions.models import Kind, Outcome, Rating, Reply, ReviewRequest, State
from tests.conftest import make_staff
from tests.petition_web_data import NOW, SHANGHAI, make_categories, register

pytestmark = pytest.mark.django_db

TRACK = reverse("petitions:track")
RATE = reverse("petitions:track_rate")
REVIEW = reverse("petitions:track_review")


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)
    cache.clear()
    yield time_machine
    cache.clear()


@pytest.fixture
def categories(db):
    return make_categories()


@pytest.fixture
def filed(categories):
    return register(categories["roads"])


@pytest.fixture
def replied(categories, township_operator):
    """A request routed to 海门街道, accepted and answered on Mon 2 Mar 2026."""
    petition, secret = register(categories["roads"])
    petition = actions.assign(None, petition)
    petition = actions.accept(township_operator, petition, notice="已受理。")
    actions.reply(township_operator, petition, text="已安排修复路面。", outcome=Outcome.SUPPORT)
    petition.refresh_from_db()
    return petition, secret


def credentials(petition, secret) -> dict:
    return {"code": petition.tracking_code, "secret": secret}


def page(response) -> str:
    return response.content.decode()


def without_tokens(text: str) -> str:
    """Return a page without its CSRF tokens, which are masked anew on every response."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_it_shows_the_form(client):
    response = client.get(TRACK)

    assert response.status_code == 200
    assert "查询码" in page(response)
    assert "查询密码" in page(response)


def test_it_shows_state_deadlines_and_steps(client, filed):
    petition, secret = filed

    response = client.post(TRACK, credentials(petition, secret))

    text = page(response)
    assert response.status_code == 200
    assert "已登记" in text
    assert "2026-03-17" in text
    assert "决定是否受理并书面告知您" in text
    assert secret not in response.request.get("QUERY_STRING", "")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("language", "period"), [("zh-hans", "15 个自然日"),
                                                  ("en", "15 calendar days")])
def test_deadlines_name_their_period(client, filed, language, period):
    petition, secret = filed

    text = page(client.post(TRACK, credentials(petition, secret), HTTP_ACCEPT_LANGUAGE=language))

    assert f"<small>({period})</small>" in text


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "信访件"), ("en", "Petition")])
def test_result_title_is_neutral(client, filed, language, title):
    petition, secret = filed

    text = page(client.post(TRACK, credentials(petition, secret), HTTP_ACCEPT_LANGUAGE=language))

    code = tracking.format_code(petition.tracking_code)
    assert petition.kind == Kind.REQUEST
    assert f"<h1>{title} {code}</h1>" in text
    assert f"<title>{title} {code}" in text


@pytest.mark.parametrize(("language", "name"), [("zh-hans", "道路交通"), ("en", "Roads and transport")])
def test_result_category_in_page_language(client, filed, language, name):
    petition, secret = filed

    text = page(client.post(TRACK, credentials(petition, secret), HTTP_ACCEPT_LANGUAGE=language))

    assert petition.category.code == "roads"
    assert f"<dd>{name}</dd>" in text


def test_it_folds_full_width_code_and_secret(client, filed):
    petition, secret = filed
    full_width = str.maketrans({c: chr(ord(c) + 0xFEE0) for c in tracking.ALPHABET})
    code = tracking.format_code(petition.tracking_code).translate(full_width)

    response = client.post(TRACK, {"code": code.replace("-", "\uff0d", 1).replace("-", "\u3000"),
                                   "secret": f"\u00a0{secret.translate(full_width)}\u2014"})

    assert response.status_code == 200
    assert petition.tracking_code not in code


def test_it_accepts_the_printed_form_of_code_and_secret(client, filed):
    petition, secret = filed

    response = client.post(TRACK, {"code": tracking.format_code(petition.tracking_code).lower(),
                                   "secret": tracking.format_code(secret)})

    assert response.status_code == 200


def test_it_gives_the_same_answer_for_wrong_secret_and_unknown_code(client, filed):
    petition, _secret = filed

    wrong = client.post(TRACK, {"code": petition.tracking_code, "secret": "2222222222"})
    unknown = client.post(TRACK, {"code": "ABCDEFGHJKMN", "secret": "2222222222"})

    assert wrong.status_code == unknown.status_code == 404
    assert "查询码和查询密码不匹配任何件" in page(wrong)
    assert (without_tokens(page(wrong)).replace(petition.tracking_code, "ABCDEFGHJKMN")
            == without_tokens(page(unknown)))


def test_it_locks_the_code_after_repeated_failures_and_logs_them(client, filed, caplog):
    petition, secret = filed
    caplog.set_level(logging.INFO, logger="sunshine.petitions.tracking")

    statuses = [client.post(TRACK, {"code": petition.tracking_code,
                                    "secret": "2222222222"}).status_code for _ in range(5)]
    locked = client.post(TRACK, credentials(petition, secret))

    assert statuses == [404] * 5
    assert locked.status_code == 429
    assert "10:15" in page(locked)
    assert locked["Retry-After"] == str(15 * 60)
    assert f'value="{petition.tracking_code}"' in page(locked)
    assert "tracking look-up failed" in caplog.text
    assert "rejected during lockout" in caplog.text
    assert secret not in caplog.text


def test_it_shows_the_reply_and_the_rating_form(client, replied):
    petition, secret = replied

    text = page(client.post(TRACK, credentials(petition, secret)))

    assert "已安排修复路面。" in text
    assert "支持" in text
    assert "评价答复" in text
    assert "申请复查" in text
    assert "2026-04-01" in text


def test_it_saves_a_score_and_comment(client, replied):
    petition, secret = replied
    answer = petition.replies.get()

    response = client.post(RATE, {**credentials(petition, secret), "reply": answer.pk,
                                  "score": "4", "comment": "修得很快"})

    assert response.status_code == 200
    answer.refresh_from_db()
    assert answer.score == 4
    assert answer.rating == Rating.SATISFIED
    assert answer.rating_comment == "修得很快"
    assert "谢谢，您的评价已保存。" in page(response)
    assert "您的评分：4 分" in page(response)


@pytest.mark.parametrize(("score", "rating"), [("5", Rating.SATISFIED), ("3", Rating.PARTLY),
                                               ("2", Rating.DISSATISFIED),
                                               ("1", Rating.DISSATISFIED)])
def test_it_maps_scores_to_ratings(client, replied, score, rating):
    petition, secret = replied
    answer = petition.replies.get()

    client.post(RATE, {**credentials(petition, secret), "reply": answer.pk, "score": score})

    answer.refresh_from_db()
    assert answer.rating == rating


def test_it_rejects_a_second_rating(client, replied):
    petition, secret = replied
    answer = petition.replies.get()
    data = {**credentials(petition, secret), "reply": answer.pk, "score": "5"}
    client.post(RATE, data)

    response = client.post(RATE, {**data, "score": "1"})

    assert response.status_code == 400
    assert 'role="alert"' in page(response)
    answer.refresh_from_db()
    assert answer.score == 5


def test_it_rejects_a_score_outside_one_to_five(client, replied):
    petition, secret = replied
    answer = petition.replies.get()

    response = client.post(RATE, {**credentials(petition, secret), "reply": answer.pk,
                                  "score": "9"})

    assert response.status_code == 400
    assert "9" in page(response)
    answer.refresh_from_db()
    assert answer.rating == ""


def test_it_rejects_a_rating_with_the_wrong_secret(client, replied):
    petition, _secret = replied
    answer = petition.replies.get()

    response = client.post(RATE, {"code": petition.tracking_code, "secret": "2222222222",
                                  "reply": answer.pk, "score": "1"})

    assert response.status_code == 404
    answer.refresh_from_db()
    assert answer.rating == ""


def test_it_rejects_a_rating_of_another_petitions_reply(client, replied, categories):
    petition, secret = replied
    other, _other_secret = register(categories["lamps"])
    other_reply_id = Reply.objects.order_by("-pk").first().pk + 1000

    response = client.post(RATE, {**credentials(petition, secret), "reply": other_reply_id,
                                  "score": "3"})

    assert response.status_code == 400
    assert other.replies.count() == 0


def test_it_records_a_review_request_in_the_window(client, replied, frozen):
    petition, secret = replied
    frozen.move_to(datetime.datetime(2026, 3, 20, 10, tzinfo=SHANGHAI), tick=False)

    response = client.post(REVIEW, {**credentials(petition, secret), "reason": "路面仍有裂缝"})

    assert response.status_code == 200
    petition.refresh_from_db()
    assert petition.state == State.REVIEW
    review = ReviewRequest.objects.get()
    assert review.reason == "路面仍有裂缝"
    assert review.due_on.isoformat() in page(response)


def test_it_refuses_a_review_after_the_window_naming_the_deadline(client, replied, frozen):
    petition, secret = replied
    frozen.move_to(datetime.datetime(2026, 5, 11, 10, tzinfo=SHANGHAI), tick=False)

    shown = page(client.post(TRACK, credentials(petition, secret)))
    response = client.post(REVIEW, {**credentials(petition, secret), "reason": "仍未修好"})

    assert "申请复查" not in shown
    assert response.status_code == 400
    assert "2026-04-01" in page(response)
    petition.refresh_from_db()
    assert petition.state == State.REPLIED
    assert not ReviewRequest.objects.exists()


@pytest.mark.parametrize("reason", ["", "   ", "\u200b\u200b\u200b", "\u202e\u2066"])
def test_it_needs_a_reason_for_a_review(client, replied, reason):
    petition, secret = replied

    response = client.post(REVIEW, {**credentials(petition, secret), "reason": reason})

    assert response.status_code == 400
    assert not ReviewRequest.objects.exists()
    summary = error_summary(page(response))
    assert summary.startswith("申请未提交：")
    assert 'href="#id_reason"' in summary
    assert "请写明您不同意答复意见的理由" in page(response)
    assert "缺少申请理由" not in page(response)


def test_review_reason_drops_bidirectional_controls(client, replied, frozen):
    petition, secret = replied
    frozen.move_to(datetime.datetime(2026, 3, 20, 10, tzinfo=SHANGHAI), tick=False)

    client.post(REVIEW, {**credentials(petition, secret), "reason": "\u202e反转\u2067的\u2069理由"})

    assert ReviewRequest.objects.get().reason == "反转的理由"


def test_rating_empty_summarised(client, replied):
    petition, secret = replied
    answer = petition.replies.get()

    response = client.post(RATE, {**credentials(petition, secret), "reply": answer.pk})

    assert response.status_code == 400
    summary = error_summary(page(response))
    assert summary.startswith("评价未保存：")
    assert "请选择 1 到 5 分。" in summary


def test_rating_form_warns_early_closure(client, replied):
    petition, secret = replied

    text = page(client.post(TRACK, credentials(petition, secret), HTTP_ACCEPT_LANGUAGE="en"))

    assert "you can then no longer ask for a review" in text


def error_summary(html: str) -> str:
    """Return the text of the page's error summary, without tags."""
    found = re.search(r'<div class="form-errors error-summary"[^>]*autofocus>(.*?)</div>', html, re.S)
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r"<(?!a )[^>]+>", " ", found.group(1))).strip()


def test_it_refuses_a_review_of_a_suggestion(client, categories, township_operator):
    petition, secret = register(categories["lamps"], kind=Kind.SUGGESTION)

    shown = page(client.post(TRACK, credentials(petition, secret)))
    response = client.post(REVIEW, {**credentials(petition, secret), "reason": "不同意"})

    assert "申请复查" not in shown
    assert response.status_code == 400
    assert 'role="alert"' in page(response)
    assert f"信访件 {tracking.format_code(petition.tracking_code)} 属于建议" in page(response)
    assert not ReviewRequest.objects.exists()


def test_second_review_request_prints_code(client, replied, frozen):
    petition, secret = replied
    client.post(REVIEW, {**credentials(petition, secret), "reason": "路面仍有裂缝"})

    again = client.post(REVIEW, {**credentials(petition, secret), "reason": "再次申请"})

    assert again.status_code == 400
    assert f"信访件 {tracking.format_code(petition.tracking_code)} 当前状态为" in page(again)
    assert ReviewRequest.objects.count() == 1


def test_it_shows_an_approved_extension_with_its_reason(client, replied, categories,
                                                        township_operator, township_unit,
                                                        django_user_model):
    leader = make_staff(django_user_model, "township_leader", Role.LEADER, township_unit)
    petition, secret = register(categories["roads"])
    petition = actions.accept(township_operator, actions.assign(None, petition))
    extension = actions.request_extension(township_operator, petition, days=20,
                                          reason="需等待地质勘察结果")
    actions.approve_extension(leader, extension)

    text = page(client.post(TRACK, credentials(petition, secret)))

    assert "需等待地质勘察结果" in text
    assert "办理期限已延长至" in text


@pytest.mark.parametrize("url", [RATE, REVIEW])
def test_reporter_actions_redirect_get(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == TRACK
    assert client.put(url).status_code == 405


def test_it_requires_a_csrf_token(filed):
    petition, secret = filed

    response = Client(enforce_csrf_checks=True).post(TRACK, credentials(petition, secret))

    assert response.status_code == 403
