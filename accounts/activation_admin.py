"""The staff side of activation (账号激活): the admin screens under ``/admin/accounts/activation/``.

- ``accounts_activation:index``: the workers of the staff member's subtree with their account
  state, filtered by federation, unit, state, a search and the registration date (a whole day's
  import); staff pick some or all of them and get the activation sheet (``accounts/sheet.py``)
  as a download. The codes are in that PDF only.
- ``accounts_activation:user``: one account's link from the user admin (staff accounts: a
  superuser, or whoever holds ``auth.change_user``), shown once with its QR code and emailed
  when the account has an address.

Workers are read through ``workforce.permissions.workers_for`` (another county's worker is never
listed, and naming one is a 404); links are issued by ``accounts.services``.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.viewsets.base import ViewSet

from certificates.rendering import qr_uri
from workforce import idnumber
from workforce.forms import federation_label
from workforce.models import Posting, Worker, account_activated_q
from workforce.permissions import federations_for, staff_paths_or_404, units_for, workers_for
from workforce.viewsets import StaffMenuItem

from . import selectors, services, sheet
from .models import ActivationLink
from .permissions import accounts_for

ACTIVATION = "accounts_activation"
PER_PAGE = 100
MAX_PER_SHEET = 400  # one request renders the PDF: a larger batch is split by filtering

NONE, VALID, EXPIRED, ACTIVE, DISABLED = "none", "valid", "expired", "active", "disabled"
STATE_LABELS = {
    NONE: gettext_lazy("未激活"),
    VALID: gettext_lazy("激活链接有效"),
    EXPIRED: gettext_lazy("链接已过期"),
    ACTIVE: gettext_lazy("已激活"),
    DISABLED: gettext_lazy("账号已停用"),
}


# Reads --------------------------------------------------------------------------------------


def state_q(state: str, now: dt.datetime) -> Q:
    """Return the workers whose account is in ``state`` (one of ``STATE_LABELS``)."""
    if state == DISABLED:
        return Q(user__is_active=False)
    if state == ACTIVE:
        return Q(user__is_active=True) & account_activated_q()
    links = ActivationLink.objects.open().filter(user=OuterRef("user"))
    valid = Exists(links.filter(expires_at__gt=now))
    waiting = Q(user__is_active=True) & ~account_activated_q()
    if state == VALID:
        return waiting & Q(valid)
    if state == EXPIRED:
        return waiting & ~Q(valid) & Q(Exists(links))
    return waiting & ~Q(Exists(links))  # NONE


def with_units(workers: QuerySet) -> QuerySet:
    """Load the federation, the account and the open posting's unit (``open_postings``)."""
    return workers.select_related("federation", "user").prefetch_related(
        Prefetch(
            "postings",
            queryset=Posting.objects.open().select_related("unit").order_by("start"),
            to_attr="open_postings",
        )
    )


def unit_name(worker: Worker) -> str:
    return worker.open_postings[0].unit.name if worker.open_postings else ""


def account_state(user, link: ActivationLink | None, now: dt.datetime) -> str:
    if not user.is_active:
        return DISABLED
    if user.has_usable_password() and user.password:
        return ACTIVE
    if link is None:
        return NONE
    return VALID if link.expires_at > now else EXPIRED


# Forms --------------------------------------------------------------------------------------


class _FederationField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return federation_label(obj)


