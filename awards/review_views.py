"""The city's side of a campaign: the review queue, putting the list on notice (公示),
objections, approval, and the quota dashboard with its exports (``VIEWSETS`` join the 评先评优
menu group in viewsets.py).

Every screen is for staff of the federation running the campaign (or above): another
federation's campaign, nomination or objection is a 404. Every change goes through
``awards.services``; a refusal is shown on the form.
"""

import datetime as dt

from django import forms
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSet

from certificates.wording import chinese_date
from lms.admin.views import ActionFormView
from lms.charts import Point, bar_chart
from lms.spreadsheets import download_response, workbook
from workforce.models import Posting, open_posting_q, subtree_q
from workforce.permissions import managed_paths, staff_paths_or_404
from workforce.viewsets import StaffMenuItem

from . import rules, selectors, services, workdays
from .choices import Bound, Category, ObjectionState, Outcome, State
from .models import Campaign, Nomination, Objection, ReviewRound

QUEUE = "awards_review"
OBJECTIONS = "awards_objections"
QUOTA = "awards_quota"
# What the city's queue lists: past the county, and the last outcomes still worth seeing.
QUEUE_STATES = (State.SUBMITTED, State.REVIEW, State.NOTICE, State.APPROVED, State.RETURNED)
PDF_TEMPLATE = "awards/admin/review_notice_pdf.html"


# Scope: what the federation running a campaign (or above) reaches ------------------------------


def run_campaigns(user):
    """Campaigns run by the user's federations or below (nobody else's: a 404)."""
    paths = managed_paths(user)
    return Campaign.objects.under(paths) if paths else Campaign.objects.none()


def reviewed_nominations(user):
    paths = managed_paths(user)
    if not paths:
        return Nomination.objects.none()
    return Nomination.objects.filter(subtree_q(paths, "campaign__federation__"))


def handled_objections(user):
    paths = managed_paths(user)
    if not paths:
        return Objection.objects.none()
    return Objection.objects.filter(subtree_q(paths, "nomination__campaign__federation__"))


def _campaign_or_404(request, pk) -> Campaign:
    staff_paths_or_404(request)
    return get_object_or_404(
        run_campaigns(request.user).select_related("award", "federation"), pk=pk
    )


def _date(day) -> str:
    return f"{day:%Y-%m-%d}" if day else "—"


def _units(worker_ids) -> dict[int, str]:
    """The unit each worker is posted to now (one query)."""
    return dict(
        Posting.objects.filter(open_posting_q(), worker_id__in=list(worker_ids)).values_list(
            "worker_id", "unit__name"
        )
    )


# Forms --------------------------------------------------------------------------------------


class ReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("审核结果"), choices=Outcome.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=gettext_lazy("审核意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    score = forms.DecimalField(
        label=gettext_lazy("评分"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        help_text=gettext_lazy("可选，0 到 100 分。"),
    )


class ConfirmForm(forms.Form):
    """Nothing to fill in: the button is the decision."""


class ApproveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("批准理由"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("名单不符合比例要求时必须填写。"),
    )


class ObjectionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=gettext_lazy("处理结果"),
        choices=[
            ("dismiss", gettext_lazy("不予采纳")),
            ("uphold", gettext_lazy("查实（撤销该人选）")),
        ],
        coerce=lambda value: value == "uphold",
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=gettext_lazy("处理意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


# 审核队列 The review queue ---------------------------------------------------------------------


class StaffPageMixin(WagtailAdminTemplateMixin):
    """Admin page furniture; anyone who manages no federation gets a 404."""

    header_icon = "pick"

    def dispatch(self, request, *args, **kwargs):
        staff_paths_or_404(request)
        return super().dispatch(request, *args, **kwargs)

    def queue_crumb(self) -> dict:
        return {"url": reverse(f"{QUEUE}:index"), "label": gettext_lazy("审核与公示")}


class QueueIndexView(StaffPageMixin, TemplateView):
    """Campaigns the user runs, with their nominations counted by state (one query)."""

    template_name = "awards/admin/review_index.html"
    page_title = gettext_lazy("审核与公示")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        def by_state(state):
            return Count("nominations", filter=Q(nominations__state=state), distinct=True)

        campaigns = (
            run_campaigns(self.request.user)
            .select_related("award", "federation")
            .annotate(
                submitted=by_state(State.SUBMITTED),
                in_review=by_state(State.REVIEW),
                on_notice=by_state(State.NOTICE),
                approved=by_state(State.APPROVED),
                open_objections=Count(
                    "nominations__objections",
                    filter=Q(nominations__objections__state=ObjectionState.OPEN),
                    distinct=True,
                ),
            )
            .order_by("-year", "award__name")
        )
        return super().get_context_data(campaigns=campaigns, **kwargs)


class CampaignQueueView(StaffPageMixin, TemplateView):
    """One campaign's list: nominations past the county, their rounds, and the next steps."""

    template_name = "awards/admin/review_queue.html"

    def get(self, request, pk):
        self.campaign = _campaign_or_404(request, pk)
        return super().get(request, pk)

    def get_page_title(self):
        return str(self.campaign)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, self.queue_crumb(), {"url": "", "label": self.campaign}]

    def get_context_data(self, **kwargs):
        campaign = self.campaign
        states = QUEUE_STATES
        chosen = self.request.GET.get("state", "")
        if chosen:
            if not chosen.isdigit() or int(chosen) not in State.values:
                raise Http404
            states = (int(chosen),)
        nominations = list(
            campaign.nominations.filter(state__in=states)
            .select_related("worker", "allocation__federation")
            .annotate(
                open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN))
            )
            .prefetch_related(
                Prefetch("reviews", queryset=ReviewRound.objects.order_by("created_at", "pk"))
            )
            .order_by("state", "allocation__federation__path", "worker__name")
        )
        rows = []
        for nomination in nominations:
            reviews = list(nomination.reviews.all())
            rows.append(
                {
                    "nomination": nomination,
                    "last": reviews[-1] if reviews else None,
                    "reviewable": nomination.state in (State.SUBMITTED, State.REVIEW),
                    "ready": nomination.state == State.REVIEW
                    and nomination.round >= campaign.review_rounds,
                }
            )
        return super().get_context_data(
            campaign=campaign,
            rows=rows,
            states=[(value, label) for value, label in State.choices if value in QUEUE_STATES],
            chosen=chosen,
            ready=sum(1 for row in rows if row["ready"]),
            **kwargs,
        )


