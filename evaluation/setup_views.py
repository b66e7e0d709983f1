"""Setting a cycle up: create/edit, kinds and weights, questionnaires, invitations, posters and
their printable sheets, and opening the cycle for answers (viewsets.py adds ``urlpatterns``
under ``evaluation/cycles/``).

Every screen finds its cycle through the viewset's scope (another county's cycle is a 404)
and changes it through ``evaluation.services``; the state of the cycle decides what is
offered, the services decide what is allowed.
"""

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from lms.admin.views import ScopedCreateView, ScopedEditView, ScopedMixin, changed_values
from lms.errors import DomainError

from . import notifications, printing, rules, selectors, services
from .admin_forms import (
    ConfirmForm,
    CycleCreateForm,
    CycleEditForm,
    InvitationFilterForm,
    IssueForm,
    ItemFormSet,
    KindFormSet,
    item_rows,
    item_specs,
    kind_rows,
    kind_specs,
)
from .choices import Channel, State
from .models import Cycle, Invitation, Item

CYCLE_FORM_FIELDS = ["federation", "year", "name", "opens_on", "closes_on"]
CYCLES = "evaluation_cycles"  # the viewset's name (viewsets.CYCLES), its URL namespace
INVITATIONS_PER_PAGE = 50


def cycle_url(name: str, cycle, *args) -> str:
    return reverse(f"{CYCLES}:{name}", args=[getattr(cycle, "pk", cycle), *args])


def _scope(user):
    from .viewsets import scoped_cycles  # viewsets.py imports this module

    return scoped_cycles(user)


def _policy():
    from .viewsets import PERMISSION_POLICIES

    return PERMISSION_POLICIES[Cycle]


# 新建与修改 Create and edit ------------------------------------------------------------------


class CycleCreateView(ScopedCreateView):
    """新建考核周期: ``services.create_cycle`` copies kinds, questionnaires and bands."""

    def get_form_class(self):
        return CycleCreateForm

    def save_instance(self):
        return services.create_cycle(by=self.request.user, **self.form.service_kwargs())

    def get_success_url(self):
        return cycle_url("inspect", self.object)

    def get_success_message(self, instance):
        return _("已新建考核周期“%(name)s”，覆盖 %(n)d 名社会化工会工作者。") % {
            "name": instance.name,
            "n": instance.assessments.count(),
        }

    def get_success_buttons(self):
        return []


class CycleEditView(ScopedEditView):
    """修改考核周期 through ``services.update_cycle``; fields the state freezes are read-only."""

    def get_form_class(self):
        return CycleEditForm

    def save_instance(self):
        return services.update_cycle(
            by=self.request.user,
            cycle=self.object,
            **changed_values(self.form, services.CYCLE_FIELDS),
        )

    def get_success_url(self):
        return cycle_url("inspect", self.object)

    def get_success_buttons(self):
        return []


# Screens inside a cycle -------------------------------------------------------------------


class CycleScreen(ScopedMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A screen about one cycle the user runs (``_scope``); another county's cycle is a 404."""

    model = Cycle
    permission_required = "change"
    header_icon = "form"
    scope = staticmethod(_scope)
    active_tab = ""

    @property
    def permission_policy(self):
        return _policy()

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        cycles = self.scoped_queryset().select_related("federation")
        self.cycle = get_object_or_404(cycles, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.cycle.name

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CYCLES}:index"), "label": Cycle._meta.verbose_name_plural},
            {"url": cycle_url("inspect", self.cycle), "label": self.cycle.name},
            {"url": "", "label": self.page_title, "sublabel": self.cycle.name},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            cycle=self.cycle,
            editable=self.cycle.editable,
            inspect_url=cycle_url("inspect", self.cycle),
            tabs=self.tabs(),
        )
        return context

    def tabs(self) -> list[tuple[str, str, bool]]:
        tabs = [
            ("inspect", _("概览")),
            ("kinds", _("评估主体与权重")),
            ("invitations", _("评价邀请")),
        ]
        if self.cycle.state == State.DRAFT:
            tabs.append(("collect", _("开始收集")))
        return [
            (label, cycle_url(name, self.cycle), name == self.active_tab) for name, label in tabs
        ]

    def refresh(self):
        return redirect(self.request.get_full_path())


