"""The public training pages: catalogs with filters and search, course pages, session pages,
the worker's enrol and cancel buttons, and who may edit which course in the admin."""

import datetime as dt
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from courses import enrolment_rules, selectors
from courses.catalogs import ensure_catalogs
from courses.models import CatalogPage, CoursePage, Enrolment, Session, TrainingType
from courses.search import index_terms, query_terms
from tests.conftest import login
from tests.factories import (
    EnrolmentFactory,
    MeetingFactory,
    SessionFactory,
    UserFactory,
    WorkerFactory,
    add_meeting_days,
    make_course,
)
from workforce.permissions import STAFF_GROUP

PAST = dict(start_date=dt.date(2020, 3, 2), end_date=dt.date(2020, 3, 6))
CLOSED_WINDOW = dict(
    enrol_opens=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
    enrol_closes=dt.datetime(2020, 2, 1, tzinfo=dt.UTC),
)


@pytest.fixture(autouse=True)
def catalogs(db):
    return ensure_catalogs()


def titles(response) -> list[str]:
    """Return the course titles listed on a catalog page, in order."""
    html = response.content.decode()
    return re.findall(r'<h2><a href="[^"]*">([^<]*)</a></h2>', html)


def catalog_url(training_type=None) -> str:
    if training_type is None:
        return "/training/"
    return CatalogPage.objects.get(training_type=training_type).url


def enrol_someone(session, status=Enrolment.Status.CONFIRMED):
    """Give someone of the organizer's federation a place in ``session``."""
    worker = WorkerFactory(federation=session.organizer)
    return EnrolmentFactory(session=session, worker=worker, status=status)


# The training pages themselves -------------------------------------------------------------


def test_ensure_catalogs_builds_the_pages_once_and_grants_staff(catalogs):
    ensure_catalogs()
    catalogs_by_type = {c.training_type: c for c in CatalogPage.objects.child_of(catalogs)}
    assert set(catalogs_by_type) == set(TrainingType.values)
    assert catalogs.url == "/training/"
    group = Group.objects.get(name=STAFF_GROUP)
    granted = GroupPagePermission.objects.filter(group=group)
    assert granted.count() == 4 * 3
    assert set(granted.values_list("permission__codename", flat=True)) == {
        "add_page",
        "change_page",
        "publish_page",
    }


def test_ensure_catalogs_adds_only_what_is_missing(catalogs):
    CatalogPage.objects.get(training_type=TrainingType.ROTATION).delete()
    ensure_catalogs()
    assert CatalogPage.objects.count() == 4
    assert (
        CatalogPage.objects.get(training_type=TrainingType.ROTATION).get_parent().pk == catalogs.pk
    )


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("劳动法", "劳 动 法 劳动 动法"),
        ("工会 Law 2025", "工 会 工会 law 2025"),
        ("法", "法"),
        ("", ""),
    ],
)
def test_index_terms(text, terms):
    assert index_terms(text) == terms


@pytest.mark.parametrize(
    ("query", "terms"),
    [
        ("劳动法", "劳动 动法"),
        ("法", "法"),
        ("集体协商，Excel", "集体 体协 协商 excel"),
        ("劳动劳动", "劳动 动劳"),
        ("  ", ""),
    ],
)
def test_query_terms(query, terms):
    assert query_terms(query) == terms


# Catalog filters and search ----------------------------------------------------------------


def test_index_lists_live_courses_of_every_catalog(client, county):
    make_course(organizer=county, title="上岗必修", training_type=TrainingType.ONBOARDING)
    make_course(organizer=county, title="轮训一月", training_type=TrainingType.ROTATION)
    make_course(organizer=county, title="草稿课程", live=False)
    response = client.get(catalog_url())
    assert response.status_code == 200
    assert sorted(titles(response)) == ["上岗必修", "轮训一月"]
    assert "共 2 门课程" in response.content.decode()


