"""The public survey pages (evaluation/views.py): tokens in every state, one answer per token,
anonymity, the poster entry with its cookie and rate limits, query bounds.

"Now" is inside the collecting dates (``IN_WINDOW``), frozen: rate-limit windows and token
lifetimes are read from the clock.
"""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from evaluation import services
from evaluation.choices import LEVELS, Scale, State
from evaluation.models import Answer, Invitation, Poster
from evaluation.services import ItemSpec
from tests.evaluation.conftest import IN_WINDOW, kinds_of

UNIT_KIND = "用人单位"
SERVED_KIND = "服务对象"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def in_window():
    with time_machine.travel(IN_WINDOW, tick=False) as traveller:
        yield traveller


def _invite(by, cycle, worker, kind_name=UNIT_KIND) -> Invitation:
    kind = kinds_of(cycle)[kind_name]
    assessment = cycle.assessments.get(worker=worker)
    (invitation,) = services.issue_invitations(
        by=by, kind=kind, assessment=assessment, contacts=[("城郊街道办事处", "")]
    )
    return invitation


@pytest.fixture
def invitation(collecting, county_staff, worker) -> Invitation:
    return _invite(county_staff, collecting, worker)


@pytest.fixture
def poster(collecting, worker) -> Poster:
    return Poster.objects.get(kind__name=SERVED_KIND, assessment__worker=worker)


def survey_url(token: str) -> str:
    return reverse("evaluation:survey", args=[token])


def poster_url(poster: Poster) -> str:
    return reverse("evaluation:poster", args=[poster.code])


def full_answer(invitation, level: int = 85, comment: str = "") -> dict:
    """A complete POST body: every item of the invitation's questionnaire at ``level``."""
    body = {f"item_{item.pk}": level for item in invitation.kind.items.all()}
    return {**body, "comment": comment}


# The questionnaire ------------------------------------------------------------------------------


def test_the_page_says_whom_as_which_kind_and_that_it_is_anonymous(client, invitation, worker):
    response = client.get(survey_url(invitation.token))
    assert response.status_code == 200
    page = response.content.decode()
    assert "张晓梅" in page and "城郊街道工会" in page  # name and unit
    assert "您作为：用人单位" in page
    assert "匿名" in page
    for item in invitation.kind.items.all():
        assert item.text in page
    for _score, label in LEVELS:
        assert str(label) in page
    assert worker.id_number not in page
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]


def test_a_submit_stores_one_answer_then_thanks(client, invitation, assessment):
    url = survey_url(invitation.token)
    response = client.post(url, full_answer(invitation, 100, comment="  服务很好  "))
    assert response.status_code == 302 and response["Location"] == url
    answer = Answer.objects.get()
    assert (answer.assessment, answer.kind) == (assessment, invitation.kind)
    assert answer.score == 100 and answer.comment == "服务很好"
    page = client.get(url)
    assert page.status_code == 200 and "本评价已提交，感谢" in page.content.decode()


def test_a_double_submit_stores_one_answer(client, invitation):
    url = survey_url(invitation.token)
    first = client.post(url, full_answer(invitation, 100))
    second = client.post(url, full_answer(invitation, 30))
    assert first.status_code == 302
    assert second.status_code == 200 and "本评价已提交，感谢" in second.content.decode()
    assert Answer.objects.count() == 1 and Answer.objects.get().score == 100
    invitation.refresh_from_db()
    assert invitation.uses_left == 0


def test_field_errors_keep_what_was_entered(client, invitation):
    first, *others = invitation.kind.items.all()
    body = {f"item_{item.pk}": 70 for item in others} | {"comment": "希望多下基层"}
    response = client.post(survey_url(invitation.token), body)
    assert response.status_code == 200
    page = response.content.decode()
    assert "请选择一个满意度。" in page
    assert "希望多下基层" in page
    assert len(re.findall(r'value="70"[^>]* checked', page)) == len(others)  # kept
    assert page.count(" checked") == len(others)
    assert not Answer.objects.exists()
    invitation.refresh_from_db()
    assert invitation.uses_left == 1


def test_a_level_that_is_not_offered_is_refused(client, invitation):
    body = full_answer(invitation) | {f"item_{invitation.kind.items.first().pk}": 99}
    response = client.post(survey_url(invitation.token), body)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert not Answer.objects.exists()