class CampaignActionView(ActionFormView):
    """A form about one campaign the user runs (others' are a 404), saved by a service."""

    template_name = "awards/admin/review_action.html"
    header_icon = "pick"
    help_text = ""
    submit_button_label = ""

    def get_object(self):
        return _campaign_or_404(self.request, self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{QUEUE}:index"), "label": gettext_lazy("审核与公示")},
            {"url": reverse(f"{QUEUE}:campaign", args=[self.object.pk]), "label": self.object},
            {"url": "", "label": self.page_title, "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            object=self.object,
            help_text=self.help_text,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
            media=context["form"].media,
        )
        return context

    def get_success_url(self):
        return reverse(f"{QUEUE}:campaign", args=[self.object.pk])


class ReviewView(CampaignActionView):
    """审核: one round on a nomination (pass, return to the county, or reject), with a comment."""

    form_class = ReviewForm
    page_title = gettext_lazy("审核推荐")
    submit_button_label = gettext_lazy("提交审核意见")
    template_name = "awards/admin/review_nomination.html"

    def get_object(self):
        staff_paths_or_404(self.request)
        self.nomination = get_object_or_404(
            reviewed_nominations(self.request.user).select_related(
                "worker", "allocation__federation", "campaign__award", "campaign__federation"
            ),
            pk=self.kwargs["pk"],
        )
        return self.nomination.campaign

    def get_page_subtitle(self):
        return self.nomination.worker.name

    def get_context_data(self, **kwargs):
        nomination = self.nomination
        return super().get_context_data(
            nomination=nomination,
            reviews=list(nomination.reviews.select_related("reviewer")),
            reviewable=nomination.state in (State.SUBMITTED, State.REVIEW),
            **kwargs,
        )

    def save(self, form) -> str:
        entry = services.review(
            by=self.request.user,
            nomination=self.nomination,
            outcome=form.cleaned_data["outcome"],
            comment=form.cleaned_data["comment"],
            score=form.cleaned_data["score"],
        )
        return _("%(name)s：第 %(n)d 轮%(outcome)s。") % {
            "name": self.nomination.worker.name,
            "n": entry.number,
            "outcome": entry.get_outcome_display(),
        }


class NoticeView(CampaignActionView):
    """开始公示: put the nominations that passed every round on notice, for the computed window."""

    form_class = ConfirmForm
    page_title = gettext_lazy("开始公示")
    submit_button_label = gettext_lazy("确认开始公示")

    def get_context_data(self, **kwargs):
        campaign, today = self.object, timezone.localdate()
        starts, ends = rules.notice_window(today, campaign.notice_working_days, workdays.is_workday)
        ready = list(
            campaign.nominations.filter(state=State.REVIEW, round__gte=campaign.review_rounds)
            .select_related("worker", "allocation__federation")
            .order_by("allocation__federation__path", "worker__name")
        )
        return super().get_context_data(
            window=(starts, ends),
            unknown_years=workdays.unknown_years([starts, ends]),
            listed=ready,
            list_title=_("将公示的人选"),
            **kwargs,
        )

    def save(self, form) -> str:
        listed = services.start_notice(
            by=self.request.user, campaign=self.object, today=timezone.localdate()
        )
        campaign = Campaign.objects.get(pk=self.object.pk)
        return _("%(n)d 名人选开始公示，公示期 %(start)s 至 %(end)s。") % {
            "n": len(listed),
            "start": _date(campaign.notice_starts_on),
            "end": _date(campaign.notice_ends_on),
        }


def _checks(campaign: Campaign) -> list[dict]:
    labels, bounds = dict(Category.choices), dict(Bound.choices)
    return [
        {
            "label": f"{labels.get(check.category, check.category)}"
            f"{bounds.get(check.bound, check.bound)}{check.percent}%",
            "count": check.count,
            "total": check.total,
            "share": check.share,
            "passed": check.passed,
        }
        for check in selectors.constraint_checks(campaign)
    ]


class ApproveView(CampaignActionView):
    """批准表彰名单: the constraint checks with their numbers; a failing list needs a reason."""

    form_class = ApproveForm
    page_title = gettext_lazy("批准表彰名单")
    submit_button_label = gettext_lazy("批准名单")

    def get_context_data(self, **kwargs):
        campaign = self.object
        listed = list(
            campaign.nominations.filter(state=State.NOTICE)
            .select_related("worker", "allocation__federation")
            .order_by("allocation__federation__path", "worker__name")
        )
        checks = _checks(campaign)
        open_objections = Objection.objects.filter(
            nomination__campaign=campaign, state=ObjectionState.OPEN
        ).count()
        return super().get_context_data(
            checks=checks,
            failing=any(not check["passed"] for check in checks),
            open_objections=open_objections,
            listed=listed,
            list_title=_("公示中的人选"),
            **kwargs,
        )

    def save(self, form) -> str:
        approved = services.approve(
            by=self.request.user,
            campaign=self.object,
            today=timezone.localdate(),
            reason=form.cleaned_data["reason"],
        )
        return _("已批准 %(n)d 名人选，获奖记录已登记。") % {"n": len(approved)}


# 推荐名单 XLSX and the 公示 PDF --------------------------------------------------------------


def nominee_list_xlsx(request, pk):
    """Download the campaign's 推荐名单 (nominations past the county) as XLSX."""
    campaign = _campaign_or_404(request, pk)
    nominations = list(
        selectors.listed_nominations(campaign)
        .select_related("worker", "allocation__federation")
        .prefetch_related(
            Prefetch("reviews", queryset=ReviewRound.objects.order_by("created_at", "pk"))
        )
        .order_by("allocation__federation__path", "worker__name")
    )
    units = _units(n.worker_id for n in nominations)
    header = [
        _("序号"), _("姓名"), _("性别"), _("推荐单位"), _("名额类型"), _("工作单位"),
        _("类别"), _("状态"), _("已通过轮次"), _("最近评分"), _("事迹摘要"), _("推荐时间"),
    ]  # fmt: skip
    rows = []
    for number, n in enumerate(nominations, start=1):
        scores = [r.score for r in n.reviews.all() if r.score is not None]
        rows.append(
            [
                number,
                n.worker.name,
                n.worker.get_gender_display(),
                n.allocation.federation.display_name,
                n.allocation.label,
                units.get(n.worker_id, ""),
                "、".join(n.category_labels()),
                n.get_state_display(),
                n.round,
                float(scores[-1]) if scores else None,
                n.summary,
                timezone.localtime(n.submitted_at).strftime("%Y-%m-%d") if n.submitted_at else "",
            ]
        )
    title = _("推荐名单")
    content = workbook(title, header, rows, widths={"B": 12, "D": 18, "F": 24, "K": 40})
    return download_response(content, "xlsx", f"{campaign}{title}.xlsx")


def notice_pdf_html(campaign: Campaign, entries: list[dict], *, today: dt.date) -> str:
    return render_to_string(
        PDF_TEMPLATE,
        {
            "campaign": campaign,
            "entries": entries,
            "starts": chinese_date(campaign.notice_starts_on) if campaign.notice_starts_on else "",
            "ends": chinese_date(campaign.notice_ends_on) if campaign.notice_ends_on else "",
            "today": chinese_date(today),
        },
    )


def notice_pdf(request, pk):
    """Download the printable 公示 list of the nominees on notice (name, unit, categories,
    summary: never an ID number or mobile)."""
    campaign = _campaign_or_404(request, pk)
    entries = selectors.notice_list(campaign)
    if not entries:
        raise Http404
    from weasyprint import HTML  # slow to import; most requests never need it

    html = notice_pdf_html(campaign, entries, today=timezone.localdate())
    content = HTML(string=html).write_pdf()
    filename = _("%(campaign)s公示名单.pdf") % {"campaign": campaign}
    return HttpResponse(
        content,
        content_type="application/pdf",
        headers={"Content-Disposition": content_disposition_header(True, filename)},
    )


class QueueViewSet(ViewSet):
    name = QUEUE
    url_prefix = "awards/review"
    icon = "pick"
    menu_label = gettext_lazy("审核与公示")
    menu_order = 500
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", QueueIndexView.as_view(), name="index"),
            path("campaign/<int:pk>/", CampaignQueueView.as_view(), name="campaign"),
            path("nomination/<int:pk>/", ReviewView.as_view(), name="review"),
            path("campaign/<int:pk>/notice/", NoticeView.as_view(), name="notice"),
            path("campaign/<int:pk>/approve/", ApproveView.as_view(), name="approve"),
            path("campaign/<int:pk>/list.xlsx", nominee_list_xlsx, name="export"),
            path("campaign/<int:pk>/notice.pdf", notice_pdf, name="notice_pdf"),
        ]