def test_type_filter_on_the_index_and_catalog_pages(client, county):
    make_course(organizer=county, title="上岗必修", training_type=TrainingType.ONBOARDING)
    make_course(organizer=county, title="轮训一月", training_type=TrainingType.ROTATION)
    assert titles(client.get(catalog_url(), {"type": "rotation"})) == ["轮训一月"]
    assert titles(client.get(catalog_url(TrainingType.ONBOARDING))) == ["上岗必修"]
    # A catalog shows its own type whatever the query says.
    assert titles(client.get(catalog_url(TrainingType.ONBOARDING), {"type": "rotation"})) == [
        "上岗必修"
    ]


def test_organizer_filter_takes_the_federations_subtree(client, county, park, other_county):
    make_course(organizer=county, title="县级课程")
    make_course(organizer=park, title="园区课程")
    make_course(organizer=other_county, title="邻县课程")
    assert sorted(titles(client.get(catalog_url(), {"organizer": county.pk}))) == [
        "县级课程",
        "园区课程",
    ]
    assert titles(client.get(catalog_url(), {"organizer": other_county.pk})) == ["邻县课程"]
    # An unknown organizer is ignored rather than an error.
    assert len(titles(client.get(catalog_url(), {"organizer": 999999}))) == 3


def test_upcoming_filter_ignores_past_and_cancelled_sessions(client, county):
    upcoming = make_course(organizer=county, title="有近期班次")
    SessionFactory(course=upcoming)
    past = make_course(organizer=county, title="只有往期")
    SessionFactory(course=past, **PAST)
    cancelled = make_course(organizer=county, title="班次已取消")
    SessionFactory(course=cancelled, status=Session.Status.CANCELLED)
    make_course(organizer=county, title="没有班次")
    assert titles(client.get(catalog_url(), {"upcoming": "on"})) == ["有近期班次"]


def test_open_seats_filter(client, county):
    free = make_course(organizer=county, title="有空位")
    SessionFactory(course=free, capacity=2)
    unlimited = make_course(organizer=county, title="不限名额")
    SessionFactory(course=unlimited, capacity=None)
    full = make_course(organizer=county, title="已满")
    full_session = SessionFactory(course=full, capacity=1)
    enrol_someone(full_session)
    window = make_course(organizer=county, title="报名已截止")
    SessionFactory(course=window, **CLOSED_WINDOW)
    planned = make_course(organizer=county, title="筹备中")
    SessionFactory(course=planned, status=Session.Status.PLANNED)
    assert sorted(titles(client.get(catalog_url(), {"open": "on"}))) == ["不限名额", "有空位"]


def test_search_finds_chinese_words_inside_titles_and_summaries(client, county):
    make_course(organizer=county, title="工会法与劳动法实务")
    course = make_course(organizer=county, title="基层工会工作方法")
    course.summary = "学习集体协商和劳动争议调解"
    course.save_revision().publish()
    make_course(organizer=county, title="心理疏导")
    assert titles(client.get(catalog_url(), {"q": "劳动法"})) == ["工会法与劳动法实务"]
    assert titles(client.get(catalog_url(), {"q": "集体协商"})) == ["基层工会工作方法"]
    assert sorted(titles(client.get(catalog_url(), {"q": "工会"}))) == [
        "基层工会工作方法",
        "工会法与劳动法实务",
    ]
    response = client.get(catalog_url(), {"q": "财务审计"})
    assert titles(response) == []
    assert "没有符合条件的课程" in response.content.decode()


def test_search_combines_with_filters(client, county, other_county):
    make_course(organizer=county, title="劳动法（县）")
    make_course(organizer=other_county, title="劳动法（邻县）")
    response = client.get(catalog_url(), {"q": "劳动法", "organizer": county.pk})
    assert titles(response) == ["劳动法（县）"]


def test_catalog_lists_next_session_and_free_seats(client, course):
    SessionFactory(course=course, start_date=dt.date(2030, 5, 6), end_date=dt.date(2030, 5, 10))
    SessionFactory(course=course)  # 2030-03-04
    html = client.get(catalog_url()).content.decode()
    assert "近期 2 个班次，最早 2030-03-04 开班" in html
    assert "可报名" in html


