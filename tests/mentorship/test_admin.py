"""Staff screens of mentoring (mentorship/viewsets.py): mentors, pairings, actions, matching.

Each screen for ``county_staff``, ``city_staff`` and ``outsider`` (another county's mentor or
pairing is a 404), the forms' happy paths and refusals, and query-count bounds.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from mentorship import services
from mentorship.models import Extension, Goal, MeetingLog, Mentor, Pairing, Review
from tests.conftest import login
from tests.factories import MentorFactory, PairingFactory, UserFactory, WorkerFactory

NOW = dt.datetime(2030, 6, 15, 10, 0, tzinfo=dt.UTC)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(NOW, tick=False):
        yield


def mentors_url(view="index", *args):
    return reverse(f"mentorship_mentors:{view}", args=args)


def pairings_url(view="index", *args):
    return reverse(f"mentorship_pairings:{view}", args=args)


def match_url():
    return reverse("mentorship_match:index")


def html(response) -> str:
    return response.content.decode()


# 导师 -----------------------------------------------------------------------------------------


def test_mentor_list_is_scoped(client, county_staff, city_staff, outsider, pairing, other_mentor):
    county = html(login(client, county_staff).get(mentors_url()))
    assert "王建国" in county and "赵敏" not in county
    assert "1/3" in county  # the mentor's active pairing against the policy's limit of 3
    assert "劳动法、个案服务" in county
    city = html(login(client, city_staff).get(mentors_url()))
    assert "王建国" in city and "赵敏" in city
    other = html(login(client, outsider).get(mentors_url()))
    assert "王建国" not in other and "赵敏" in other


def test_mentor_list_filters_by_expertise(client, county_staff, mentor, county):
    MentorFactory(federation=county, name="钱多多", expertise=["bargaining"])
    page = html(login(client, county_staff).get(mentors_url(), {"expertise": "bargaining"}))
    assert "钱多多" in page and "王建国" not in page


def test_another_countys_mentor_is_a_404(client, outsider, mentor):
    login(client, outsider)
    assert client.get(mentors_url("edit", mentor.pk)).status_code == 404
    assert client.get(mentors_url("history", mentor.pk)).status_code == 404


def test_register_a_mentor_from_a_worker(client, county_staff, county, worker):
    response = login(client, county_staff).post(
        mentors_url("add"),
        {"federation": county.pk, "worker": worker.pk, "expertise": ["training", "rights"]},
    )
    assert response.status_code == 302, html(response)
    registered = Mentor.objects.get(worker=worker)
    assert registered.user == worker.user and registered.name == "张晓梅"
    assert registered.expertise == ["training", "rights"]
    assert registered.experience_since == worker.hire_date
    assert ModelLogEntry.objects.filter(action="wagtail.create", user=county_staff).exists()


def test_register_a_mentor_from_a_username(client, county_staff, county):
    UserFactory(username="cadre", first_name="李", last_name="")
    response = login(client, county_staff).post(
        mentors_url("add"), {"federation": county.pk, "username": "cadre", "name": "李红"}
    )
    assert response.status_code == 302, html(response)
    assert Mentor.objects.get(user__username="cadre").name == "李红"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "请选择一名社会化工会工作者，或填写一个账号用户名。"),
        ({"username": "nobody"}, "没有这个用户名的账号。"),
        ({"username": "mentor"}, "王建国 已经是导师。"),  # the service refuses
    ],
)
def test_register_a_mentor_refused(client, county_staff, county, mentor, body, message):
    body = {"federation": county.pk, **body}
    if body.get("username") == "mentor":
        body["name"] = "王建国"
    response = login(client, county_staff).post(mentors_url("add"), body)
    assert response.status_code == 200
    assert message in html(response)
    assert Mentor.objects.count() == 1


def test_register_in_another_county_is_refused(client, outsider, county, worker):
    response = login(client, outsider).post(
        mentors_url("add"), {"federation": county.pk, "worker": worker.pk}
    )
    assert response.status_code == 200  # neither choice is offered to the outsider
    assert not Mentor.objects.exists()


def test_edit_a_mentor_through_the_service(client, county_staff, mentor):
    response = login(client, county_staff).post(
        mentors_url("edit", mentor.pk),
        {"name": "王建国", "title": "主席", "expertise": ["bargaining"], "load_limit": 2},
    )
    assert response.status_code == 302, html(response)
    mentor.refresh_from_db()
    assert (mentor.title, mentor.expertise, mentor.load_limit, mentor.active) == (
        "主席",
        ["bargaining"],
        2,
        False,  # the unchecked box pauses the mentor
    )
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(mentor.pk)).exists()


def test_mentors_have_no_delete_screen(client, county_staff, mentor):
    page = html(login(client, county_staff).get(mentors_url("edit", mentor.pk)))
    assert "/delete/" not in page


@pytest.mark.parametrize("count", [1, 6])
def test_mentor_list_query_count(
    count, client, county_staff, county, django_assert_max_num_queries
):
    for _n in range(count):
        mentor = MentorFactory(federation=county)
        PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county))
    login(client, county_staff)
    with django_assert_max_num_queries(14):
        response = client.get(mentors_url())
    assert response.status_code == 200
    assert html(response).count("1/3") == count


# 师徒结对: list and details ---------------------------------------------------------------------


def test_pairing_list_is_scoped(client, county_staff, city_staff, outsider, pairing, other_pairing):
    county = html(login(client, county_staff).get(pairings_url()))
    assert "王建国" in county and "赵敏" not in county
    city = html(login(client, city_staff).get(pairings_url()))
    assert "王建国" in city and "赵敏" in city
    assert "王建国" not in html(login(client, outsider).get(pairings_url()))


def test_pairing_list_shows_term_state_last_meeting_and_overdue(client, county_staff, pairing):
    MeetingLog.objects.create(
        pairing=pairing, date=dt.date(2030, 4, 1), hours=2, form="face", topic="劳动合同",
        status=MeetingLog.Status.CONFIRMED, written_by=pairing.mentor.user,
    )  # fmt: skip
    page = html(login(client, county_staff).get(pairings_url()))
    assert "2030-01-01 — 2030-12-31" in page
    assert "进行中" in page and "高师带徒" in page
    assert "2030-04-01" in page
    assert "见面逾期" in page  # 75 days without a confirmed meeting, the policy says 30


@pytest.fixture
def pairings(mentor, county, worker):
    """The county's pairings: overdue (no meeting), on track, past end, proposed, peer."""
    fresh = PairingFactory(
        mentor=mentor, apprentice=WorkerFactory(federation=county, name="新徒弟")
    )
    MeetingLog.objects.create(
        pairing=fresh, date=dt.date(2030, 6, 1), hours=2, form="face", topic="入门",
        status=MeetingLog.Status.CONFIRMED, written_by=mentor.user,
    )  # fmt: skip
    late = PairingFactory(
        mentor=MentorFactory(federation=county, name="老导师"),
        apprentice=WorkerFactory(federation=county, name="超期徒弟"),
        start_date=dt.date(2029, 1, 1),
        end_date=dt.date(2029, 12, 31),
    )
    MeetingLog.objects.create(
        pairing=late, date=dt.date(2030, 6, 10), hours=2, form="face", topic="收尾",
        status=MeetingLog.Status.CONFIRMED, written_by=late.mentor.user,
    )  # fmt: skip
    proposed = PairingFactory(
        mentor=mentor,
        apprentice=WorkerFactory(federation=county, name="待确认徒弟"),
        status=Pairing.Status.PROPOSED,
        accepted_on=None,
    )
    peer_mentor = MentorFactory(
        federation=county, name="同伴", worker=WorkerFactory(federation=county)
    )
    peer = PairingFactory(
        mentor=peer_mentor,
        apprentice=WorkerFactory(federation=county, name="同伴徒弟"),
        kind="peer",
        start_date=dt.date(2030, 6, 1),
        end_date=dt.date(2031, 5, 31),
    )
    overdue = PairingFactory(mentor=MentorFactory(federation=county), apprentice=worker)
    return {"fresh": fresh, "late": late, "proposed": proposed, "peer": peer, "overdue": overdue}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "10"}, {"proposed"}),
        ({"kind": "peer"}, {"peer"}),
        ({"overdue": "checkin"}, {"overdue"}),
        ({"overdue": "past_end"}, {"late"}),
        ({"overdue": "any"}, {"overdue", "late"}),
    ],
)
def test_pairing_list_filters(client, county_staff, pairings, query, expected):
    response = login(client, county_staff).get(pairings_url(), query)
    shown = {p.pk for p in response.context["object_list"]}
    assert shown == {pairings[name].pk for name in expected}


