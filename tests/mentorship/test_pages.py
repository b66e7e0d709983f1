"""The pages of mentors and apprentices (我的徒弟, 我的导师, a pairing's page) and their forms.

Time is frozen on 2030-03-01; ``pairing`` (fixture) is active from 2030-01-01 to 2030-12-31.
"""

import datetime as dt

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from mentorship import services
from mentorship.models import Extension, Goal, MeetingLog, Pairing, Review
from tests.conftest import login
from tests.factories import PairingFactory, UserFactory, WorkerFactory

TODAY = dt.date(2030, 3, 1)
PAST = dt.date(2030, 2, 20)
FUTURE = dt.date(2030, 3, 10)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(dt.datetime(2030, 3, 1, 2, tzinfo=dt.UTC), tick=False):
        yield


def page(pairing) -> str:
    return reverse("mentorship:pairing", args=[pairing.pk])


def act(name, pairing, *args) -> str:
    return reverse(f"mentorship:{name}", args=[pairing.pk, *args])


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def write_log(pairing, by, date=PAST, topic="劳动合同审查"):
    return services.log_meeting(
        by=by, pairing=pairing, date=date, hours=2, form="face", topic=topic, today=TODAY
    )


@pytest.fixture
def stranger(county):
    """A worker of the same county who is in no pairing."""
    return WorkerFactory(federation=county, name="陈路人", user=UserFactory(username="stranger"))


@pytest.fixture
def personas(mentor, worker, outsider, county_staff, city_staff, stranger):
    return {
        "mentor": mentor.user,
        "apprentice": worker.user,
        "outsider": outsider,
        "county_staff": county_staff,
        "city_staff": city_staff,
        "stranger": stranger.user,
        "anonymous": None,
    }


def _get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# Who sees which page ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("mentor", 200),
        ("apprentice", 404),
        ("outsider", 404),
        ("county_staff", 404),
        ("anonymous", 302),
    ],
)
def test_my_apprentices_is_for_mentors(client, personas, pairing, persona, expected):
    response = _get(client, personas[persona], reverse("mentorship:my_apprentices"))
    assert response.status_code == expected
    if expected == 200:
        assert "张晓梅" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("mentor", 404),  # a cadre, not a worker
        ("apprentice", 200),
        ("stranger", 200),  # a worker without a mentor is told so
        ("outsider", 404),
        ("county_staff", 404),
        ("anonymous", 302),
    ],
)
def test_my_mentor_is_for_workers(client, personas, pairing, persona, expected):
    response = _get(client, personas[persona], reverse("mentorship:my_mentor"))
    assert response.status_code == expected
    if persona == "apprentice":
        assert "王建国" in response.content.decode()
    if persona == "stranger":
        assert "您目前没有导师" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("mentor", 200),
        ("apprentice", 200),
        ("county_staff", 200),  # supervising staff may look
        ("city_staff", 200),
        ("outsider", 404),  # another county's staff
        ("stranger", 404),  # a worker who is not in the pairing
        ("anonymous", 302),
    ],
)
def test_pairing_page_visibility(client, personas, pairing, persona, expected):
    response = _get(client, personas[persona], page(pairing))
    assert response.status_code == expected
    if expected == 302:
        assert "login" in response["Location"]


def test_mentor_page_shows_flags_and_logs_to_confirm(client, mentor, worker, pairing):
    write_log(pairing, worker.user)  # awaiting the mentor
    services.add_goal(by=worker.user, pairing=pairing, title="掌握劳动法", target_date=FUTURE)
    Goal.objects.update(progress=40)
    body = login(client, mentor.user).get(reverse("mentorship:my_apprentices")).content.decode()
    assert 'data-flag="overdue"' in body  # no confirmed meeting since 2030-01-01 (30 days)
    assert 'data-flag="to-confirm"' in body
    assert "劳动合同审查" in body
    assert "40%" in body
    assert "暂无" in body  # no confirmed meeting yet


