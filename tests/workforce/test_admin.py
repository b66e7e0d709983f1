"""The back office (队伍管理 in the Wagtail admin): every screen scoped to the user's subtree."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.conftest import login
from tests.factories import PostingFactory, UnitFactory, UserFactory, WorkerFactory, make_id_number
from workforce import permissions
from workforce.models import Federation, PolicyParameters, Posting, Unit, Worker


def url(name, *args, **params):
    address = reverse(name, args=args)
    if params:
        address += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return address


def names_in_listing(client, **params):
    response = client.get(url("workforce_workers:index", **params))
    assert response.status_code == 200
    return {worker.name for worker in response.context["object_list"]}


# Who sees what ------------------------------------------------------------------------------


def test_city_staff_sees_every_worker(client, city_staff, worker, other_worker):
    login(client, city_staff)
    assert names_in_listing(client) == {worker.name, other_worker.name}


def test_county_staff_sees_their_subtree_only(client, county_staff, park, worker, other_worker):
    park_worker = WorkerFactory(federation=park, name="王园区")
    login(client, county_staff)
    assert names_in_listing(client) == {worker.name, park_worker.name}


def test_superuser_sees_every_worker(client, worker, other_worker):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    login(client, admin)
    assert names_in_listing(client) == {worker.name, other_worker.name}


def test_outsider_does_not_find_the_county_worker(client, outsider, worker, other_worker):
    login(client, outsider)
    assert names_in_listing(client) == {other_worker.name}
    assert names_in_listing(client, q=worker.name) == set()
    assert names_in_listing(client, q=worker.id_number) == set()


def test_search_finds_by_name_id_number_and_mobile(client, county_staff, worker):
    Worker.objects.filter(pk=worker.pk).update(mobile="13800001111")
    WorkerFactory(federation=worker.federation, name="其他人")
    login(client, county_staff)
    assert names_in_listing(client, q="晓梅") == {worker.name}
    assert names_in_listing(client, q=worker.id_number) == {worker.name}
    assert names_in_listing(client, q="13800001111") == {worker.name}


def test_filters_by_federation_subtree_and_status(client, city_staff, county, park, worker):
    park_worker = WorkerFactory(federation=park, name="王园区", status=Worker.Status.ACTIVE)
    WorkerFactory(
        federation=park, name="已离职", status=Worker.Status.LEFT, left_on=dt.date(2025, 1, 1)
    )
    login(client, city_staff)
    assert names_in_listing(client, federation=park.pk, status="active") == {park_worker.name}
    assert names_in_listing(client, federation=county.pk, status="active") == {
        worker.name,
        park_worker.name,
    }


def test_outsider_cannot_filter_by_a_federation_they_do_not_manage(
    client, outsider, county, worker
):
    login(client, outsider)
    response = client.get(url("workforce_workers:index", federation=county.pk))
    assert response.status_code == 200
    assert worker not in response.context["object_list"]
    form = response.context["filters"].form
    assert county not in form.fields["federation"].queryset


def test_listing_shows_masked_id_current_unit_and_mode(client, county_staff, worker, unit):
    login(client, county_staff)
    html = client.get(url("workforce_workers:index")).content.decode()
    assert worker.masked_id_number in html
    assert worker.id_number not in html
    assert unit.name in html
    assert "总工会直接聘用" in html


@pytest.mark.parametrize(
    "name, target",
    [
        ("workforce_workers:edit", "worker"),
        ("workforce_workers:inspect", "worker"),
        ("workforce_workers:history", "worker"),
        ("workforce_workers:exchange", "worker"),
        ("workforce_workers:departure", "worker"),
        ("workforce_units:edit", "unit"),
        ("workforce_units:delete", "unit"),
        ("workforce_units:history", "unit"),
        ("workforce_postings:edit", "posting"),
        ("workforce_postings:inspect", "posting"),
        ("workforce_postings:history", "posting"),
        ("workforce_federations:edit", "county"),
        ("workforce_federations:history", "county"),
        ("workforce_federations:staff", "county"),
        ("workforce_policies:edit", "policy"),
    ],
)
def test_outsider_gets_404_on_the_county_objects(client, outsider, worker, county, name, target):
    objects = {
        "worker": worker,
        "unit": worker.postings.get().unit,
        "posting": worker.postings.get(),
        "county": county,
        "policy": PolicyParameters.objects.create(federation=county, staffing_base=2500),
    }
    login(client, outsider)
    assert client.get(url(name, objects[target].pk)).status_code == 404
    assert client.post(url(name, objects[target].pk), {}).status_code == 404


def test_county_staff_cannot_reach_the_city_record(client, county_staff, city):
    login(client, county_staff)
    assert client.get(url("workforce_federations:edit", city.pk)).status_code == 404
    assert client.get(url("workforce_federations:staff", city.pk)).status_code == 404


def test_a_worker_without_staff_rights_cannot_enter(client, worker):
    login(client, worker.user)
    response = client.get(url("workforce_workers:index"))
    assert response.status_code == 302  # Wagtail sends people without admin access to login


def test_county_staff_cannot_reach_wagtails_users_and_groups(client, county_staff):
    login(client, county_staff)
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200
    menu = home.content.decode()
    assert reverse("wagtailusers_users:index") not in menu
    assert reverse("wagtailusers_groups:index") not in menu
    for name in ("wagtailusers_users:index", "wagtailusers_groups:index"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert not county_staff.has_perm("auth.change_user")


def test_nobody_may_delete_workers_postings_or_federations(client, worker, county):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    login(client, admin)
    posting = worker.postings.get()
    for name, pk in [
        ("workforce_workers:delete", worker.pk),
        ("workforce_postings:delete", posting.pk),
        ("workforce_federations:delete", county.pk),
    ]:
        response = client.post(url(name, pk))
        # Wagtail answers a permission denial by sending the user back to the dashboard.
        assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")
    assert Worker.objects.filter(pk=worker.pk).exists()
    assert Posting.objects.filter(pk=posting.pk).exists()


# Pages render -------------------------------------------------------------------------------


def test_admin_pages_render_for_county_staff(client, county_staff, county, worker, unit):
    posting = worker.postings.get()
    policy = PolicyParameters.objects.create(federation=county, staffing_base=2500)
    login(client, county_staff)
    pages = [
        url("wagtailadmin_home"),
        url("workforce_federations:index"),
        url("workforce_federations:add", parent=county.pk),
        url("workforce_federations:edit", county.pk),
        url("workforce_federations:history", county.pk),
        url("workforce_federations:staff", county.pk),
        url("workforce_units:index"),
        url("workforce_units:add"),
        url("workforce_units:edit", unit.pk),
        url("workforce_units:delete", unit.pk),
        url("workforce_workers:index"),
        url("workforce_workers:index", q="张"),
        url("workforce_workers:index", employment_mode="direct", qualification="none"),
        url("workforce_workers:add"),
        url("workforce_workers:edit", worker.pk),
        url("workforce_workers:inspect", worker.pk),
        url("workforce_workers:history", worker.pk),
        url("workforce_workers:exchange", worker.pk),
        url("workforce_workers:departure", worker.pk),
        url("workforce_postings:index"),
        url("workforce_postings:index", open="true"),
        url("workforce_postings:add", worker=worker.pk),
        url("workforce_postings:edit", posting.pk),
        url("workforce_postings:inspect", posting.pk),
        url("workforce_policies:index"),
        url("workforce_policies:add"),
        url("workforce_policies:edit", policy.pk),
    ]
    for page in pages:
        assert client.get(page).status_code == 200, page


def test_the_menu_shows_the_roster_to_staff_only(rf, county_staff, worker):
    from wagtail.admin.menu import admin_menu

    def labels(user):
        request = rf.get("/admin/")
        request.user = user
        return {str(item.label) for item in admin_menu.menu_items_for_request(request)}

    assert "队伍管理" in labels(county_staff)
    assert "队伍管理" not in labels(worker.user)


# Writes through the services ----------------------------------------------------------------


def worker_form(federation, **overrides):
    data = {
        "name": "陈新人",
        "gender": "F",
        "id_number": make_id_number(),
        "mobile": "13900002222",
        "email": "chen@example.com",
        "education": "bachelor",
        "qualification": "none",
        "employment_mode": "direct",
        "contractor": "",
        "federation": federation.pk,
        "hire_date": "2025-03-01",
        "unit": "",
    }
    data.update(overrides)
    return data


def test_creating_a_worker_creates_their_account_and_posting(client, county_staff, county, unit):
    login(client, county_staff)
    data = worker_form(county, unit=unit.pk)
    response = client.post(url("workforce_workers:add"), data)
    assert response.status_code == 302
    worker = Worker.objects.get(name="陈新人")
    assert worker.user.username == data["id_number"]
    assert worker.user.email == "chen@example.com"
    assert not worker.user.has_usable_password()
    posting = worker.postings.get()
    assert posting.unit == unit and posting.start == dt.date(2025, 3, 1) and posting.end is None


def test_creating_a_worker_in_another_county_is_refused(client, county_staff, other_county):
    login(client, county_staff)
    response = client.post(url("workforce_workers:add"), worker_form(other_county))
    assert response.status_code == 200
    assert "federation" in response.context["form"].errors
    assert not Worker.objects.filter(name="陈新人").exists()
    assert not get_user_model().objects.filter(email="chen@example.com").exists()


def test_a_purchased_service_worker_needs_a_contractor(client, county_staff, county):
    login(client, county_staff)
    response = client.post(
        url("workforce_workers:add"), worker_form(county, employment_mode="purchased")
    )
    assert response.status_code == 200
    assert "contractor" in response.context["form"].errors
    assert not Worker.objects.filter(name="陈新人").exists()


def test_editing_a_worker_goes_through_update_worker(client, county_staff, worker):
    login(client, county_staff)
    data = worker_form(worker.federation, name="张晓梅（改）", mobile="13700003333")
    response = client.post(url("workforce_workers:edit", worker.pk), data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert (worker.name, worker.mobile) == ("张晓梅（改）", "13700003333")
    assert worker.id_number != data["id_number"]  # the ID number is not edited here
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.filter(object_id=str(worker.pk), action="wagtail.edit").exists()


def test_exchange_through_the_admin_closes_the_old_posting(client, county_staff, worker, unit):
    target = UnitFactory(federation=unit.federation, name="工业园区工会")
    login(client, county_staff)
    response = client.post(
        url("workforce_workers:exchange", worker.pk),
        {"unit": target.pk, "on": "2025-06-01", "kind": "exchange"},
    )
    assert response.status_code == 302
    old, new = worker.postings.order_by("start")
    assert old.unit == unit and old.end == dt.date(2025, 5, 31)
    assert new.unit == target and new.end is None and new.kind == Posting.Kind.EXCHANGE


def test_exchange_to_another_countys_unit_is_refused(client, county_staff, worker, other_unit):
    login(client, county_staff)
    response = client.post(
        url("workforce_workers:exchange", worker.pk),
        {"unit": other_unit.pk, "on": "2025-06-01", "kind": "exchange"},
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert worker.postings.count() == 1


def test_exchange_service_error_becomes_a_form_error(client, county_staff, worker, unit):
    target = UnitFactory(federation=unit.federation, name="工业园区工会")
    login(client, county_staff)
    response = client.post(
        url("workforce_workers:exchange", worker.pk),
        {"unit": target.pk, "on": "2020-01-01", "kind": "exchange"},  # before the posting began
    )
    assert response.status_code == 200
    assert "交流日期须晚于当前定岗的开始日期" in str(response.context["form"].non_field_errors())
    assert worker.postings.count() == 1


def test_posting_a_worker_who_is_posted_asks_for_an_exchange(client, county_staff, worker, unit):
    login(client, county_staff)
    response = client.post(
        url("workforce_postings:add"),
        {"worker": worker.pk, "unit": unit.pk, "kind": "initial", "start": "2025-01-01"},
    )
    assert response.status_code == 200
    assert "请使用岗位交流" in str(response.context["form"].non_field_errors())
    assert worker.postings.count() == 1


def test_posting_an_unposted_worker(client, county_staff, county, unit):
    new = WorkerFactory(federation=county)
    login(client, county_staff)
    response = client.post(
        url("workforce_postings:add"),
        {"worker": new.pk, "unit": unit.pk, "kind": "initial", "start": "2025-01-01"},
    )
    assert response.status_code == 302
    assert new.postings.get().unit == unit


def test_ending_a_posting(client, county_staff, worker):
    posting = worker.postings.get()
    login(client, county_staff)
    response = client.post(url("workforce_postings:edit", posting.pk), {"end": "2025-05-31"})
    assert response.status_code == 302
    posting.refresh_from_db()
    assert posting.end == dt.date(2025, 5, 31)
    # An ended posting is history: its edit screen shows the record instead.
    response = client.get(url("workforce_postings:edit", posting.pk))
    assert response.status_code == 302
    assert response.url == url("workforce_postings:inspect", posting.pk)


def test_departure_through_the_admin(client, county_staff, worker):
    login(client, county_staff)
    response = client.post(
        url("workforce_workers:departure", worker.pk), {"on": "2025-09-30", "reason": "个人原因"}
    )
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.status == Worker.Status.LEFT
    assert worker.postings.get().end == dt.date(2025, 9, 30)
    assert not worker.user.is_active


def test_a_unit_with_postings_is_not_deleted(client, county_staff, worker, unit):
    login(client, county_staff)
    page = client.get(url("workforce_units:delete", unit.pk)).content.decode()
    assert "不能删除" in page
    response = client.post(url("workforce_units:delete", unit.pk), follow=True)
    assert Unit.objects.filter(pk=unit.pk).exists()
    assert "有定岗记录" in response.content.decode()


def test_a_unit_without_postings_is_deleted(client, county_staff, county):
    empty = UnitFactory(federation=county, name="空单位")
    login(client, county_staff)
    response = client.post(url("workforce_units:delete", empty.pk))
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=empty.pk).exists()


def test_creating_a_child_federation(client, county_staff, county, other_county):
    login(client, county_staff)
    data = {"parent": county.pk, "name": "涪城高新区总工会", "short_name": "", "code": "FCG"}
    response = client.post(url("workforce_federations:add"), {**data, "level": "park"})
    assert response.status_code == 302
    child = Federation.objects.get(code="FCG")
    assert child.get_parent() == county
    # Not under a federation they do not manage.
    data = {**data, "parent": other_county.pk, "name": "游仙新区总工会", "code": "YXX"}
    response = client.post(url("workforce_federations:add"), {**data, "level": "park"})
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not Federation.objects.filter(code="YXX").exists()


# Scoped choices -----------------------------------------------------------------------------


def test_form_choices_are_scoped(
    client, county_staff, county, park, other_county, worker, other_worker
):
    login(client, county_staff)
    create = client.get(url("workforce_workers:add")).context["form"]
    assert set(create.fields["federation"].queryset) == {county, park}
    assert other_county not in create.fields["unit"].queryset.values_list("federation", flat=True)

    unit_form = client.get(url("workforce_units:add")).context["form"]
    assert set(unit_form.fields["federation"].queryset) == {county, park}

    posting = client.get(url("workforce_postings:add")).context["form"]
    assert set(posting.fields["worker"].queryset) == {worker}
    assert {u.federation for u in posting.fields["unit"].queryset} <= {county, park}

    exchange = client.get(url("workforce_workers:exchange", worker.pk)).context["form"]
    assert other_worker.postings.get().unit not in exchange.fields["unit"].queryset

    parent = client.get(url("workforce_federations:add")).context["form"]
    assert set(parent.fields["parent"].queryset) == {county, park}

    policy = client.get(url("workforce_policies:add")).context["form"]
    assert set(policy.fields["federation"].queryset) == {county, park}


# Policy parameters --------------------------------------------------------------------------


def test_policy_edit_shows_the_inherited_values(client, county_staff, city, county):
    PolicyParameters.objects.create(federation=city, staffing_base=2500)
    record = PolicyParameters.objects.create(federation=county, staffing_step=4000)
    login(client, county_staff)
    form = client.get(url("workforce_policies:edit", record.pk)).context["form"]
    assert "沿用上级：2500" in str(form.fields["staffing_base"].help_text)
    assert "当前生效：2500" in str(form.fields["staffing_base"].help_text)
    assert "沿用上级：3000" in str(form.fields["staffing_step"].help_text)
    assert "当前生效：4000" in str(form.fields["staffing_step"].help_text)


def test_county_staff_set_their_own_policy(client, county_staff, county):
    login(client, county_staff)
    page = client.get(url("workforce_policies:add", federation=county.pk))
    assert "沿用上级：2000" in str(page.context["form"].fields["staffing_base"].help_text)
    response = client.post(
        url("workforce_policies:add"), {"federation": county.pk, "notice_working_days": 7}
    )
    assert response.status_code == 302
    record = county.policy
    assert record.notice_working_days == 7 and record.staffing_base is None


# Staff rights -------------------------------------------------------------------------------


def test_county_staff_grant_and_revoke_rights_on_a_descendant(client, county_staff, park, worker):
    newcomer = UserFactory(username="newcomer")
    login(client, county_staff)
    page = client.get(url("workforce_federations:staff", park.pk))
    assert page.status_code == 200
    response = client.post(url("workforce_federations:staff", park.pk), {"username": "newcomer"})
    assert response.status_code == 302
    newcomer = get_user_model().objects.get(pk=newcomer.pk)
    assert permissions.can_manage(newcomer, park)
    assert list(permissions.staff_of(park)) == [newcomer]
    assert "newcomer" in client.get(url("workforce_federations:index")).content.decode()

    response = client.post(url("workforce_federations:staff", park.pk), {"revoke": newcomer.pk})
    assert response.status_code == 302
    newcomer = get_user_model().objects.get(pk=newcomer.pk)
    assert not permissions.is_federation_staff(newcomer)


def test_granting_to_an_unknown_user_is_a_form_error(client, county_staff, county):
    login(client, county_staff)
    response = client.post(url("workforce_federations:staff", county.pk), {"username": "nobody"})
    assert response.status_code == 200
    assert "username" in response.context["form"].errors


def test_outsider_cannot_grant_rights_on_the_county(client, outsider, county):
    UserFactory(username="newcomer")
    login(client, outsider)
    response = client.post(url("workforce_federations:staff", county.pk), {"username": "newcomer"})
    assert response.status_code == 404
    assert list(permissions.staff_of(county)) == []


# Query counts -------------------------------------------------------------------------------


def _add_workers(federation, unit, count):
    for _ in range(count):
        PostingFactory(worker=WorkerFactory(federation=federation), unit=unit)


@pytest.mark.parametrize("count", [5, 50])
def test_worker_listing_query_count_does_not_grow(
    client, county_staff, county, unit, count, django_assert_max_num_queries
):
    _add_workers(county, unit, count)
    login(client, county_staff)
    with django_assert_max_num_queries(14):
        response = client.get(url("workforce_workers:index"))
    assert response.status_code == 200
    assert unit.name in response.content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_unit_listing_query_count_does_not_grow(
    client, county_staff, county, count, django_assert_max_num_queries
):
    for index in range(count):
        unit = UnitFactory(federation=county, name=f"单位{index}")
        PostingFactory(worker=WorkerFactory(federation=county), unit=unit)
    login(client, county_staff)
    with django_assert_max_num_queries(12):
        response = client.get(url("workforce_units:index"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_posting_and_federation_listings_query_count_does_not_grow(
    client, city_staff, city, county, unit, count, django_assert_max_num_queries
):
    _add_workers(county, unit, count)
    for index in range(count // 5):
        parent = Federation.objects.get(pk=county.pk)
        child = parent.add_child(name=f"园区{index}", code=f"P{index}", level="park")
        permissions.grant_federation_staff(UserFactory(), child)
    login(client, city_staff)
    with django_assert_max_num_queries(12):
        assert client.get(url("workforce_postings:index")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(url("workforce_federations:index")).status_code == 200