def test_overdue_filter_agrees_with_the_rule(client, county_staff, pairings):
    response = login(client, county_staff).get(pairings_url())
    flagged = {p.pk for p in response.context["object_list"] if p.checkin_overdue}
    filtered = login(client, county_staff).get(pairings_url(), {"overdue": "checkin"})
    assert flagged == {p.pk for p in filtered.context["object_list"]} == {pairings["overdue"].pk}


def test_pairing_details(client, county_staff, city_staff, pairing):
    Goal.objects.create(pairing=pairing, title="熟悉劳动争议调解", target_date=dt.date(2030, 9, 1))
    MeetingLog.objects.create(
        pairing=pairing, date=dt.date(2030, 6, 1), hours=2, form="online", topic="调解案例",
        status=MeetingLog.Status.AWAITING, written_by=pairing.mentor.user,
    )  # fmt: skip
    Review.objects.create(
        pairing=pairing, stage="mid", side="apprentice", rating=5, comment="收获很大",
        author=pairing.apprentice.user,
    )  # fmt: skip
    for user in (county_staff, city_staff):
        page = html(login(client, user).get(pairings_url("inspect", pairing.pk)))
        assert "熟悉劳动争议调解" in page and "调解案例" in page and "待对方确认" in page
        assert "收获很大" in page and "未提交" in page
        assert pairings_url("complete", pairing.pk) in page
        assert pairings_url("dissolve", pairing.pk) in page