def test_catalog_is_paginated(client, county):
    for n in range(23):
        make_course(organizer=county, title=f"课程{n:02d}")
    first = client.get(catalog_url())
    assert len(titles(first)) == 20
    second = client.get(catalog_url(), {"page": 2})
    assert len(titles(second)) == 3
    assert "第 2 / 2 页" in second.content.decode()


def _catalog_rows(county, n):
    for i in range(n):
        course = make_course(organizer=county, title=f"批量课程{i}")
        session = SessionFactory(course=course, capacity=3)
        enrol_someone(session)


def test_catalog_query_count_does_not_grow(client, county, django_assert_max_num_queries):
    _catalog_rows(county, 2)
    client.get(catalog_url(), {"upcoming": "on", "open": "on", "q": "课程"})  # warm caches
    with django_assert_max_num_queries(14):
        response = client.get(catalog_url(), {"upcoming": "on", "open": "on", "q": "课程"})
    assert len(titles(response)) == 2
    _catalog_rows(county, 18)
    with django_assert_max_num_queries(14):
        response = client.get(catalog_url(), {"upcoming": "on", "open": "on", "q": "课程"})
    assert len(titles(response)) == 20


# Course page -------------------------------------------------------------------------------


def test_course_page_lists_upcoming_sessions_with_seats_left(client, course, session):
    enrol_someone(session)
    enrol_someone(session, status=Enrolment.Status.CANCELLED)
    SessionFactory(course=course, title="往期班", **PAST)
    SessionFactory(course=course, title="已取消班", status=Session.Status.CANCELLED)
    html = client.get(course.url).content.decode()
    assert session.title in html
    assert "剩余 29 个（共 30 个）" in html
    assert "5 次课，共 15 学时" in html
    assert "往期班" not in html and "已取消班" not in html
    assert "登录后报名" in html


def test_course_page_shows_a_full_session_and_the_waitlist_button(client, course, worker):
    full = SessionFactory(course=course, capacity=1)
    enrol_someone(full)
    enrol_someone(full, status=Enrolment.Status.WAITLISTED)
    html = login(client, worker.user).get(course.url).content.decode()
    assert "已满（共 1 个）" in html
    assert "候补 1 人" in html
    assert "报名候补" in html


def session_cards(html: str) -> dict[str, str]:
    """Return each session card of a course page by its session's title."""
    cards = html.split('<li class="session-card">')[1:]
    return {re.search(r"<h3><a [^>]*>([^<]*)</a></h3>", card)[1]: card for card in cards}


def test_course_page_buttons_follow_the_enrolment_rule(client, course, worker):
    full = SessionFactory(course=course, capacity=1, title="满员班")
    enrol_someone(full)
    SessionFactory(course=course, capacity=1, title="空位班")
    past_deadline = SessionFactory(course=course, title="截止班", **CLOSED_WINDOW)
    SessionFactory(course=course, title="停报班", status=Session.Status.CLOSED)
    html = login(client, worker.user).get(course.url).content.decode()
    cards = session_cards(html)
    assert ">报名候补</button>" in cards["满员班"]
    assert ">报名</button>" in cards["空位班"]
    assert "报名已截止。" in cards["截止班"]
    assert "班次当前不接受报名。" in cards["停报班"]
    for title in ("截止班", "停报班"):
        assert "</button>" not in cards[title], title
    # The session page shows the same reason.
    html = client.get(reverse("courses:session_detail", args=[past_deadline.pk])).content.decode()
    assert "报名已截止。" in html
    assert enrol_url(past_deadline) not in html


def test_course_page_shows_the_workers_own_enrolment(client, session, worker):
    EnrolmentFactory(session=session, worker=worker)
    html = login(client, worker.user).get(session.course.url).content.decode()
    assert "已报名（名额已确认）" in html
    assert "取消报名" in html
    assert reverse("courses:enrol", args=[session.pk]) not in html


def test_staff_without_a_worker_record_see_no_enrol_button(client, session, county_staff):
    html = login(client, county_staff).get(session.course.url).content.decode()
    assert "仅社会化工会工作者可在线报名" in html