@pytest.fixture
def points_cycle(cycle, county_staff):
    """The county's cycle whose 用人单位 questionnaire scores its first item 0-100."""
    kind = kinds_of(cycle)[UNIT_KIND]
    items = [ItemSpec(i.text, i.weight, i.scale, i.pk) for i in kind.items.all()]
    items[0] = ItemSpec(items[0].text, items[0].weight, Scale.POINTS, items[0].pk)
    services.set_items(by=county_staff, kind=kind, items=items)
    return services.start_collecting(by=county_staff, cycle=cycle)


@pytest.mark.parametrize("value", ["101", "-1", "abc", "", "80.5"])
def test_a_points_item_takes_a_whole_number_from_0_to_100(
    client, points_cycle, county_staff, worker, value
):
    invitation = _invite(county_staff, points_cycle, worker)
    points = invitation.kind.items.get(scale=Scale.POINTS)
    response = client.post(
        survey_url(invitation.token), full_answer(invitation) | {f"item_{points.pk}": value}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'type="number"' in page and "errorlist" in page
    assert not Answer.objects.exists()


def test_a_points_item_is_scored_as_entered(client, points_cycle, county_staff, worker):
    invitation = _invite(county_staff, points_cycle, worker)
    points = invitation.kind.items.get(scale=Scale.POINTS)
    body = full_answer(invitation, 100) | {f"item_{points.pk}": "90"}
    assert client.post(survey_url(invitation.token), body).status_code == 302
    assert Answer.objects.get().values[str(points.pk)] == 90


# Tokens that may not be used --------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["x", "unknown-token-of-22chr", "a" * 200, "bad%20token%3Cscript%3E", "..%2F..%2Fetc"],
)
def test_a_bad_or_unknown_token_is_a_clear_404(client, invitation, token):
    for response in (client.get(survey_url(token)), client.post(survey_url(token), {})):
        assert response.status_code == 404
        assert "未找到该评价" in response.content.decode()
    assert not Answer.objects.exists()


def _refused(client, invitation, status, text):
    """GET and POST ``invitation``'s survey: both refused with ``text``, nothing stored."""
    uses_left = Invitation.objects.get(pk=invitation.pk).uses_left
    url = survey_url(invitation.token)
    for response in (client.get(url), client.post(url, full_answer(invitation))):
        assert response.status_code == status
        assert text in response.content.decode()
        assert "提交评价" not in response.content.decode()  # no form
    assert not Answer.objects.exists()
    assert Invitation.objects.get(pk=invitation.pk).uses_left == uses_left