@pytest.mark.parametrize("view", ["inspect", "history", "complete", "dissolve"])
def test_another_countys_pairing_is_a_404(client, outsider, pairing, view):
    assert login(client, outsider).get(pairings_url(view, pairing.pk)).status_code == 404


@pytest.mark.parametrize("count", [1, 6])
def test_pairing_list_query_count(
    count, client, county_staff, county, mentor, django_assert_max_num_queries
):
    for _n in range(count):
        pairing = PairingFactory(
            mentor=MentorFactory(federation=county), apprentice=WorkerFactory(federation=county)
        )
        MeetingLog.objects.create(
            pairing=pairing, date=dt.date(2030, 6, 1), hours=2, form="face", topic="t",
            status=MeetingLog.Status.CONFIRMED, written_by=pairing.mentor.user,
        )  # fmt: skip
    login(client, county_staff)
    with django_assert_max_num_queries(16):
        response = client.get(pairings_url(), {"overdue": "any"})
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(pairings_url())
    assert len(response.context["object_list"]) == count


@pytest.mark.parametrize("count", [1, 6])
def test_pairing_details_query_count(
    count, client, county_staff, pairing, django_assert_max_num_queries
):
    for n in range(count):
        Goal.objects.create(pairing=pairing, title=f"目标{n}", target_date=dt.date(2030, 9, 1))
        MeetingLog.objects.create(
            pairing=pairing, date=dt.date(2030, 6, 1), hours=1, form="face", topic=f"t{n}",
            status=MeetingLog.Status.CONFIRMED, written_by=pairing.mentor.user,
        )  # fmt: skip
    login(client, county_staff)
    with django_assert_max_num_queries(16):
        response = client.get(pairings_url("inspect", pairing.pk))
    assert response.status_code == 200


# 安排结对 (propose) ----------------------------------------------------------------------------


def test_propose_starts_with_finding_the_apprentice(client, county_staff, worker, other_worker):
    login(client, county_staff)
    page = html(client.get(pairings_url("add"), {"q": "张"}))
    assert f"?apprentice={worker.pk}" in page
    page = html(client.get(pairings_url("add"), {"q": "李强"}))
    assert f"?apprentice={other_worker.pk}" not in page and "没有找到在职的工作者。" in page


def test_propose_offers_free_mentors_only(client, county_staff, county, mentor, worker):
    full = MentorFactory(federation=county, name="满额导师", load_limit=1)
    PairingFactory(mentor=full, apprentice=WorkerFactory(federation=county))
    page = html(login(client, county_staff).get(pairings_url("add"), {"apprentice": worker.pk}))
    assert "王建国（涪城区总工会，已带 0/3 名）" in page
    assert "满额导师" not in page
    assert 'value="12"' in page  # the policy's mentor_term_months