# 异议处理 Objections -------------------------------------------------------------------------


class ObjectionIndexView(StaffPageMixin, TemplateView):
    """Objections to the user's campaigns, open ones first."""

    template_name = "awards/admin/review_objections.html"
    page_title = gettext_lazy("异议处理")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        objections = handled_objections(self.request.user).select_related(
            "nomination__worker", "nomination__campaign__award", "handled_by"
        )
        chosen = self.request.GET.get("state", "")
        if chosen:
            if not chosen.isdigit() or int(chosen) not in ObjectionState.values:
                raise Http404
            objections = objections.filter(state=int(chosen))
        return super().get_context_data(
            objections=list(objections.order_by("state", "-created_at")[:200]),
            states=ObjectionState.choices,
            chosen=chosen,
            **kwargs,
        )


class HandleObjectionView(CampaignActionView):
    """处理异议: upheld (the nomination is withdrawn, its place freed) or dismissed, answered."""

    form_class = ObjectionForm
    page_title = gettext_lazy("处理异议")
    submit_button_label = gettext_lazy("提交处理意见")
    template_name = "awards/admin/review_objection.html"

    def get_object(self):
        staff_paths_or_404(self.request)
        self.objection = get_object_or_404(
            handled_objections(self.request.user).select_related(
                "nomination__worker",
                "nomination__allocation__federation",
                "nomination__campaign__award",
                "nomination__campaign__federation",
                "handled_by",
            ),
            pk=self.kwargs["pk"],
        )
        return self.objection.nomination.campaign

    def get_page_subtitle(self):
        return self.objection.reference

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{OBJECTIONS}:index"), "label": gettext_lazy("异议处理")},
            {"url": "", "label": self.page_title, "sublabel": self.objection.reference},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(objection=self.objection, **kwargs)

    def save(self, form) -> str:
        objection = services.handle_objection(
            by=self.request.user,
            objection=self.objection,
            upheld=form.cleaned_data["upheld"],
            answer=form.cleaned_data["answer"],
        )
        return _("异议 %(reference)s 已处理：%(state)s。") % {
            "reference": objection.reference,
            "state": objection.get_state_display(),
        }

    def get_success_url(self):
        return reverse(f"{OBJECTIONS}:index")