def test_course_page_query_count_does_not_grow(
    client, course, worker, django_assert_max_num_queries
):
    login(client, worker.user)

    def add_sessions(n):
        for _i in range(n):
            session = SessionFactory(course=course, capacity=5)
            add_meeting_days(session, 2)
            enrol_someone(session)
            EnrolmentFactory(session=session, worker=worker, status=Enrolment.Status.WAITLISTED)

    add_sessions(1)
    client.get(course.url)
    with django_assert_max_num_queries(20):
        assert client.get(course.url).status_code == 200
    add_sessions(9)
    with django_assert_max_num_queries(20):
        html = client.get(course.url).content.decode()
    assert html.count("候补中") == 10


# Session page ------------------------------------------------------------------------------


def test_session_page_shows_meetings_seats_and_calendar(client, session):
    session.meetings.filter(date=dt.date(2030, 3, 6)).update(cancelled=True)
    response = client.get(reverse("courses:session_detail", args=[session.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "2030-03-04" in html and "2030-03-08" in html
    assert html.count('<tr class="cancelled">') == 1  # one struck-through row
    assert "剩余 30 个" in html
    assert reverse("courses:session_ics", args=[session.pk]) in html


def test_session_of_an_unpublished_course_is_not_found(client, county):
    course = make_course(organizer=county, live=False)
    session = SessionFactory(course=course)
    assert client.get(reverse("courses:session_detail", args=[session.pk])).status_code == 404
    assert client.get(reverse("courses:session_detail", args=[999999])).status_code == 404


def test_session_page_query_count_does_not_grow(
    client, course, worker, django_assert_max_num_queries
):
    login(client, worker.user)
    session = SessionFactory(course=course, start_date=dt.date(2030, 3, 1))
    add_meeting_days(session, 3)
    url = reverse("courses:session_detail", args=[session.pk])
    client.get(url)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
    session.end_date = dt.date(2030, 3, 31)
    session.save()
    for day in range(4, 31):
        MeetingFactory(session=session, date=dt.date(2030, 3, day))
    for _i in range(20):
        enrol_someone(session)
    with django_assert_max_num_queries(10):
        html = client.get(url).content.decode()
    assert "剩余 10 个" in html


# Enrolling and cancelling ------------------------------------------------------------------


def enrol_url(session):
    return reverse("courses:enrol", args=[session.pk])


def test_worker_enrols_from_the_course_page(client, session, worker):
    login(client, worker.user)
    page = client.get(session.course.url).content.decode()
    assert enrol_url(session) in page
    assert 'name="csrfmiddlewaretoken"' in page
    back = session.course.url
    response = client.post(enrol_url(session), {"next": back}, follow=True)
    assert response.redirect_chain[-1][0] == back
    html = response.content.decode()
    assert "报名成功" in html
    assert "已报名（名额已确认）" in html
    enrolment = Enrolment.objects.get(session=session, worker=worker)
    assert enrolment.status == Enrolment.Status.CONFIRMED
    # A double submit is harmless.
    response = client.post(enrol_url(session), follow=True)
    assert "您已报名" in response.content.decode()
    assert Enrolment.objects.filter(session=session, worker=worker).count() == 1


def test_enrolling_in_a_full_session_waitlists(client, course, worker):
    session = SessionFactory(course=course, capacity=1)
    enrol_someone(session)
    response = login(client, worker.user).post(enrol_url(session), follow=True)
    assert "您已进入候补名单" in response.content.decode()
    assert Enrolment.objects.get(worker=worker).status == Enrolment.Status.WAITLISTED


def test_enrolment_refused_shows_the_reason(client, course, worker):
    session = SessionFactory(course=course, **CLOSED_WINDOW)
    response = login(client, worker.user).post(enrol_url(session), follow=True)
    assert "报名未成功：报名已截止。" in response.content.decode()
    assert not Enrolment.objects.exists()


def test_enrol_is_post_only_and_for_workers(client, session, county_staff):
    assert client.post(enrol_url(session))["Location"].startswith(reverse("login"))
    login(client, county_staff)
    assert client.get(enrol_url(session)).status_code == 405
    assert client.post(enrol_url(session)).status_code == 404  # staff are not workers
    assert not Enrolment.objects.exists()


def test_enrol_ignores_an_outside_next_url(client, session, worker):
    response = login(client, worker.user).post(
        enrol_url(session), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("courses:session_detail", args=[session.pk])


def test_worker_cancels_their_enrolment(client, course, worker):
    session = SessionFactory(course=course, capacity=1)
    mine = EnrolmentFactory(session=session, worker=worker)
    waiting = enrol_someone(session, status=Enrolment.Status.WAITLISTED)
    url = reverse("courses:cancel_enrolment", args=[mine.pk])
    response = login(client, worker.user).post(url, follow=True)
    assert "已取消" in response.content.decode()
    mine.refresh_from_db()
    waiting.refresh_from_db()
    assert mine.status == Enrolment.Status.CANCELLED
    assert waiting.status == Enrolment.Status.CONFIRMED


def test_cancel_after_the_deadline_is_refused_with_a_message(client, course, worker):
    session = SessionFactory(course=course, cancel_deadline=dt.datetime(2020, 1, 2, tzinfo=dt.UTC))
    mine = EnrolmentFactory(session=session, worker=worker)
    login(client, worker.user)
    assert "已过取消截止时间" in client.get(course.url).content.decode()
    url = reverse("courses:cancel_enrolment", args=[mine.pk])
    response = client.post(url, follow=True)
    assert "取消未成功" in response.content.decode()
    mine.refresh_from_db()
    assert mine.status == Enrolment.Status.CONFIRMED


def test_nobody_cancels_someone_elses_enrolment(client, session, worker, county_staff):
    theirs = enrol_someone(session)
    url = reverse("courses:cancel_enrolment", args=[theirs.pk])
    assert login(client, worker.user).post(url).status_code == 404
    assert login(client, county_staff).post(url).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Enrolment.Status.CONFIRMED


# Editing courses in the admin --------------------------------------------------------------


def edit_url(page):
    return reverse("wagtailadmin_pages:edit", args=[page.pk])


def test_staff_edit_their_federations_courses_only(client, county, park, other_county, outsider):
    county_staff = UserFactory(username="editor")
    from workforce.permissions import grant_federation_staff

    grant_federation_staff(county_staff, county)
    own = make_course(organizer=county)
    in_park = make_course(organizer=park)
    theirs = make_course(organizer=other_county)
    login(client, county_staff)
    assert client.get(edit_url(own)).status_code == 200
    assert client.get(edit_url(in_park)).status_code == 200
    rotation = CatalogPage.objects.get(training_type=TrainingType.ROTATION)
    refused = [
        ("get", edit_url(theirs)),
        ("post", edit_url(theirs)),
        ("get", reverse("wagtailadmin_pages:delete", args=[theirs.pk])),
        ("post", reverse("wagtailadmin_pages:delete", args=[theirs.pk])),
        ("post", reverse("wagtailadmin_pages:unpublish", args=[theirs.pk])),
        ("get", reverse("wagtailadmin_pages:copy", args=[theirs.pk])),
        ("post", reverse("wagtailadmin_pages:move_confirm", args=[theirs.pk, rotation.pk])),
    ]
    for method, url in refused:
        assert getattr(client, method)(url).status_code == 404, (method, url)
    theirs.refresh_from_db()
    assert theirs.live
    assert theirs.get_parent().specific.training_type == TrainingType.THEMATIC
    login(client, outsider)
    assert client.get(edit_url(theirs)).status_code == 200
    assert client.get(edit_url(own)).status_code == 404


def test_page_explorer_hides_other_federations_courses(client, county, other_county, county_staff):
    make_course(organizer=county, title="本县课程")
    make_course(organizer=other_county, title="邻县课程")
    catalog = CatalogPage.objects.get(training_type=TrainingType.THEMATIC)
    html = (
        login(client, county_staff)
        .get(reverse("wagtailadmin_explore", args=[catalog.pk]))
        .content.decode()
    )
    assert "本县课程" in html
    assert "邻县课程" not in html


def test_course_form_offers_the_editors_federations_and_method_checkboxes(
    county, park, other_county, county_staff
):
    catalog = CatalogPage.objects.get(training_type=TrainingType.ROTATION)
    form_class = CoursePage.get_edit_handler().get_form_class()
    form = form_class(instance=CoursePage(), parent_page=catalog, for_user=county_staff)
    assert set(form.fields["organizer"].queryset) == {county, park}
    assert form.instance.training_type == TrainingType.ROTATION
    html = str(form["methods"])
    assert 'type="checkbox"' in html and "座谈研讨" in html


def _course_post_data(organizer, **overrides):
    data = {
        "title": "新课程",
        "slug": "new-course",
        "organizer": organizer.pk,
        "credit_hours": "12",
        "audience": "全体社会化工会工作者",
        "summary": "",
        "pass_score": "",
        "description": streamfield([]),
        "comments": inline_formset([]),
        "action-publish": "publish",
    }
    data.update(overrides)
    data = nested_form_data(data)
    data["methods"] = ["online", "seminar"]
    return data


def test_staff_create_a_course_in_a_catalog(client, county, other_county, county_staff):
    catalog = CatalogPage.objects.get(training_type=TrainingType.ROTATION)
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalog.pk])
    login(client, county_staff)
    refused = client.post(url, _course_post_data(other_county))
    assert refused.status_code == 200
    assert not CoursePage.objects.exists()
    response = client.post(url, _course_post_data(county))
    assert response.status_code == 302, response.context["form"].errors
    course = CoursePage.objects.get(slug="new-course")
    assert course.live
    assert course.training_type == TrainingType.ROTATION
    assert course.methods == ["seminar", "online"]  # in the order of the choices


def test_qualification_course_needs_a_pass_score(client, county, county_staff):
    catalog = CatalogPage.objects.get(training_type=TrainingType.QUALIFICATION)
    url = reverse("wagtailadmin_pages:add", args=["courses", "coursepage", catalog.pk])
    response = login(client, county_staff).post(url, _course_post_data(county))
    assert response.status_code == 200
    assert "资格培训课程须填写合格分数" in response.content.decode()
    response = client.post(url, _course_post_data(county, pass_score="60"))
    assert response.status_code == 302


def test_a_moved_course_takes_its_new_catalogs_type(client, course, county_staff):
    rotation = CatalogPage.objects.get(training_type=TrainingType.ROTATION)
    move = reverse("wagtailadmin_pages:move_confirm", args=[course.pk, rotation.pk])
    assert login(client, county_staff).post(move).status_code == 302
    course.refresh_from_db()
    assert course.get_parent().pk == rotation.pk
    assert course.training_type == TrainingType.ROTATION


def test_another_worker_sees_seats_taken_by_others(client, course):
    session = SessionFactory(course=course, capacity=2)
    enrol_someone(session)
    other = WorkerFactory(federation=course.organizer)
    html = login(client, other.user).get(course.url).content.decode()
    assert "剩余 1 个（共 2 个）" in html


@pytest.mark.parametrize("status", [s.value for s in Session.Status])
@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2019, 12, 31, 23, 59, tzinfo=dt.UTC),
        dt.datetime(2020, 1, 1, tzinfo=dt.UTC),  # the window opens
        dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
        dt.datetime(2030, 3, 1, tzinfo=dt.UTC),  # the window closes
        dt.datetime(2030, 3, 1, 0, 1, tzinfo=dt.UTC),
    ],
)
def test_the_window_filter_agrees_with_the_rule(course, status, now):
    session = SessionFactory(course=course, status=status)
    facts = selectors.session_facts(session, seats_taken=0)
    by_rule = enrolment_rules.window(facts, now=now) is enrolment_rules.Window.OPEN
    by_filter = Session.objects.filter(selectors.enrolment_open_q(now), pk=session.pk).exists()
    assert by_filter is by_rule