def test_a_used_token_thanks(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(uses_left=0)
    _refused(client, invitation, 200, "本评价已提交，感谢")


def test_an_expired_token(client, invitation, in_window):
    in_window.move_to(dt.datetime(2026, 4, 1, 0, 0, 1, tzinfo=IN_WINDOW.tzinfo))
    _refused(client, invitation, 410, "评价链接已过期")


def test_a_token_before_collecting_starts(client, invitation, in_window):
    in_window.move_to(dt.datetime(2026, 2, 28, 23, 0, tzinfo=IN_WINDOW.tzinfo))
    _refused(client, invitation, 200, "本次评价未开始")
    assert "2026-03-01" in client.get(survey_url(invitation.token)).content.decode()


def test_a_revoked_token(client, invitation, county_staff):
    services.revoke_invitation(by=county_staff, invitation=invitation)
    _refused(client, invitation, 410, "评价链接已作废")


def test_a_token_issued_while_the_cycle_is_a_draft(client, cycle, county_staff, worker):
    _refused(client, _invite(county_staff, cycle, worker), 200, "本次评价未开始")


@pytest.mark.parametrize("state", [State.SCORING, State.CONFIRMED])
def test_a_token_of_a_cycle_no_longer_collecting(client, invitation, state):
    invitation.kind.cycle.__class__.objects.update(state=state)
    _refused(client, invitation, 410, "本次评价已结束")


def test_another_cycles_token_answers_for_its_own_worker_only(
    client, invitation, other_cycle, outsider, other_worker
):
    other = _invite(outsider, other_cycle, other_worker)  # 游仙区's cycle, still a draft
    _refused(client, other, 200, "本次评价未开始")
    services.start_collecting(by=outsider, cycle=other_cycle)
    page = client.get(survey_url(other.token)).content.decode()
    assert "李强" in page and "张晓梅" not in page
    assert client.post(survey_url(other.token), full_answer(other)).status_code == 302
    answer = Answer.objects.get()
    assert answer.assessment.worker == other_worker and answer.kind.cycle == other_cycle


# Anonymity --------------------------------------------------------------------------------------


def test_an_answer_keeps_no_link_to_its_token(client, invitation):
    client.post(survey_url(invitation.token), full_answer(invitation, comment="好"))
    answer = Answer.objects.values().get()
    assert set(answer) == {
        "id", "kind_id", "assessment_id", "values", "score", "comment", "submitted_on",
    }  # fmt: skip
    assert invitation.token not in str(answer) and "城郊街道办事处" not in str(answer)
    assert answer["submitted_on"] == IN_WINDOW.date()  # the day, not the moment


def test_pages_never_show_an_id_number_or_mobile(client, invitation, poster, worker):
    worker.mobile = "13800138000"
    worker.save()
    for url in (survey_url(invitation.token), poster_url(poster)):
        page = client.get(url).content.decode()
        assert worker.id_number not in page and worker.mobile not in page
        assert "张晓梅" in page


# The poster entry -------------------------------------------------------------------------------


def test_the_poster_introduces_and_its_button_issues_a_token(client, poster):
    page = client.get(poster_url(poster))
    assert page.status_code == 200
    body = page.content.decode()
    assert "张晓梅" in body and "您作为：服务对象" in body and "开始评价" in body
    assert "匿名" in body
    assert not Invitation.objects.exists()  # looking issues nothing
    response = client.post(poster_url(poster))
    invitation = Invitation.objects.get()
    assert response.status_code == 302 and response["Location"] == survey_url(invitation.token)
    assert invitation.source == Invitation.Source.POSTER and invitation.contact == ""
    assert (invitation.kind, invitation.assessment) == (poster.kind, poster.assessment)
    assert invitation.valid_until == IN_WINDOW + dt.timedelta(minutes=120)
    cookie = response.cookies[f"evaluation_entry_{poster.code}"]
    assert cookie["max-age"] == 120 * 60 and cookie["httponly"]
    assert cookie["path"] == poster_url(poster)
    assert client.get(survey_url(invitation.token)).status_code == 200


def test_the_same_browser_gets_its_unused_token_back(client, poster):
    first = client.post(poster_url(poster))
    again = client.post(poster_url(poster))
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Invitation.objects.count() == 1
    assert Client().post(poster_url(poster))["Location"] != first["Location"]  # another browser
    assert Invitation.objects.count() == 2


def test_a_browser_that_answered_is_told_so(client, poster):
    survey = client.post(poster_url(poster))["Location"]
    invitation = Invitation.objects.get()
    assert client.post(survey, full_answer(invitation)).status_code == 302
    for response in (client.get(poster_url(poster)), client.post(poster_url(poster))):
        assert response.status_code == 200 and "您已评价过" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_an_expired_token_in_the_cookie_gives_a_new_one(client, poster, in_window):
    first = client.post(poster_url(poster))["Location"]
    in_window.shift(dt.timedelta(minutes=121))  # the token (and the cookie) have expired
    client.cookies[f"evaluation_entry_{poster.code}"] = first  # a browser ignoring max-age
    second = client.post(poster_url(poster))["Location"]
    assert second != first and Invitation.objects.count() == 2


def test_a_forged_cookie_is_ignored(client, poster, invitation):
    client.cookies[f"evaluation_entry_{poster.code}"] = invitation.token  # unsigned
    response = client.post(poster_url(poster))
    assert response["Location"] != survey_url(invitation.token)
    assert Invitation.objects.filter(source=Invitation.Source.POSTER).count() == 1


def test_an_unknown_poster_is_a_clear_404(client, poster):
    for code in ("nope", "x" * 22):
        url = reverse("evaluation:poster", args=[code])
        for response in (client.get(url), client.post(url)):
            assert response.status_code == 404 and "未找到该评价" in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("moment", "state", "status", "text"),
    [
        (dt.datetime(2026, 2, 28, 12), State.COLLECTING, 200, "本次评价未开始"),
        (dt.datetime(2026, 4, 1, 8), State.COLLECTING, 410, "本次评价已结束"),
        (dt.datetime(2026, 3, 15, 8), State.SCORING, 410, "本次评价已结束"),
    ],
)
def test_a_poster_outside_collecting_issues_nothing(
    client, poster, in_window, moment, state, status, text
):
    poster.kind.cycle.__class__.objects.update(state=state)
    in_window.move_to(moment.replace(tzinfo=IN_WINDOW.tzinfo))
    for response in (client.get(poster_url(poster)), client.post(poster_url(poster))):
        assert response.status_code == status and text in response.content.decode()
        assert "开始评价" not in response.content.decode()
    assert not Invitation.objects.exists()


