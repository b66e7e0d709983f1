"""Staff screens that set a cycle up and run it until the answers are in (setup_views.py).

Creating and editing cycles, kinds and weights, questionnaires, opening the cycle, issuing,
listing, revoking and emailing invitations, and the setup panel of the overview. Each screen
for ``county_staff`` and ``outsider`` (another county's cycle is a 404), the refusals (nothing
saved, the posted values kept), and query-count bounds that do not grow with the rows.
"""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from wagtail.models import ModelLogEntry

from evaluation import services
from evaluation.choices import Channel, State
from evaluation.models import Answer, Cycle, Invitation, Item, Kind, Poster
from tests.conftest import login
from tests.evaluation.conftest import IN_WINDOW, answer, kinds_of, make_cycle
from tests.factories import PostingFactory, WorkerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock():
    with time_machine.travel(IN_WINDOW, tick=False):
        yield


def url(name, *args):
    return reverse(f"evaluation_cycles:{name}", args=args)


def html(response) -> str:
    return response.content.decode()


def kinds_body(rows, *, initial=None) -> dict:
    """A kinds formset POST: ``rows`` are (id, name, weight, min_answers, channel[, delete])."""
    body = {
        "kinds-TOTAL_FORMS": len(rows),
        "kinds-INITIAL_FORMS": len(rows) if initial is None else initial,
        "kinds-MIN_NUM_FORMS": 0,
        "kinds-MAX_NUM_FORMS": 1000,
    }
    for n, (pk, name, weight, minimum, channel, *delete) in enumerate(rows):
        body.update(
            {
                f"kinds-{n}-id": pk or "",
                f"kinds-{n}-name": name,
                f"kinds-{n}-weight": weight,
                f"kinds-{n}-min_answers": minimum,
                f"kinds-{n}-channel": channel,
            }
        )
        if delete:
            body[f"kinds-{n}-DELETE"] = "on"
    return body


def current_rows(cycle):
    return [(k.pk, k.name, k.weight, k.min_answers, k.channel) for k in cycle.kinds.all()]


def items_body(rows) -> dict:
    """An items formset POST: ``rows`` are (id, text, weight, scale[, delete])."""
    body = {
        "items-TOTAL_FORMS": len(rows),
        "items-INITIAL_FORMS": sum(1 for row in rows if row[0]),
        "items-MIN_NUM_FORMS": 0,
        "items-MAX_NUM_FORMS": 1000,
    }
    for n, (pk, text, weight, scale, *delete) in enumerate(rows):
        body.update(
            {
                f"items-{n}-id": pk or "",
                f"items-{n}-text": text,
                f"items-{n}-weight": weight,
                f"items-{n}-scale": scale,
            }
        )
        if delete:
            body[f"items-{n}-DELETE"] = "on"
    return body


def covering(county_staff, county, unit, n):
    """A 2026 cycle of the county covering ``n`` workers, each posted to ``unit``."""
    for _ in range(n):
        PostingFactory(worker=WorkerFactory(federation=county), unit=unit)
    return make_cycle(county_staff, county)


# 新建与修改 --------------------------------------------------------------------------------


def test_create_a_cycle(client, county_staff, county, worker):
    response = login(client, county_staff).post(
        url("add"),
        {
            "federation": county.pk,
            "year": 2026,
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-31",
        },
    )
    cycle = Cycle.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("inspect", cycle.pk)
    assert cycle.name == "2026年度社会化工会工作者满意度评估"  # the service's default
    assert [a.worker for a in cycle.assessments.all()] == [worker]
    assert ModelLogEntry.objects.filter(action="wagtail.create", user=county_staff).exists()


def test_create_offers_only_the_users_federations(client, outsider, county, other_county):
    page = html(login(client, outsider).get(url("add")))
    assert other_county.name in page and county.name not in page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"year": 2026}, "已有 2026 年度"),  # the service refuses a second cycle in a year
        ({"year": 2027, "closes_on": "2027-02-01"}, "截止日期不能早于开始日期"),
    ],
)
def test_create_refused_saves_nothing(client, county_staff, county, cycle, body, message):
    body = {"federation": county.pk, "opens_on": "2027-03-01", "closes_on": "2027-03-31", **body}
    response = login(client, county_staff).post(url("add"), body)
    assert response.status_code == 200
    assert message in html(response)
    assert Cycle.objects.count() == 1