def test_propose_a_pairing(client, county_staff, mentor, worker):
    response = login(client, county_staff).post(
        pairings_url("add") + f"?apprentice={worker.pk}",
        {"apprentice": worker.pk, "mentor": mentor.pk, "kind": "apprentice",
         "start": "2030-07-01", "months": "", "note": "重点带教劳动争议"},
    )  # fmt: skip
    pairing = Pairing.objects.get()
    assert response.status_code == 302
    assert response["Location"] == pairings_url("inspect", pairing.pk)
    assert (pairing.status, pairing.term_months, pairing.end_date) == (
        Pairing.Status.PROPOSED,
        12,
        dt.date(2031, 6, 30),
    )
    assert pairing.proposed_by == county_staff


def test_propose_past_the_load_limit_shows_the_reason(client, county_staff, county, mentor, worker):
    services.update_mentor(by=county_staff, mentor=mentor, load_limit=1)
    PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county))
    before = Pairing.objects.count()
    response = login(client, county_staff).post(
        pairings_url("add"),
        {"apprentice": worker.pk, "mentor": mentor.pk, "kind": "apprentice", "start": "2030-07-01"},
    )
    assert response.status_code == 200
    assert "该导师已有 1 名徒弟（含待确认），达到上限 1 名。" in html(response)
    assert Pairing.objects.count() == before


def test_propose_for_another_countys_worker_is_a_404(client, outsider, other_mentor, worker):
    response = login(client, outsider).get(pairings_url("add"), {"apprentice": worker.pk})
    assert response.status_code == 404
    response = client.post(
        pairings_url("add"),
        {"apprentice": worker.pk, "mentor": other_mentor.pk, "kind": "apprentice",
         "start": "2030-07-01"},
    )  # fmt: skip
    assert response.status_code == 404
    assert not Pairing.objects.exists()


def test_propose_with_another_countys_mentor_is_refused(client, county_staff, other_mentor, worker):
    response = login(client, county_staff).post(
        pairings_url("add"),
        {"apprentice": worker.pk, "mentor": other_mentor.pk, "kind": "apprentice",
         "start": "2030-07-01"},
    )  # fmt: skip
    assert response.status_code == 200
    assert not Pairing.objects.exists()


# Actions: complete, dissolve, extension -------------------------------------------------------


def _final_reviews(pairing):
    for side, author in (("mentor", pairing.mentor.user), ("apprentice", pairing.apprentice.user)):
        Review.objects.create(pairing=pairing, stage="final", side=side, rating=4, author=author)


def test_complete_needs_both_final_reviews(client, county_staff, pairing):
    response = login(client, county_staff).post(pairings_url("complete", pairing.pk))
    assert response.status_code == 200
    assert "导师和徒弟都还没有提交结业评价。" in html(response)
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE


def test_complete_a_pairing(client, city_staff, pairing):
    _final_reviews(pairing)
    response = login(client, city_staff).post(pairings_url("complete", pairing.pk))
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.COMPLETED and pairing.signed_off_by == city_staff


def test_dissolve_a_pairing_with_a_reason(client, county_staff, pairing):
    login(client, county_staff)
    assert "请填写" not in html(client.get(pairings_url("dissolve", pairing.pk)))
    response = client.post(pairings_url("dissolve", pairing.pk), {"reason": ""})
    assert response.status_code == 200
    response = client.post(pairings_url("dissolve", pairing.pk), {"reason": "徒弟调岗"})
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert (pairing.status, pairing.end_reason) == (Pairing.Status.DISSOLVED, "徒弟调岗")
    # An ended pairing has no dissolve screen.
    assert client.get(pairings_url("dissolve", pairing.pk)).status_code == 404