# Rate limits ------------------------------------------------------------------------------------


def _enter(poster, address: str):
    """A new browser (no cookie) at ``address`` presses 开始评价."""
    return Client(REMOTE_ADDR=address).post(poster_url(poster))


def test_tokens_are_limited_per_address(poster, settings):
    settings.EVALUATION_ENTRY_RATE_PER_ADDRESS = "2/h"
    for _ in range(5):  # looking is not counted
        assert Client(REMOTE_ADDR="10.0.0.1").get(poster_url(poster)).status_code == 200
    assert _enter(poster, "10.0.0.1").status_code == 302
    assert _enter(poster, "10.0.0.1").status_code == 302
    refused = _enter(poster, "10.0.0.1")
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert "no-cache" in refused["Cache-Control"]
    assert Invitation.objects.count() == 2
    assert _enter(poster, "10.0.0.2").status_code == 302  # another address


def test_tokens_are_limited_per_poster(poster, other_cycle, outsider, other_worker, settings):
    settings.EVALUATION_ENTRY_RATE_PER_POSTER = "3/h"
    for n in range(3):
        assert _enter(poster, f"10.0.1.{n}").status_code == 302
    assert _enter(poster, "10.0.1.9").status_code == 429
    assert Invitation.objects.count() == 3
    services.start_collecting(by=outsider, cycle=other_cycle)
    other = Poster.objects.get(assessment__worker=other_worker)
    assert _enter(other, "10.0.1.9").status_code == 302  # another poster has its own count


def test_a_reused_token_is_not_counted(client, poster, settings):
    settings.EVALUATION_ENTRY_RATE_PER_ADDRESS = "2/h"
    for _ in range(4):  # the same browser: one token
        assert client.post(poster_url(poster), REMOTE_ADDR="10.0.2.1").status_code == 302
    assert _enter(poster, "10.0.2.1").status_code == 302  # the second token of the address
    assert _enter(poster, "10.0.2.1").status_code == 429
    assert Invitation.objects.count() == 2


def test_the_limit_window_passes(poster, settings, in_window):
    settings.EVALUATION_ENTRY_RATE_PER_ADDRESS = "1/h"
    assert _enter(poster, "10.0.3.1").status_code == 302
    refused = _enter(poster, "10.0.3.1")
    assert refused.status_code == 429
    in_window.shift(dt.timedelta(seconds=int(refused["Retry-After"]) + 1))
    assert _enter(poster, "10.0.3.1").status_code == 302


# Query bounds -----------------------------------------------------------------------------------


def _more_items(cycle, by, n: int) -> None:
    kind = kinds_of(cycle)[UNIT_KIND]
    services.set_items(
        by=by,
        kind=kind,
        items=[
            ItemSpec(f"评价项目{i}", 1, Scale.LEVELS if i % 2 else Scale.POINTS) for i in range(n)
        ],
    )


@pytest.mark.parametrize("items", [1, 8])
def test_survey_queries_do_not_grow_with_items(
    client, cycle, county_staff, worker, items, django_assert_max_num_queries
):
    _more_items(cycle, county_staff, items)
    services.start_collecting(by=county_staff, cycle=cycle)
    invitation = _invite(county_staff, cycle, worker)
    url = survey_url(invitation.token)
    with django_assert_max_num_queries(3):  # the token, the items, the unit
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(3):  # with errors
        assert client.post(url, {}).status_code == 200
    body = full_answer(invitation, 70)
    # The page's 2, then look up, lock, items, store, spend (and PostgreSQL's lock timeout).
    with django_assert_max_num_queries(10):
        assert client.post(url, body).status_code == 302
    with django_assert_max_num_queries(1):  # the thanks
        assert client.get(url).status_code == 200


def test_poster_queries_are_bounded(client, poster, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # the poster, the unit
        assert client.get(poster_url(poster)).status_code == 200
    with django_assert_max_num_queries(3):  # the poster, the poster again, the new token
        assert client.post(poster_url(poster)).status_code == 302
    with django_assert_max_num_queries(2):  # the poster, the token in the cookie
        assert client.post(poster_url(poster)).status_code == 302
    with django_assert_max_num_queries(3):
        assert client.get(poster_url(poster)).status_code == 200