def test_edit_a_draft_through_the_service(client, county_staff, cycle):
    response = login(client, county_staff).post(
        url("edit", cycle.pk),
        {
            "name": "2026年度评估",
            "opens_on": "2026-03-01",
            "closes_on": "2026-04-15",
            "label_set": "competent",
            "excellent_min": "92",
            "pass_min": "75",
            "basic_min": "60",
            "excellent_share_percent": "20",
        },
    )
    assert response.status_code == 302, html(response)
    cycle.refresh_from_db()
    assert (cycle.name, cycle.closes_on, cycle.label_set) == (
        "2026年度评估",
        dt.date(2026, 4, 15),
        "competent",
    )
    assert (cycle.excellent_min, cycle.excellent_share_percent) == (92, 20)
    assert ModelLogEntry.objects.filter(action="wagtail.edit", object_id=str(cycle.pk)).exists()


def test_edit_refused_by_the_service_saves_nothing(client, county_staff, cycle):
    response = login(client, county_staff).post(
        url("edit", cycle.pk),
        {
            "name": cycle.name,
            "opens_on": "2026-03-01",
            "closes_on": "2026-03-31",
            "label_set": "qualified",
            "excellent_min": "90",
            "pass_min": "60",
            "basic_min": "70",  # above 合格
            "excellent_share_percent": "15",
        },
    )
    assert response.status_code == 200
    assert "分数线须满足" in html(response)
    cycle.refresh_from_db()
    assert (cycle.pass_min, cycle.basic_min) == (70, 60)


def test_edit_with_dates_out_of_order_shows_the_services_words(client, county_staff, cycle):
    body = {
        "name": cycle.name,
        "opens_on": "2026-03-01",
        "closes_on": "2026-02-01",
        "label_set": "qualified",
        "excellent_min": "90",
        "pass_min": "70",
        "basic_min": "60",
        "excellent_share_percent": "15",
    }
    response = login(client, county_staff).post(url("edit", cycle.pk), body)
    assert response.status_code == 200
    assert "截止日期不能早于开始日期" in html(response)
    cycle.refresh_from_db()
    assert cycle.closes_on == dt.date(2026, 3, 31)


def test_while_collecting_only_name_and_closing_date_change(client, county_staff, collecting):
    page = html(login(client, county_staff).get(url("edit", collecting.pk)))
    assert "当前状态下不能修改" in page
    response = client.post(
        url("edit", collecting.pk),
        {
            "name": "改名",
            "opens_on": "2026-01-01",  # read-only: ignored
            "closes_on": "2026-04-10",
            "excellent_min": "50",  # read-only: ignored
        },
    )
    assert response.status_code == 302, html(response)
    collecting.refresh_from_db()
    assert (collecting.name, collecting.closes_on) == ("改名", dt.date(2026, 4, 10))
    assert (collecting.opens_on, collecting.excellent_min) == (dt.date(2026, 3, 1), 90)


def test_another_countys_cycle_is_a_404(client, outsider, cycle):
    login(client, outsider)
    for name in ("edit", "kinds", "collect", "invitations", "invitations_pdf", "posters_pdf"):
        assert client.get(url(name, cycle.pk)).status_code == 404, name
    kind = cycle.kinds.first()
    assert client.get(url("items", cycle.pk, kind.pk)).status_code == 404


# 评估主体与权重 ----------------------------------------------------------------------------


def test_kinds_screen_shows_the_rows_and_the_total(client, county_staff, cycle):
    page = html(login(client, county_staff).get(url("kinds", cycle.pk)))
    assert 'value="用人单位"' in page and 'value="服务对象"' in page
    assert "kinds-TOTAL_FORMS" in page
    assert "data-weight-total>100<" in page


def test_kinds_are_changed_added_and_deleted(client, county_staff, cycle):
    rows = current_rows(cycle)
    employer, enterprise, served = rows
    body = kinds_body(
        [
            (employer[0], "用人单位", 30, 1, Channel.INVITATION),
            (enterprise[0], "服务企业", 30, 3, Channel.INVITATION, "delete"),
            (served[0], "服务对象", 20, 12, Channel.POSTER),
            (None, "县总工会考核", 50, 1, Channel.STAFF),
            (None, "", "", 1, Channel.INVITATION),  # an empty row, left as it came
        ],
        initial=3,
    )
    response = login(client, county_staff).post(url("kinds", cycle.pk), body)
    assert response.status_code == 302, html(response)
    assert [(k.name, k.weight, k.min_answers, k.channel) for k in cycle.kinds.all()] == [
        ("用人单位", 30, 1, Channel.INVITATION),
        ("服务对象", 20, 12, Channel.POSTER),
        ("县总工会考核", 50, 1, Channel.STAFF),
    ]
    assert ModelLogEntry.objects.filter(action="evaluation.kinds").exists()