def test_answer_an_extension(client, county_staff, pairing):
    login(client, county_staff)
    assert client.get(pairings_url("extension", pairing.pk)).status_code == 404  # none pending
    extension = services.request_extension(
        by=pairing.mentor.user, pairing=pairing, months=3, reason="目标未完成"
    )
    services.answer_extension(by=pairing.apprentice.user, extension=extension, agree=True)
    page = html(client.get(pairings_url("inspect", pairing.pk)))
    assert pairings_url("extension", pairing.pk) in page
    assert "目标未完成" in html(client.get(pairings_url("extension", pairing.pk)))
    response = client.post(pairings_url("extension", pairing.pk), {"agree": "yes"})
    assert response.status_code == 302
    extension.refresh_from_db()
    pairing.refresh_from_db()
    assert extension.status == Extension.Status.ACCEPTED
    assert pairing.end_date == dt.date(2031, 3, 31)


def test_refuse_an_extension(client, county_staff, pairing):
    extension = services.request_extension(
        by=pairing.mentor.user, pairing=pairing, months=3, reason="目标未完成"
    )
    response = login(client, county_staff).post(
        pairings_url("extension", pairing.pk), {"agree": "no"}
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.status == Extension.Status.REFUSED


# 匹配推荐 ------------------------------------------------------------------------------------


def test_match_ranks_free_mentors_with_reasons(client, county_staff, county, mentor, worker):
    full = MentorFactory(federation=county, name="满额导师", load_limit=1)
    PairingFactory(mentor=full, apprentice=WorkerFactory(federation=county))
    MentorFactory(federation=county, name="培训专家", expertise=["training"])
    response = login(client, county_staff).get(match_url(), {"apprentice": worker.pk})
    assert response.status_code == 200
    ranked = [(m.name, s.score) for s, m in response.context["suggestions"]]
    # worker hired 2024-03-01 has not met the annual hours: a 业务培训 gap
    assert ranked[0][0] == "培训专家"
    assert "满额导师" not in dict(ranked)
    page = html(response)
    assert "同一县区" in page and "专长：业务培训 匹配缺口" in page
    assert "从事工会工作 15 年" in page
    propose = f"{pairings_url('add')}?apprentice={worker.pk}&amp;mentor={mentor.pk}"
    assert propose in page


def test_match_for_another_countys_worker_is_a_404(client, outsider, worker):
    assert login(client, outsider).get(match_url(), {"apprentice": worker.pk}).status_code == 404


def test_match_search_lists_own_workers(client, city_staff, worker, other_worker):
    page = html(login(client, city_staff).get(match_url(), {"q": "李"}))
    assert f"?apprentice={other_worker.pk}" in page and "张晓梅" not in page


@pytest.mark.parametrize("count", [1, 6])
def test_match_query_count(
    count, client, county_staff, county, worker, django_assert_max_num_queries
):
    for _n in range(count):
        mentor = MentorFactory(federation=county)
        PairingFactory(mentor=mentor, apprentice=WorkerFactory(federation=county))
    login(client, county_staff)
    # 28: the gaps read the apprentice's compliance, credited mentoring hours included (2 queries).
    with django_assert_max_num_queries(28):
        response = client.get(match_url(), {"apprentice": worker.pk})
    assert len(response.context["suggestions"]) == count


# The log actions ------------------------------------------------------------------------------


def test_history_names_the_mentoring_actions(client, county_staff, pairing):
    services.dissolve_pairing(by=county_staff, pairing=pairing, reason="调岗")
    page = html(login(client, county_staff).get(pairings_url("history", pairing.pk)))
    assert "解除结对" in page


def test_staff_certify_a_completed_apprentice_pairing_once(client, mentor, worker, county_staff):
    from django.urls import reverse

    from certificates.models import Certificate
    from tests.conftest import login
    from tests.factories import PairingFactory

    pairing = PairingFactory(mentor=mentor, apprentice=worker, status=100)
    url = reverse("mentorship_pairings:certify", args=[pairing.pk])
    login(client, county_staff)
    assert client.get(url).status_code == 200
    for _ in range(2):  # a repeated submission issues nothing more
        response = client.post(url, {}, follow=True)
        assert "已颁发证书" in response.content.decode()
    certificate = Certificate.objects.get(holder=worker)
    assert certificate.subject_key == f"mentorship.pairing:{pairing.pk}"
    active = PairingFactory(mentor=mentor, apprentice=worker, kind="peer")
    assert client.get(reverse("mentorship_pairings:certify", args=[active.pk])).status_code == 404