def test_mentor_page_after_a_confirmed_meeting(client, mentor, worker, pairing):
    services.confirm_log(by=mentor.user, entry=write_log(pairing, worker.user), today=TODAY)
    body = login(client, mentor.user).get(reverse("mentorship:my_apprentices")).content.decode()
    assert 'data-flag="overdue"' not in body
    assert "2030-02-20" in body


def test_reviews_due_show_on_both_pages(client, mentor, worker, pairing):
    with time_machine.travel(dt.datetime(2030, 7, 10, 2, tzinfo=dt.UTC), tick=False):
        body = login(client, mentor.user).get(reverse("mentorship:my_apprentices")).content
        assert 'data-flag="review-due"' in body.decode()
        assert "待提交中期评价" in body.decode()
        body = login(client, worker.user).get(reverse("mentorship:my_mentor")).content
        assert "待提交中期评价" in body.decode()


def test_apprentice_page_lists_goals_and_logs_to_confirm(client, mentor, worker, pairing):
    services.add_goal(by=worker.user, pairing=pairing, title="掌握劳动法", target_date=FUTURE)
    write_log(pairing, mentor.user, topic="集体协商模拟")
    body = login(client, worker.user).get(reverse("mentorship:my_mentor")).content.decode()
    assert "掌握劳动法" in body
    assert "集体协商模拟" in body and 'data-flag="to-confirm"' in body


def test_proposed_pairing_to_answer_on_the_mentor_page(client, mentor, county, county_staff):
    apprentice = WorkerFactory(federation=county, name="刘新")
    services.propose_pairing(
        by=county_staff, mentor=mentor, apprentice=apprentice, kind="apprentice", start=TODAY
    )
    body = login(client, mentor.user).get(reverse("mentorship:my_apprentices")).content.decode()
    assert 'id="proposed"' in body and "刘新" in body


# Links to the pages -----------------------------------------------------------------------------


def test_links_in_the_header_and_on_my_page(client, mentor, worker, pairing, county_staff):
    body = login(client, worker.user).get(reverse("workforce:my_page")).content.decode()
    assert body.count(reverse("mentorship:my_mentor")) == 2  # header and the card
    assert reverse("mentorship:my_apprentices") not in body
    body = login(client, mentor.user).get(reverse("mentorship:pairing", args=[pairing.pk]))
    assert reverse("mentorship:my_apprentices") in body.content.decode()


def test_no_links_for_people_without_mentoring(client, worker, county_staff):
    body = login(client, worker.user).get(reverse("workforce:my_page")).content.decode()
    assert "my-mentoring-links" not in body
    assert reverse("mentorship:my_mentor") not in body


# Proposal and ending ---------------------------------------------------------------------------


@pytest.fixture
def proposed(mentor, county, county_staff):
    apprentice = WorkerFactory(federation=county, name="刘新", user=UserFactory())
    return services.propose_pairing(
        by=county_staff, mentor=mentor, apprentice=apprentice, kind="apprentice", start=TODAY
    )


def test_mentor_accepts(client, mentor, proposed):
    response = login(client, mentor.user).post(act("accept", proposed))
    assert response.status_code == 302 and response["Location"].startswith(page(proposed))
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.ACTIVE
    # Sent again: refused, said so, nothing changes.
    response = client.post(act("accept", proposed))
    assert "该结对不在待确认状态。" in texts(response)


def test_accept_refused_at_the_load_limit(client, mentor, county, proposed):
    mentor.load_limit = 0
    mentor.save()
    response = login(client, mentor.user).post(act("accept", proposed))
    assert response.status_code == 302
    assert any("达到上限" in text for text in texts(response))
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.PROPOSED


def test_apprentice_cannot_accept(client, proposed):
    response = login(client, proposed.apprentice.user).post(act("accept", proposed))
    assert "只有结对双方可以这样做。" in texts(response)
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.PROPOSED