def test_weights_not_adding_up_save_nothing_and_keep_the_posted_values(client, county_staff, cycle):
    before = current_rows(cycle)
    rows = [(pk, name, 30 if n == 0 else weight, m, c) for n, (pk, name, weight, m, c) in
            enumerate(before)]  # fmt: skip
    response = login(client, county_staff).post(url("kinds", cycle.pk), kinds_body(rows))
    page = html(response)
    assert response.status_code == 200
    assert "各评估主体的权重之和须为 100，现为 90。" in page
    assert 'name="kinds-0-weight" value="30"' in page  # what was posted, not what is saved
    assert "data-weight-total>90<" in page
    assert current_rows(cycle) == before


def test_kinds_field_errors_save_nothing(client, county_staff, cycle):
    before = current_rows(cycle)
    rows = [*before[:2], (before[2][0], "", 130, 0, Channel.POSTER)]
    response = login(client, county_staff).post(url("kinds", cycle.pk), kinds_body(rows))
    assert response.status_code == 200
    assert "error-message" in html(response)
    assert current_rows(cycle) == before


def test_kinds_are_read_only_once_collecting(client, county_staff, collecting):
    page = html(login(client, county_staff).get(url("kinds", collecting.pk)))
    assert "kinds-TOTAL_FORMS" not in page and "用人单位" in page
    before = current_rows(collecting)
    rows = [(pk, name + "X", w, m, c) for pk, name, w, m, c in before]
    response = client.post(url("kinds", collecting.pk), kinds_body(rows))
    assert response.status_code == 200
    assert "不能这样做" in html(response)
    assert current_rows(collecting) == before


# 评价问卷 ----------------------------------------------------------------------------------


def test_questionnaire_is_edited_through_the_service(client, county_staff, cycle):
    kind = kinds_of(cycle)["服务企业"]
    first, second = kind.items.all()
    body = items_body(
        [
            (first.pk, "指导与帮助", 3, "points"),
            (second.pk, second.text, 1, "levels", "delete"),
            (None, "廉洁自律", 1, "levels"),
            (None, "", 1, "levels"),  # untouched extra row
        ]
    )
    response = login(client, county_staff).post(url("items", cycle.pk, kind.pk), body)
    assert response.status_code == 302, html(response)
    assert [(i.text, i.weight, i.scale) for i in kind.items.all()] == [
        ("指导与帮助", 3, "points"),
        ("廉洁自律", 1, "levels"),
    ]


def test_a_public_kind_needs_an_item(client, county_staff, cycle):
    kind = kinds_of(cycle)["服务企业"]
    body = items_body([(i.pk, i.text, i.weight, i.scale, "delete") for i in kind.items.all()])
    response = login(client, county_staff).post(url("items", cycle.pk, kind.pk), body)
    assert response.status_code == 200
    assert "问卷至少需要一个评价项目" in html(response)
    assert kind.items.count() == 2


def test_another_cycles_kind_is_a_404(client, county_staff, cycle, other_cycle):
    kind = other_cycle.kinds.first()
    response = login(client, county_staff).get(url("items", cycle.pk, kind.pk))
    assert response.status_code == 404


def test_questionnaire_is_frozen_once_collecting(client, county_staff, collecting):
    kind = kinds_of(collecting)["用人单位"]
    page = html(login(client, county_staff).get(url("items", collecting.pk, kind.pk)))
    assert "items-TOTAL_FORMS" not in page and "工作态度与纪律" in page
    before = list(Item.objects.values_list("pk", "text"))
    body = items_body([(None, "新项目", 1, "levels")])
    assert client.post(url("items", collecting.pk, kind.pk), body).status_code == 200
    assert list(Item.objects.values_list("pk", "text")) == before


# 开始收集 ----------------------------------------------------------------------------------


def test_start_collecting(client, county_staff, cycle, assessment):
    page = html(login(client, county_staff).get(url("collect", cycle.pk)))
    assert "确认开始收集" in page and "覆盖 1 名" in page
    response = client.post(url("collect", cycle.pk))
    assert response.status_code == 302
    assert response["Location"] == url("inspect", cycle.pk)
    cycle.refresh_from_db()
    assert cycle.state == State.COLLECTING
    assert Poster.objects.get().assessment == assessment


def test_start_collecting_refused_shows_why(client, county_staff, cycle):
    Kind.objects.filter(pk=kinds_of(cycle)["服务对象"].pk).update(weight=20)
    response = login(client, county_staff).post(url("collect", cycle.pk))
    assert response.status_code == 200
    assert "权重之和须为 100，现为 90" in html(response)
    cycle.refresh_from_db()
    assert cycle.state == State.DRAFT and not Poster.objects.exists()