class CycleFormScreen(CycleScreen):
    """A cycle screen with a form or formset (``get_form``, bound on POST).

    As in ``lms.admin.views.ActionFormView``, ``save(form)`` calls the service and returns the
    success message; a ``DomainError`` it raises is shown above the form, which keeps what was
    posted. Then the user goes to ``get_success_url()``, this page again by default.
    """

    def get_form(self, data=None):
        raise NotImplementedError(f"{type(self).__name__} must define get_form(data).")

    def get_context_data(self, form=None, error="", **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(form=self.get_form() if form is None else form, service_error=error)
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST)
        if form.is_valid():
            try:
                message = self.save(form)
            except DomainError as error:
                return self.render_form(form, error=str(error))
            messages.success(request, message)
            return redirect(self.get_success_url())
        return self.render_form(form)

    def save(self, form) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define save(form).")

    def get_success_url(self) -> str:
        return self.request.get_full_path()

    def render_form(self, form, **kwargs):
        return self.render_to_response(self.get_context_data(form=form, **kwargs))


def _posted_total(formset) -> int | None:
    """The sum of the weights in the rows kept, as the page shows it (None if unreadable)."""
    if not formset.is_bound:
        return sum(row["weight"] for row in formset.initial or [])
    if not formset.is_valid():
        return None
    return sum(spec.weight for spec in kind_specs(formset))


class KindsView(CycleFormScreen):
    """评估主体与权重: the cycle's kinds of evaluators, their weights, minimums and channels."""

    template_name = "evaluation/admin/cycle_kinds.html"
    page_title = gettext_lazy("评估主体与权重")
    active_tab = "kinds"

    @cached_property
    def kinds(self):
        return list(self.cycle.kinds.annotate(item_count=Count("items")))

    def get_form(self, data=None):
        return KindFormSet(data, initial=kind_rows(self.kinds), prefix="kinds")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kinds=self.kinds,
            total=_posted_total(context["form"]),
            channels=Channel,
        )
        return context

    def save(self, form) -> str:
        services.set_kinds(by=self.request.user, cycle=self.cycle, kinds=kind_specs(form))
        return _("已保存评估主体与权重。")


class ItemsView(CycleFormScreen):
    """评价问卷: one kind's satisfaction items, their weights and scales."""

    template_name = "evaluation/admin/cycle_items.html"
    page_title = gettext_lazy("评价问卷")
    active_tab = "kinds"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.kind = get_object_or_404(self.cycle.kinds.all(), pk=kwargs["kind"])

    def get_page_subtitle(self):
        return f"{self.cycle.name} · {self.kind.name}"

    @cached_property
    def items(self) -> list[Item]:
        return list(self.kind.items.all())

    def get_form(self, data=None):
        return ItemFormSet(data, initial=item_rows(self.items), prefix="items")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            kind=self.kind,
            items=self.items,
            kinds=self.cycle.kinds.all(),
            staff_scored=self.kind.channel == Channel.STAFF,
        )
        return context

    def save(self, form) -> str:
        services.set_items(by=self.request.user, kind=self.kind, items=item_specs(form))
        return _("已保存“%(kind)s”的评价问卷。") % {"kind": self.kind.name}


class CollectView(CycleFormScreen):
    """开始收集: freeze kinds and questionnaires, generate posters, open the cycle."""

    template_name = "evaluation/admin/cycle_collect.html"
    page_title = gettext_lazy("开始收集评价")
    active_tab = "collect"

    def get_form(self, data=None):
        return ConfirmForm(data)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        kinds = list(self.cycle.kinds.annotate(item_count=Count("items")))
        context.update(
            kinds=kinds,
            total=sum(kind.weight for kind in kinds),
            covered=self.cycle.assessments.count(),
            posters=sum(kind.channel == Channel.POSTER for kind in kinds),
        )
        return context

    def save(self, form) -> str:
        services.start_collecting(by=self.request.user, cycle=self.cycle)
        return _("已开始收集评价：评估主体和问卷已冻结，评价海报已生成。")

    def get_success_url(self) -> str:
        return cycle_url("inspect", self.cycle)


# 评价邀请 Invitations ------------------------------------------------------------------------

STATE_LABELS = {
    rules.TokenState.OPEN: gettext_lazy("未使用"),
    rules.TokenState.NOT_YET: gettext_lazy("未使用"),
    rules.TokenState.USED: gettext_lazy("已使用"),
    rules.TokenState.REVOKED: gettext_lazy("已作废"),
    rules.TokenState.EXPIRED: gettext_lazy("已过期"),
}