def test_mentor_declines_from_the_list(client, mentor, proposed):
    response = login(client, mentor.user).post(
        act("decline", proposed), {"reason": "本季度外出", "from": "apprentices"}
    )
    assert response["Location"] == reverse("mentorship:my_apprentices")
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.DECLINED and proposed.end_reason == "本季度外出"


def test_decline_needs_a_reason(client, mentor, proposed):
    response = login(client, mentor.user).post(act("decline", proposed), {"reason": ""})
    assert response.status_code == 302 and texts(response)
    proposed.refresh_from_db()
    assert proposed.status == Pairing.Status.PROPOSED


def test_either_side_dissolves(client, worker, pairing):
    response = login(client, worker.user).post(act("dissolve", pairing), {"reason": "调岗"})
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.DISSOLVED


def test_dissolve_refusal_is_shown_on_the_form(client, worker, pairing):
    pairing.status = Pairing.Status.COMPLETED
    pairing.save()
    response = login(client, worker.user).post(act("dissolve", pairing), {"reason": "调岗"})
    assert response.status_code == 200
    assert "该结对已结束。" in response.content.decode()


# Goals ------------------------------------------------------------------------------------------


def test_apprentice_adds_a_goal_once(client, worker, pairing):
    login(client, worker.user)
    body = {"title": "独立办理调解案件", "target_date": "2030-06-30", "area": "casework"}
    body["once"] = "token-1"
    assert client.post(act("add_goal", pairing), body).status_code == 302
    response = client.post(act("add_goal", pairing), body)  # the same form sent again
    assert response.status_code == 302
    assert "该表单已提交过，未重复保存。" in texts(response)
    assert Goal.objects.filter(pairing=pairing).count() == 1


def test_mentor_cannot_add_goals(client, mentor, pairing):
    body = {"title": "x", "target_date": "2030-06-30", "once": "t"}
    response = login(client, mentor.user).post(act("add_goal", pairing), body)
    assert response.status_code == 200
    assert "只有结对双方可以这样做。" in response.content.decode()
    assert not Goal.objects.exists()


def test_goals_from_gaps(client, worker, mentor, pairing):
    response = login(client, worker.user).post(act("goals_from_gaps", pairing))
    assert response.status_code == 302
    added = Goal.objects.filter(pairing=pairing).count()
    assert added >= 1  # the worker lacks the qualification at least
    assert client.post(act("goals_from_gaps", pairing)).status_code == 302
    assert Goal.objects.filter(pairing=pairing).count() == added  # no duplicates
    response = login(client, mentor.user).post(act("goals_from_gaps", pairing))
    assert "只有结对双方可以这样做。" in texts(response)


@pytest.fixture
def goal(worker, pairing):
    return services.add_goal(
        by=worker.user, pairing=pairing, title="掌握劳动法", target_date=FUTURE
    )


def test_progress_and_assessment(client, worker, mentor, pairing, goal):
    login(client, worker.user).post(
        act("report_progress", pairing, goal.pk), {"progress": 60, "note": "已学完三章"}
    )
    login(client, mentor.user).post(act("assess_goal", pairing, goal.pk), {"assessment": "扎实"})
    goal.refresh_from_db()
    assert (goal.progress, goal.progress_note, goal.assessment) == (60, "已学完三章", "扎实")


def test_progress_refusals(client, worker, mentor, pairing, goal):
    response = login(client, worker.user).post(
        act("report_progress", pairing, goal.pk), {"progress": 140}
    )
    assert texts(response)
    response = login(client, mentor.user).post(
        act("report_progress", pairing, goal.pk), {"progress": 50}
    )
    assert "只有结对双方可以这样做。" in texts(response)
    goal.refresh_from_db()
    assert goal.progress == 0