# 评价邀请 ----------------------------------------------------------------------------------


def issue(client, cycle, assessment, kind, contacts, uses=1):
    return client.post(
        url("invitations", cycle.pk),
        {
            "action": "issue",
            "assessment": assessment.pk,
            "kind": kind.pk,
            "contacts": contacts,
            "uses": uses,
        },
    )


def test_issue_invitations(client, county_staff, collecting, assessment):
    kind = kinds_of(collecting)["服务企业"]
    login(client, county_staff)
    contacts = "甲公司工会,jia@example.com\n\n乙公司工会，yi@example.com\n丙公司工会"
    response = issue(client, collecting, assessment, kind, contacts, uses=2)
    assert response.status_code == 302, html(response)
    assert response["Location"].endswith(f"?worker={assessment.pk}")
    assert sorted(Invitation.objects.values_list("contact", "email", "uses_left")) == [
        ("丙公司工会", "", 2),
        ("乙公司工会", "yi@example.com", 2),
        ("甲公司工会", "jia@example.com", 2),
    ]


@pytest.mark.parametrize(
    ("contacts", "message"),
    [
        ("甲公司工会,not-an-email", "第 1 行的电子邮箱无效。"),
        ("甲公司工会\n,x@example.com", "第 2 行缺少名称。"),
        ("\n \n", "必需字段"),
    ],
)
def test_issue_with_bad_contacts_saves_nothing(
    client, county_staff, collecting, assessment, contacts, message
):
    kind = kinds_of(collecting)["服务企业"]
    response = issue(login(client, county_staff), collecting, assessment, kind, contacts)
    assert response.status_code == 200
    assert message in html(response)
    assert 'name="contacts"' in html(response)
    assert not Invitation.objects.exists()


def test_a_poster_kind_takes_no_issued_invitations(client, county_staff, collecting, assessment):
    kind = kinds_of(collecting)["服务对象"]
    response = issue(login(client, county_staff), collecting, assessment, kind, "某人")
    assert response.status_code == 200  # not among the choices
    assert not Invitation.objects.exists()


def test_another_cycles_worker_cannot_be_chosen(
    client, county_staff, collecting, other_cycle, other_worker
):
    kind = kinds_of(collecting)["用人单位"]
    foreign = other_cycle.assessments.get()
    response = issue(login(client, county_staff), collecting, foreign, kind, "某单位")
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_invitation_list_shows_states_and_links_never_answers(
    client, county_staff, collecting, assessment, clock
):
    kinds = kinds_of(collecting)
    fresh, used, revoked, expired = services.issue_invitations(
        by=county_staff,
        kind=kinds["服务企业"],
        assessment=assessment,
        contacts=[("未用公司", ""), ("已用公司", ""), ("作废公司", ""), ("过期公司", "")],
    )
    Invitation.objects.filter(pk=used.pk).update(uses_left=0)
    Invitation.objects.filter(pk=revoked.pk).update(revoked=True)
    Invitation.objects.filter(pk=expired.pk).update(valid_until=IN_WINDOW - dt.timedelta(hours=1))
    answer(assessment, kinds["服务企业"], 88)
    Answer.objects.update(comment="服务很到位")
    page = html(login(client, county_staff).get(url("invitations", collecting.pk)))
    rows = {
        name: page[page.index(name) : page.index("</tr>", page.index(name))]
        for name in ("未用公司", "已用公司", "作废公司", "过期公司")
    }
    assert "未使用" in rows["未用公司"] and fresh.token in rows["未用公司"]
    assert "作废" in rows["未用公司"]  # the revoke button
    assert "已使用" in rows["已用公司"] and used.token not in page
    assert "已作废" in rows["作废公司"] and revoked.token not in page
    assert "已过期" in rows["过期公司"]
    assert "服务很到位" not in page  # counts only, never an answer


def test_revoke_an_invitation(client, county_staff, collecting, assessment):
    invitation, *_ = services.issue_invitations(
        by=county_staff,
        kind=kinds_of(collecting)["用人单位"],
        assessment=assessment,
        contacts=[("某单位", "")],
    )
    response = login(client, county_staff).post(
        url("invitations", collecting.pk), {"action": "revoke", "invitation": invitation.pk}
    )
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked


def test_revoke_another_cycles_invitation_is_a_404(
    client, county_staff, outsider, collecting, other_cycle
):
    foreign, *_ = services.issue_invitations(
        by=outsider,
        kind=kinds_of(other_cycle)["用人单位"],
        assessment=other_cycle.assessments.get(),
        contacts=[("某单位", "")],
    )
    response = login(client, county_staff).post(
        url("invitations", collecting.pk), {"action": "revoke", "invitation": foreign.pk}
    )
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert not foreign.revoked


def test_send_invitations_and_reminders(client, county_staff, collecting, assessment, mailoutbox):
    services.issue_invitations(
        by=county_staff,
        kind=kinds_of(collecting)["服务企业"],
        assessment=assessment,
        contacts=[("甲公司", "jia@example.com"), ("乙公司", "")],
    )
    login(client, county_staff)
    response = client.post(url("invitations", collecting.pk), {"action": "send"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["jia@example.com"]]
    client.post(url("invitations", collecting.pk), {"action": "remind"})
    assert len(mailoutbox) == 2 and "提醒" in mailoutbox[1].subject
    assert Invitation.objects.get(contact="甲公司").reminders == 1


def test_reminders_wait_for_collecting(client, county_staff, cycle, assessment, mailoutbox):
    services.issue_invitations(
        by=county_staff,
        kind=kinds_of(cycle)["用人单位"],
        assessment=assessment,
        contacts=[("甲单位", "jia@example.com")],
    )
    login(client, county_staff)
    assert 'value="remind"' not in html(client.get(url("invitations", cycle.pk)))
    response = client.post(url("invitations", cycle.pk), {"action": "remind"}, follow=True)
    assert "不能这样做" in html(response)
    assert not mailoutbox


def test_invitations_are_filtered_by_worker_and_paginated(
    client, county_staff, county, unit, worker
):
    cycle = covering(county_staff, county, unit, 1)
    first, second = cycle.assessments.order_by("pk")
    kind = kinds_of(cycle)["服务企业"]
    contacts = [(f"公司{n:02d}", "") for n in range(55)]
    services.issue_invitations(by=county_staff, kind=kind, assessment=first, contacts=contacts)
    services.issue_invitations(
        by=county_staff, kind=kind, assessment=second, contacts=[("另一人的公司", "")]
    )
    login(client, county_staff)
    page = html(client.get(url("invitations", cycle.pk), {"worker": second.pk}))
    assert "另一人的公司" in page and "公司00" not in page
    page = html(client.get(url("invitations", cycle.pk), {"worker": first.pk}))
    assert "第 1 / 2 页" in page and "另一人的公司" not in page


# 概览 --------------------------------------------------------------------------------------


def test_overview_panel_follows_the_state(client, county_staff, cycle, assessment):
    page = html(login(client, county_staff).get(url("inspect", cycle.pk)))
    panel = page[page.index("data-setup-panel") :]
    assert "用人单位" in panel and "3 项" in panel and "100 / 100" in panel
    assert url("collect", cycle.pk) in panel and url("kinds", cycle.pk) in panel
    assert url("posters_pdf", cycle.pk) not in panel
    services.start_collecting(by=county_staff, cycle=cycle)
    services.issue_invitations(
        by=county_staff,
        kind=kinds_of(cycle)["服务企业"],
        assessment=assessment,
        contacts=[("甲公司", ""), ("乙公司", "")],
    )
    page = html(client.get(url("inspect", cycle.pk)))
    panel = page[page.index("data-setup-panel") :]
    assert url("collect", cycle.pk) not in panel
    assert url("posters_pdf", cycle.pk) in panel and url("invitations", cycle.pk) in panel
    assert "<td>2</td>" in panel  # two invitations issued for 服务企业


# Query bounds -------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 6])
def test_setup_pages_query_bounds(
    client, county_staff, county, unit, n, django_assert_max_num_queries, clock
):
    cycle = covering(county_staff, county, unit, n)
    kind = kinds_of(cycle)["服务企业"]
    for assessment in cycle.assessments.all():
        services.issue_invitations(
            by=county_staff, kind=kind, assessment=assessment, contacts=[("甲", ""), ("乙", "")]
        )
        answer(assessment, kind, 90, n=2)
    login(client, county_staff)
    for name, args, bound in [
        ("inspect", [], 16),  # the setup panel's share: 4 (scoring_views adds its own)
        ("edit", [], 11),
        ("kinds", [], 11),
        ("items", [kind.pk], 13),
        ("collect", [], 12),
        ("invitations", [], 19),
    ]:
        with django_assert_max_num_queries(bound):
            assert client.get(url(name, cycle.pk, *args)).status_code == 200, name