def invitation_state(invitation: Invitation, *, now) -> rules.TokenState:
    """The invitation's own state (whether the cycle is collecting aside)."""
    return rules.token_state(
        now=now,
        valid_from=invitation.valid_from,
        valid_until=invitation.valid_until,
        uses_left=invitation.uses_left,
        revoked=invitation.revoked,
        collecting=True,
    )


class InvitationsView(CycleScreen):
    """评价邀请: issue links per worker and kind, list them with their state, revoke, email.

    Counts per kind come from ``selectors.response_counts`` and never say who answered what.
    One POST handler takes the four actions: ``issue``, ``send``, ``remind`` and ``revoke``.
    """

    template_name = "evaluation/admin/cycle_invitations.html"
    page_title = gettext_lazy("评价邀请")
    active_tab = "invitations"

    def get_filter(self) -> InvitationFilterForm:
        return InvitationFilterForm(self.request.GET or None, cycle=self.cycle)

    def get_issue_form(self, data=None) -> IssueForm:
        initial = {}
        worker = self.request.GET.get("worker", "")
        if worker.isdigit():
            initial["assessment"] = int(worker)
        return IssueForm(data, cycle=self.cycle, initial=initial)

    def get_context_data(self, issue_form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        invitations = (
            Invitation.objects.filter(kind__cycle=self.cycle, source=Invitation.Source.ISSUED)
            .select_related("assessment__worker", "kind")
            .order_by("assessment__worker__name", "assessment_id", "kind__order", "pk")
        )
        filters = self.get_filter()
        if filters.is_valid():
            if filters.cleaned_data["worker"]:
                invitations = invitations.filter(assessment=filters.cleaned_data["worker"])
            if filters.cleaned_data["kind"]:
                invitations = invitations.filter(kind=filters.cleaned_data["kind"])
        page = Paginator(invitations, INVITATIONS_PER_PAGE).get_page(self.request.GET.get("p"))
        now = timezone.now()
        rows = []
        for invitation in page.object_list:
            state = invitation_state(invitation, now=now)
            rows.append(
                {
                    "invitation": invitation,
                    "state": STATE_LABELS[state],
                    "open": state in (rules.TokenState.OPEN, rules.TokenState.NOT_YET),
                    "url": notifications.survey_url(invitation),
                }
            )
        counts = selectors.response_counts(self.cycle)
        running = self.cycle.state in (State.DRAFT, State.COLLECTING)
        query = self.request.GET.copy()
        query.pop("p", None)
        context.update(
            counts=counts,
            rows=rows,
            page=page,
            query=query.urlencode(),
            filters=filters,
            issue_form=issue_form or self.get_issue_form(),
            can_issue=running and any(c["kind"].channel == Channel.INVITATION for c in counts),
            can_send=running,
            can_remind=self.cycle.state == State.COLLECTING,
            has_posters=self.cycle.state != State.DRAFT
            and any(c["kind"].channel == Channel.POSTER for c in counts),
            invitations_pdf_url=cycle_url("invitations_pdf", self.cycle),
            posters_pdf_url=cycle_url("posters_pdf", self.cycle),
        )
        return context

    def post(self, request, *args, **kwargs):
        action = request.POST.get("action", "")
        if action == "issue":
            return self.issue()
        if action in ("send", "remind"):
            done = self.call(services.send_invitations, cycle=self.cycle, remind=action == "remind")
            if done is not None:
                messages.success(request, _("已发送 %(n)d 封邮件。") % {"n": done})
        elif action == "revoke":
            self.revoke(request.POST.get("invitation", ""))
        return self.refresh()

    def call(self, service, **kwargs):
        """Run a service; show its refusal as an error message and return None."""
        try:
            return service(by=self.request.user, **kwargs)
        except DomainError as error:
            messages.error(self.request, str(error))
            return None

    def issue(self):
        form = self.get_issue_form(self.request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                issued = services.issue_invitations(
                    by=self.request.user,
                    kind=data["kind"],
                    assessment=data["assessment"],
                    contacts=data["contacts"],
                    uses=data["uses"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    self.request,
                    _("已为 %(name)s 发放 %(n)d 个“%(kind)s”评价链接。")
                    % {
                        "name": data["assessment"].worker.name,
                        "n": len(issued),
                        "kind": data["kind"].name,
                    },
                )
                url = f"{self.request.path}?worker={data['assessment'].pk}"
                return redirect(url)
        return self.render_to_response(self.get_context_data(issue_form=form))

    def revoke(self, pk: str) -> None:
        if not pk.isdigit():
            raise Http404
        invitation = get_object_or_404(
            Invitation.objects.select_related("kind__cycle__federation"),
            pk=pk,
            kind__cycle=self.cycle,
        )
        if self.call(services.revoke_invitation, invitation=invitation) is not None:
            messages.success(
                self.request,
                _("已作废发给“%(contact)s”的评价链接。") % {"contact": invitation.contact},
            )


# 打印 Printable sheets --------------------------------------------------------------------


class SheetView(ScopedMixin, PermissionCheckedMixin, View):
    """Download a printable PDF of the cycle, or of one covered worker (``?worker=<id>``)."""

    model = Cycle
    permission_required = "change"
    scope = staticmethod(_scope)
    render = None
    filename = ""

    @property
    def permission_policy(self):
        return _policy()

    def get(self, request, *args, **kwargs):
        cycle = get_object_or_404(
            self.scoped_queryset().select_related("federation"), pk=kwargs["pk"]
        )
        assessment = None
        worker = request.GET.get("worker", "")
        if worker:
            if not worker.isdigit():
                raise Http404
            assessment = get_object_or_404(cycle.assessments.all(), pk=worker)
        content = self.render(cycle, assessment)
        name = self.filename % {"name": cycle.name}
        return HttpResponse(
            content,
            content_type="application/pdf",
            headers={"Content-Disposition": content_disposition_header(True, name)},
        )


class InvitationsPdfView(SheetView):
    render = staticmethod(printing.invitations_pdf)
    filename = gettext_lazy("%(name)s评价邀请卡.pdf")


class PostersPdfView(SheetView):
    render = staticmethod(printing.posters_pdf)
    filename = gettext_lazy("%(name)s评价海报.pdf")


# 概览 The cycle's overview ------------------------------------------------------------------


def overview_context(cycle) -> dict:
    """What the cycle's overview page shows of its setup (template: includes/setup_panel.html).

    Three queries whatever the size of the cycle: kinds with their item counts, and the
    grouped answers and invitations of ``selectors.response_counts``.
    """
    counts = {row["kind"].pk: row for row in selectors.response_counts(cycle)}
    items = dict(
        Item.objects.filter(kind__cycle=cycle)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    kinds = [
        {**row, "items": items.get(pk, 0), "items_url": cycle_url("items", cycle, pk)}
        for pk, row in counts.items()
    ]
    state = cycle.state
    return {
        "setup": {
            "kinds": kinds,
            "total": sum(row["kind"].weight for row in kinds),
            "draft": state == State.DRAFT,
            "collecting": state == State.COLLECTING,
            "running": state in (State.DRAFT, State.COLLECTING),
            "edit_url": cycle_url("edit", cycle) if state <= State.COLLECTING else "",
            "kinds_url": cycle_url("kinds", cycle),
            "collect_url": cycle_url("collect", cycle) if state == State.DRAFT else "",
            "invitations_url": cycle_url("invitations", cycle),
            "invitations_pdf_url": cycle_url("invitations_pdf", cycle),
            "posters_pdf_url": cycle_url("posters_pdf", cycle) if state != State.DRAFT else "",
            "has_invitation_kinds": any(row["kind"].channel == Channel.INVITATION for row in kinds),
            "has_poster_kinds": any(row["kind"].channel == Channel.POSTER for row in kinds),
        }
    }


urlpatterns: list = [
    path("<int:pk>/kinds/", KindsView.as_view(), name="kinds"),
    path("<int:pk>/kinds/<int:kind>/items/", ItemsView.as_view(), name="items"),
    path("<int:pk>/collect/", CollectView.as_view(), name="collect"),
    path("<int:pk>/invitations/", InvitationsView.as_view(), name="invitations"),
    path("<int:pk>/invitations.pdf", InvitationsPdfView.as_view(), name="invitations_pdf"),
    path("<int:pk>/posters.pdf", PostersPdfView.as_view(), name="posters_pdf"),
]