def test_goal_of_another_pairing_is_404(client, worker, pairing, other_pairing):
    other = Goal.objects.create(pairing=other_pairing, title="x", target_date=FUTURE)
    response = login(client, worker.user).post(
        act("report_progress", pairing, other.pk), {"progress": 10}
    )
    assert response.status_code == 404


# Meeting logs -----------------------------------------------------------------------------------


def _log_body(date, once="log-1", **more):
    return {"date": date.isoformat(), "hours": "1.5", "form": "online", "topic": "案例研讨",
            "once": once, **more}  # fmt: skip


def test_write_logs_past_and_planned(client, worker, pairing):
    login(client, worker.user)
    assert client.post(act("add_log", pairing), _log_body(PAST)).status_code == 302
    client.post(act("add_log", pairing), _log_body(PAST))  # sent twice
    client.post(act("add_log", pairing), _log_body(FUTURE, once="log-2", start_time="14:00"))
    statuses = sorted(MeetingLog.objects.values_list("status", flat=True))
    assert statuses == [MeetingLog.Status.PLANNED, MeetingLog.Status.AWAITING]


def test_log_refusal_is_shown_on_the_form(client, worker, pairing):
    response = login(client, worker.user).post(
        act("add_log", pairing), _log_body(dt.date(2029, 12, 1))
    )
    assert response.status_code == 200
    assert "日期早于结对开始日期。" in response.content.decode()
    assert not MeetingLog.objects.exists()


def test_other_side_confirms(client, worker, mentor, pairing):
    entry = write_log(pairing, worker.user)
    response = login(client, worker.user).post(act("confirm_log", pairing, entry.pk))
    assert "带教记录须由另一方确认。" in texts(response)
    login(client, mentor.user).post(act("confirm_log", pairing, entry.pk))
    entry.refresh_from_db()
    assert entry.status == MeetingLog.Status.CONFIRMED


def test_dispute_needs_a_reason(client, worker, mentor, pairing):
    entry = write_log(pairing, worker.user)
    login(client, mentor.user)
    assert texts(client.post(act("dispute_log", pairing, entry.pk), {"reason": ""}))
    entry.refresh_from_db()
    assert entry.status == MeetingLog.Status.AWAITING
    client.post(act("dispute_log", pairing, entry.pk), {"reason": "当天未见面"})
    entry.refresh_from_db()
    assert (entry.status, entry.dispute_reason) == (MeetingLog.Status.DISPUTED, "当天未见面")


def test_only_the_writer_cancels(client, worker, mentor, pairing):
    entry = write_log(pairing, worker.user, date=FUTURE)
    response = login(client, mentor.user).post(act("cancel_log", pairing, entry.pk))
    assert "只有填写人可以取消该记录。" in texts(response)
    login(client, worker.user).post(act("cancel_log", pairing, entry.pk))
    entry.refresh_from_db()
    assert entry.status == MeetingLog.Status.CANCELLED and entry.sequence == 1


def test_pairing_page_offers_each_side_its_actions(client, worker, mentor, pairing):
    mine = write_log(pairing, worker.user, topic="我写的")
    body = login(client, mentor.user).get(page(pairing)).content.decode()
    assert act("confirm_log", pairing, mine.pk) in body
    assert act("cancel_log", pairing, mine.pk) not in body
    body = login(client, worker.user).get(page(pairing)).content.decode()
    assert act("cancel_log", pairing, mine.pk) in body
    assert act("confirm_log", pairing, mine.pk) not in body
    assert act("goals_from_gaps", pairing) in body


# Reviews and extension --------------------------------------------------------------------------

COMPETENCES = {
    f"competence_{k}": 4 for k in ("policy", "organising", "service", "rights", "writing")
}