def objection_attachment(request, pk):
    """Send an objection's attachment to staff of the campaign's federation (private file)."""
    staff_paths_or_404(request)
    objection = get_object_or_404(handled_objections(request.user), pk=pk)
    if not objection.attachment:
        raise Http404
    suffix = objection.attachment.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        objection.attachment.open("rb"),
        as_attachment=True,
        filename=f"{objection.reference}.{suffix}",
    )


class ObjectionViewSet(ViewSet):
    name = OBJECTIONS
    url_prefix = "awards/objections"
    icon = "warning"
    menu_label = gettext_lazy("异议处理")
    menu_order = 510
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [
            path("", ObjectionIndexView.as_view(), name="index"),
            path("<int:pk>/", HandleObjectionView.as_view(), name="handle"),
            path("<int:pk>/attachment/", objection_attachment, name="attachment"),
        ]


# 名额统计 The quota dashboard ------------------------------------------------------------------

CHART_SERIES = (
    ("allocated", gettext_lazy("分配名额"), "#9aa5b1"),
    ("nominated", gettext_lazy("已推荐"), "#1565c0"),
    ("approved", gettext_lazy("已批准"), "#2e7d32"),
)


def quota_chart(rows: list[selectors.QuotaRow]) -> str:
    """Return bars per county: places allocated, held by nominations and approved."""
    if not rows:
        return ""
    return bar_chart(
        _("各总工会名额使用情况条形图"),
        [row.name for row in rows],
        {
            str(label): [
                Point(getattr(row, name), title=f"{row.name} · {label}：{getattr(row, name)}")
                for row in rows
            ]
            for name, label, _colour in CHART_SERIES
        },
        colours=[colour for _name, _label, colour in CHART_SERIES],
    )


class QuotaDashboardView(StaffPageMixin, TemplateView):
    """Per county allocated / nominated / approved, the constraint checks and a chart."""

    template_name = "awards/admin/review_dashboard.html"
    page_title = gettext_lazy("名额统计")

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        campaigns = list(
            run_campaigns(self.request.user)
            .select_related("award")
            .order_by("-year", "award__name", "pk")
        )
        chosen = self.request.GET.get("campaign", "")
        campaign = campaigns[0] if campaigns else None
        if chosen:
            if not chosen.isdigit():
                raise Http404
            campaign = next((c for c in campaigns if c.pk == int(chosen)), None)
            if campaign is None:
                raise Http404
        rows, checks, total = [], [], None
        if campaign is not None:
            rows = selectors.quota_rows(
                Campaign.objects.filter(pk=campaign.pk), campaign.allocations.all()
            )
            checks = _checks(campaign)
            total = selectors.QuotaRow(
                0,
                _("合计"),
                "",
                allocated=sum(row.allocated for row in rows),
                nominated=sum(row.nominated for row in rows),
                approved=sum(row.approved for row in rows),
            )
        return super().get_context_data(
            campaigns=campaigns,
            campaign=campaign,
            rows=[(row, row.allocated - row.nominated) for row in rows],
            total=total,
            total_left=total.allocated - total.nominated if total else 0,
            checks=checks,
            chart=quota_chart(rows),
            **kwargs,
        )


class QuotaViewSet(ViewSet):
    name = QUOTA
    url_prefix = "awards/quota"
    icon = "table"
    menu_label = gettext_lazy("名额统计")
    menu_order = 520
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [path("", QuotaDashboardView.as_view(), name="index")]


VIEWSETS: tuple = (QueueViewSet, ObjectionViewSet, QuotaViewSet)