class ActivationFilter(forms.Form):
    """Which workers are listed (and issued for, with 全部筛选结果)."""

    federation = _FederationField(
        label=gettext_lazy("总工会（含下级）"), queryset=None, required=False
    )
    unit = forms.ModelChoiceField(label=gettext_lazy("定岗单位"), queryset=None, required=False)
    state = forms.ChoiceField(
        label=gettext_lazy("账号状态"),
        choices=[("", gettext_lazy("全部")), *STATE_LABELS.items()],
        required=False,
    )
    q = forms.CharField(label=gettext_lazy("搜索"), required=False, max_length=50)
    joined_from = forms.DateField(
        label=gettext_lazy("登记日期自"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    joined_to = forms.DateField(
        label=gettext_lazy("至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    worker = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = federations_for(user).order_by("path")
        self.fields["unit"].queryset = units_for(user).order_by("federation__path", "name")
        self.fields["q"].widget.attrs["placeholder"] = _("姓名、身份证号或手机号")

    def apply(self, workers: QuerySet, now: dt.datetime) -> QuerySet:
        """Return ``workers`` narrowed by the valid filters (an invalid one is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if federation := data.get("federation"):
            workers = workers.filter(federation__path__startswith=federation.path)
        if unit := data.get("unit"):
            posted = Posting.objects.open().filter(worker=OuterRef("pk"), unit=unit)
            workers = workers.filter(Exists(posted))
        if state := data.get("state"):
            workers = workers.filter(state_q(state, now))
        if text := (data.get("q") or "").strip():
            workers = workers.filter(
                Q(name__icontains=text)
                | Q(id_number=idnumber.normalize(text))
                | Q(mobile=text)
                | Q(id_number__endswith=text.upper())
            )
        if joined_from := data.get("joined_from"):
            workers = workers.filter(user__date_joined__date__gte=joined_from)
        if joined_to := data.get("joined_to"):
            workers = workers.filter(user__date_joined__date__lte=joined_to)
        if worker := data.get("worker"):
            workers = workers.filter(pk=worker)
        return workers


class SheetForm(forms.Form):
    """What to issue: the ticked workers or every one the filters list, valid for ``days``."""

    SELECTED, ALL = "selected", "all"
    scope = forms.ChoiceField(
        label=gettext_lazy("生成范围"),
        choices=[(SELECTED, gettext_lazy("勾选的工作者")), (ALL, gettext_lazy("全部筛选结果"))],
        initial=SELECTED,
        widget=forms.RadioSelect,
    )
    days = forms.IntegerField(
        label=gettext_lazy("有效天数"),
        min_value=1,
        max_value=365,
        initial=settings.ACTIVATION_LINK_DAYS,
    )


class AccountLinkForm(forms.Form):
    days = forms.IntegerField(
        label=gettext_lazy("有效天数"),
        min_value=1,
        max_value=365,
        initial=settings.ACTIVATION_LINK_DAYS,
    )


# 账号激活 The activation screen --------------------------------------------------------------


def _chosen_ids(request) -> list[int]:
    """Return the ticked worker ids of the POST; anything but ids is a 404."""
    values = request.POST.getlist("worker")
    if not all(value.isdigit() for value in values):
        raise Http404
    return sorted({int(value) for value in values})


def sheet_response(pdf: bytes) -> HttpResponse:
    """Answer the sheet as a download that no cache keeps (it holds the only copy of the codes)."""
    filename = _("账号激活单-%(date)s.pdf") % {"date": timezone.localdate().strftime("%Y%m%d")}
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def issue_sheet(request, workers: list[Worker], days: int) -> HttpResponse:
    """Issue links for ``workers`` (loaded by ``with_units``) and answer the sheet."""
    issued = services.issue_activation_links(
        by=request.user, users=[w.user for w in workers], days=days, request=request
    )
    by_user = {w.user_id: w for w in workers}
    units = {w.pk: unit_name(w) for w in workers}
    return sheet_response(sheet.sheet_pdf(sheet.slips(issued, by_user, units)))


@never_cache
def activation_view(request):
    """List the workers with their account state; POST: issue links and download the sheet."""
    staff_paths_or_404(request)
    now = timezone.now()
    filters = ActivationFilter(request.GET or None, user=request.user)
    scoped = workers_for(request.user)
    listed = filters.apply(scoped, now).order_by("federation__path", "name", "pk")
    sheet_form = SheetForm(request.POST or None)
    if request.method == "POST":
        ids = _chosen_ids(request)
        chosen = with_units(scoped.filter(pk__in=ids))
        if len(chosen) != len(ids):
            raise Http404  # another county's worker: not found, as everywhere
        if sheet_form.is_valid():
            if sheet_form.cleaned_data["scope"] == SheetForm.ALL:
                chosen = with_units(listed.filter(user__is_active=True))
            workers = sorted(chosen, key=lambda w: (w.federation.path, w.name, w.pk))
            if not workers:
                sheet_form.add_error(None, _("请至少勾选一名工作者，或选择“全部筛选结果”。"))
            elif len(workers) > MAX_PER_SHEET:
                sheet_form.add_error(
                    None,
                    _("一次最多生成 %(max)s 人的激活单（选中 %(count)s 人），请缩小筛选范围。")
                    % {"max": MAX_PER_SHEET, "count": len(workers)},
                )
            else:
                try:
                    return issue_sheet(request, workers, sheet_form.cleaned_data["days"])
                except services.AccountError as error:
                    sheet_form.add_error(None, str(error))
    paginator = WagtailPaginator(with_units(listed), PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    rows = list(page.object_list)
    links = selectors.open_links_by_user([w.user_id for w in rows])
    ticked = set(request.POST.getlist("worker"))
    entries = []
    for worker in rows:
        link = links.get(worker.user_id)
        state = account_state(worker.user, link, now)
        entries.append(
            {
                "worker": worker,
                "id_number": idnumber.mask(worker.id_number),
                "unit": unit_name(worker),
                "state": state,
                "label": STATE_LABELS[state],
                "expires_on": sheet.last_day(link.expires_at) if state == VALID else None,
                "ticked": str(worker.pk) in ticked,
                "edit_url": reverse("workforce_workers:edit", args=[worker.pk]),
            }
        )
    return TemplateResponse(
        request,
        "accounts/admin/activation_index.html",
        {
            "page_title": _("账号激活"),
            "header_icon": "key",
            "filters": filters,
            "form": sheet_form,
            "items": page,
            "elided_page_range": paginator.get_elided_page_range(page.number),
            "entries": entries,
            "total": paginator.count,
            "action_url": request.get_full_path(),
            "today_url": today_url(),
            "max_per_sheet": MAX_PER_SHEET,
        },
    )


def today_url(**extra) -> str:
    """Return the screen filtered to the workers registered today (a day's roster import)."""
    today = timezone.localdate().isoformat()
    query = {"joined_from": today, "joined_to": today, **extra}
    return f"{reverse(f'{ACTIVATION}:index')}?{urlencode(query)}"


def worker_url(worker: Worker) -> str:
    """Return the screen filtered to one worker (the button on the worker's row and page)."""
    return f"{reverse(f'{ACTIVATION}:index')}?{urlencode({'worker': worker.pk})}"


# 发放激活链接 One account from the user admin ------------------------------------------------


def manages_users(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("auth.change_user"))


@never_cache
def account_link_view(request, pk: int):
    """Issue one account's link and show it once (QR code, URL, expiry); email it if possible."""
    if not manages_users(request.user):
        raise Http404
    account = get_object_or_404(accounts_for(request.user), pk=pk)
    form = AccountLinkForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = services.issue_account_link(
                by=request.user, user=account, days=form.cleaned_data["days"], request=request
            )
        except services.AccountError as error:
            form.add_error(None, str(error))
    link = None if issued else selectors.open_links_by_user([account.pk]).get(account.pk)
    state = account_state(account, link, timezone.now())
    response = TemplateResponse(
        request,
        "accounts/admin/activation_user.html",
        {
            "page_title": _("发放激活链接"),
            "page_subtitle": account.get_username(),
            "header_icon": "key",
            "account": account,
            "form": form,
            "issued": issued,
            "qr": qr_uri(issued.url) if issued else "",
            "last_day": sheet.last_day(issued.expires_at) if issued else None,
            "state": STATE_LABELS[state],
            "open_until": sheet.last_day(link.expires_at) if state == VALID else None,
            "email": (account.email or "").strip(),
            "users_url": reverse("wagtailusers_users:index"),
        },
    )
    if issued:
        response["Cache-Control"] = "no-store"
    return response


def account_link_url(user) -> str:
    return reverse(f"{ACTIVATION}:user", args=[user.pk])


class ActivationViewSet(ViewSet):
    """账号激活: the menu item (federation staff) and the two screens."""

    name = ACTIVATION
    url_prefix = "accounts/activation"
    icon = "key"
    menu_label = gettext_lazy("账号激活")
    menu_order = 330
    menu_item_class = StaffMenuItem
    add_to_admin_menu = True

    def get_urlpatterns(self):
        return [
            path("", activation_view, name="index"),
            path("users/<int:pk>/", account_link_view, name="user"),
        ]