def test_reviews_from_both_sides(client, worker, mentor, pairing):
    body = {"stage": "mid", "rating": 5, "comment": "进步明显", **COMPETENCES}
    assert login(client, mentor.user).post(act("submit_review", pairing), body).status_code == 302
    response = client.post(act("submit_review", pairing), body)  # again: refused
    assert response.status_code == 200
    assert "您已提交过该阶段的评价。" in response.content.decode()
    login(client, worker.user).post(act("submit_review", pairing), {"stage": "mid", "rating": 4})
    reviews = {r.side: r for r in Review.objects.filter(pairing=pairing)}
    assert reviews["mentor"].competences["policy"] == 4 and reviews["apprentice"].rating == 4


def test_mentor_review_needs_every_competence(client, mentor, pairing):
    response = login(client, mentor.user).post(
        act("submit_review", pairing), {"stage": "mid", "rating": 5}
    )
    assert response.status_code == 200
    assert not Review.objects.exists()


def test_extension_request_and_answers(client, worker, mentor, county_staff, pairing):
    login(client, worker.user).post(
        act("request_extension", pairing), {"months": 3, "reason": "目标未完成"}
    )
    extension = Extension.objects.get()
    response = client.post(act("answer_extension", pairing, extension.pk), {"agree": "1"})
    assert "只有结对的另一方或工作人员可以答复延期申请。" in texts(response)
    login(client, mentor.user).post(act("answer_extension", pairing, extension.pk), {"agree": "1"})
    login(client, county_staff).post(act("answer_extension", pairing, extension.pk), {"agree": "1"})
    extension.refresh_from_db()
    pairing.refresh_from_db()
    assert extension.status == Extension.Status.ACCEPTED
    assert pairing.end_date == dt.date(2031, 3, 31)


def test_extension_refusal_is_shown_on_the_form(client, worker, pairing):
    response = login(client, worker.user).post(
        act("request_extension", pairing), {"months": 20, "reason": "很长"}
    )
    assert response.status_code == 200
    assert "带教期限须在" in response.content.decode()


# Query counts -----------------------------------------------------------------------------------


def _more_apprentices(mentor, county, count):
    mentor.load_limit = 10
    mentor.save()
    for i in range(count):
        pairing = PairingFactory(
            mentor=mentor, apprentice=WorkerFactory(federation=county, name=f"徒弟{i}")
        )
        write_log(pairing, pairing.apprentice.user, topic=f"记录{i}")
        Goal.objects.create(pairing=pairing, title=f"目标{i}", target_date=FUTURE)


def test_my_apprentices_queries_do_not_grow(
    client, mentor, county, pairing, django_assert_max_num_queries
):
    login(client, mentor.user)
    url = reverse("mentorship:my_apprentices")
    with django_assert_max_num_queries(15):
        assert client.get(url).status_code == 200
    _more_apprentices(mentor, county, 4)
    with django_assert_max_num_queries(15):
        assert client.get(url).content.decode().count("data-pairing=") == 5


def test_my_mentor_queries_do_not_grow(
    client, mentor, worker, pairing, django_assert_max_num_queries
):
    login(client, worker.user)
    url = reverse("mentorship:my_mentor")
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
    for i in range(4):
        services.add_goal(by=worker.user, pairing=pairing, title=f"目标{i}", target_date=FUTURE)
        write_log(pairing, mentor.user, topic=f"记录{i}")
    with django_assert_max_num_queries(16):
        assert client.get(url).content.decode().count("记录") >= 4


def test_pairing_page_queries_do_not_grow(
    client, mentor, worker, pairing, django_assert_max_num_queries
):
    login(client, mentor.user)
    with django_assert_max_num_queries(18):
        assert client.get(page(pairing)).status_code == 200
    for i in range(5):
        services.add_goal(by=worker.user, pairing=pairing, title=f"目标{i}", target_date=FUTURE)
        write_log(pairing, worker.user, topic=f"记录{i}")
    services.submit_review(by=worker.user, pairing=pairing, stage="mid", rating=4)
    with django_assert_max_num_queries(18):
        assert client.get(page(pairing)).content.decode().count('id="log-') == 5
