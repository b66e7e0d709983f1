"""Admin screens for certificates (证书管理), each cut down to the user's federations.

Staff see the certificates issued in their subtree or held by its workers; they issue and
revoke only for federations they manage (the session's organizer issues). Every change goes
through ``certificates.services``. Registered in ``certificates/wagtail_hooks.py``.
"""

import django_filters
from django.contrib.admin.utils import quote
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View
from wagtail.admin import messages
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView, InspectView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from lms.admin.views import ActionFormView, ServiceErrorMixin, call_service
from lms.admin.viewsets import ServiceModelViewSet
from lms.errors import DomainError
from workforce import permissions
from workforce.viewsets import federation_filter

from . import permissions as scopes
from . import selectors, services, tasks
from .forms import FederationSealForm, RevokeForm
from .models import Certificate, FederationSeal
from .validity import STANDING_LABELS, Standing

CERTIFICATES = "certificates_admin"
SEALS = "certificates_seals"

PERMISSION_POLICIES = {
    Certificate: permissions.staff_policy(Certificate, {"view"}),
    FederationSeal: permissions.staff_policy(FederationSeal, {"add", "change", "delete", "view"}),
}


def _download(field_file, filename: str) -> FileResponse:
    if not field_file:
        raise Http404
    return FileResponse(field_file.open("rb"), as_attachment=True, filename=filename)


class StaffViewMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """An admin page about certificates for federation staff (the "view" permission)."""

    model = Certificate
    permission_policy = PERMISSION_POLICIES[Certificate]
    permission_required = "view"
    index_url_name = f"{CERTIFICATES}:index"
    header_icon = "doc-full"

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": Certificate._meta.verbose_name_plural},
            *self.extra_crumbs(),
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]

    def extra_crumbs(self) -> list[dict]:
        return []


# 证书 Certificate ------------------------------------------------------------------------------


def _standing(certificate: Certificate) -> Standing:
    return certificate.standing(timezone.localdate())


class CertificateFilterSet(WagtailFilterSet):
    federation = federation_filter(_("发证单位（含下级）"), "federation__")
    standing = django_filters.ChoiceFilter(
        label=_("状态"), choices=list(STANDING_LABELS.items()), method="filter_standing"
    )
    year = django_filters.NumberFilter(field_name="issued_on__year", label=_("发证年份"))

    class Meta:
        model = Certificate
        fields = ["kind", "federation", "standing", "year"]

    def filter_standing(self, queryset, name, value):
        return selectors.filter_standing(queryset, value, timezone.localdate())


class CertificateIndexView(IndexView):
    def get_base_queryset(self):
        return selectors.certificate_list(scopes.scoped_certificates(self.request.user))

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "serial", label=_("证书编号"), get_url=self.get_inspect_url
            ),
            Column("holder", label=_("持证人"), accessor="holder.name"),
            Column("kind", label=_("证书种类"), accessor="kind.name"),
            Column("course", label=_("培训课程"), accessor=_course_title),
            Column("federation", label=_("发证单位"), accessor="federation.display_name"),
            Column("issued_on", label=_("发证日期"), accessor=lambda c: f"{c.issued_on:%Y-%m-%d}"),
            StatusTagColumn(
                "standing",
                label=_("状态"),
                accessor=lambda c: _standing(c).label,
                primary=lambda c: _standing(c) == Standing.VALID,
            ),
        ]

    @cached_property
    def header_buttons(self):
        return [
            HeaderButton(
                _("按班次签发"), url=reverse(f"{CERTIFICATES}:sessions"), icon_name="doc-full"
            )
        ]


def _course_title(certificate: Certificate) -> str:
    enrolment = certificate.enrolment
    return enrolment.session.course.title if enrolment else certificate.subject


class CertificateInspectView(InspectView):
    template_name = "certificates/admin/certificate_inspect.html"
    download_url_name = None
    revoke_url_name = None
    history_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.certificate_list(
                scopes.scoped_certificates(self.request.user)
            ).select_related("issued_by", "revoked_by", "enrolment__session"),
            pk=self.pk,
        )

    def get_fields(self):
        return []

    @cached_property
    def can_revoke(self) -> bool:
        return (
            self.object.revoked_on is None
            and scopes.issued_by_user_scope(self.request.user).filter(pk=self.object.pk).exists()
        )

    @cached_property
    def header_more_buttons(self):
        return []

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        certificate = self.object
        context.update(
            certificate=certificate,
            standing_label=_standing(certificate).label,
            standing_valid=_standing(certificate) == Standing.VALID,
            download_url=reverse(self.download_url_name, args=[certificate.pk]),
            revoke_url=reverse(self.revoke_url_name, args=[certificate.pk])
            if self.can_revoke
            else None,
            history_url=reverse(self.history_url_name, args=[quote(certificate.pk)]),
            session_url=reverse(f"{CERTIFICATES}:session", args=[certificate.enrolment.session_id])
            if certificate.enrolment_id
            and scopes.sessions_for(self.request.user)
            .filter(pk=certificate.enrolment.session_id)
            .exists()
            else None,
        )
        return context


class CertificateHistoryView(HistoryView):
    any_permission_required = ["view"]  # certificates are never edited in the admin

    def get_base_object_queryset(self):
        return scopes.scoped_certificates(self.request.user)


class CertificateDownloadView(StaffViewMixin, View):
    """Send a certificate's PDF to staff (rendered now if missing or out of date)."""

    def get(self, request, pk):
        certificate = get_object_or_404(scopes.scoped_certificates(request.user), pk=pk)
        certificate = services.current_pdf(certificate)
        return _download(certificate.pdf, f"{certificate.serial}.pdf")


class CertificateRevokeView(StaffViewMixin, ActionFormView):
    """撤销证书: record the date, reason and who revoked it."""

    form_class = RevokeForm
    template_name = "certificates/admin/revoke.html"
    page_title = _("撤销证书")
    header_icon = "warning"

    def get_object(self):
        return get_object_or_404(
            scopes.issued_by_user_scope(self.request.user)
            .filter(revoked_on__isnull=True)
            .select_related("holder", "kind"),
            pk=self.kwargs["pk"],
        )

    def extra_crumbs(self):
        inspect = reverse(f"{CERTIFICATES}:inspect", args=[self.object.pk])
        return [{"url": inspect, "label": str(self.object)}]

    def get_context_data(self, **kwargs):
        return super().get_context_data(object=self.object, action_url=self.request.path, **kwargs)

    def save(self, form) -> str:
        services.revoke_certificate(
            by=self.request.user, certificate=self.object, reason=form.cleaned_data["reason"]
        )
        return _("证书 %(serial)s 已撤销。") % {"serial": self.object}

    def get_success_url(self):
        return reverse(f"{CERTIFICATES}:inspect", args=[self.object.pk])


# 按班次签发 Sessions ----------------------------------------------------------------------------


class SessionListView(StaffViewMixin, TemplateView):
    """The sessions the user's federations organized, with completed and certified counts."""

    template_name = "certificates/admin/sessions.html"
    page_title = _("按班次签发")
    per_page = 50

    def get_context_data(self, **kwargs):
        sessions = scopes.sessions_for(self.request.user)
        query = self.request.GET.get("q", "").strip()
        if query:
            sessions = sessions.filter(
                Q(title__icontains=query) | Q(course__title__icontains=query)
            )
        pending = self.request.GET.get("pending") == "1"
        sessions = selectors.sessions_with_counts(
            sessions, today=timezone.localdate(), pending_only=pending
        )
        page = Paginator(sessions, self.per_page).get_page(self.request.GET.get("p"))
        return super().get_context_data(page=page, query=query, pending=pending, **kwargs)


class SessionScopedMixin(StaffViewMixin):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.session = get_object_or_404(
            scopes.sessions_for(request.user).select_related("course", "organizer"),
            pk=kwargs["session_pk"],
        )

    def session_url(self) -> str:
        return reverse(f"{CERTIFICATES}:session", args=[self.session.pk])


class SessionCertificatesView(SessionScopedMixin, TemplateView):
    """One session's completed workers, their certificates, and the bulk-issue jobs."""

    template_name = "certificates/admin/session.html"
    page_title = _("班次证书")

    def get_page_subtitle(self):
        return str(self.session)

    def extra_crumbs(self):
        return [{"url": reverse(f"{CERTIFICATES}:sessions"), "label": _("按班次签发")}]

    def get_context_data(self, **kwargs):
        roster = selectors.session_roster(self.session)
        return super().get_context_data(
            session=self.session,
            roster=roster,
            missing=sum(1 for enrolment in roster if not enrolment.certificate_list),
            jobs=selectors.recent_jobs(self.session),
            bulk_url=reverse(f"{CERTIFICATES}:bulk_issue", args=[self.session.pk]),
            **kwargs,
        )


class IssueView(SessionScopedMixin, View):
    """Issue the certificate of one completed enrolment of the session (POST)."""

    http_method_names = ["post"]

    def post(self, request, session_pk, enrolment_pk):
        enrolment = get_object_or_404(
            selectors.issuable_enrolments(self.session).select_related("worker"), pk=enrolment_pk
        )
        done = call_service(request, services.issue_certificate, enrolment=enrolment)
        if done:
            messages.success(
                request,
                _("已为 %(worker)s 签发证书 %(serial)s。")
                % {"worker": enrolment.worker.name, "serial": done.result.serial},
            )
        return redirect(self.session_url())


class BulkIssueView(SessionScopedMixin, View):
    """Start issuing all certificates of the session in the background (POST)."""

    http_method_names = ["post"]

    def post(self, request, session_pk):
        try:
            job = tasks.bulk_issue(by=request.user, session=self.session)
        except DomainError as error:
            messages.error(request, str(error))
            return redirect(self.session_url())
        return redirect(f"{CERTIFICATES}:job", job.pk)


class JobMixin(StaffViewMixin):
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.job = get_object_or_404(
            scopes.jobs_for(request.user).select_related(
                "session__course", "session__organizer", "requested_by"
            ),
            pk=kwargs["pk"],
        )


class JobView(JobMixin, TemplateView):
    """Progress of a bulk issue; the page reloads itself until the job is done."""

    template_name = "certificates/admin/job.html"
    page_title = _("批量签发")

    def get_page_subtitle(self):
        return str(self.job.session)

    def extra_crumbs(self):
        return [
            {"url": reverse(f"{CERTIFICATES}:sessions"), "label": _("按班次签发")},
            {
                "url": reverse(f"{CERTIFICATES}:session", args=[self.job.session_id]),
                "label": str(self.job.session),
            },
        ]

    def get_context_data(self, **kwargs):
        job = self.job
        return super().get_context_data(
            job=job,
            refresh=job.is_active,
            zip_url=reverse(f"{CERTIFICATES}:job_zip", args=[job.pk]) if job.zip_file else None,
            print_url=reverse(f"{CERTIFICATES}:job_print", args=[job.pk])
            if job.print_file
            else None,
            session_url=reverse(f"{CERTIFICATES}:session", args=[job.session_id]),
            **kwargs,
        )


class JobZipView(JobMixin, View):
    def get(self, request, pk):
        return _download(self.job.zip_file, f"{self.job.session}-证书.zip")


class JobPrintView(JobMixin, View):
    def get(self, request, pk):
        return _download(self.job.print_file, f"{self.job.session}-打印.pdf")


class _InspectURLFinder(ModelAdminURLFinder):
    """Certificates have no edit screen: links from the audit log open the details."""

    edit_url_name = f"{CERTIFICATES}:inspect"


class CertificateViewSet(ServiceModelViewSet):
    model = Certificate
    name = CERTIFICATES
    url_prefix = "certificates"
    icon = "doc-full"
    menu_order = 100
    index_view_class = CertificateIndexView
    inspect_view_class = CertificateInspectView
    history_view_class = CertificateHistoryView
    inspect_view_enabled = True
    search_fields = ["serial", "holder__name"]
    filterset_class = CertificateFilterSet
    list_per_page = 50
    url_finder_class = _InspectURLFinder

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            add_url_name=None,
            edit_url_name=None,
            delete_url_name=None,
            usage_url_name=None,
            **kwargs,
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            download_url_name=self.get_url_name("download"),
            revoke_url_name=self.get_url_name("revoke"),
            **kwargs,
        )

    def get_urlpatterns(self):
        # No add, edit or delete screens: certificates change only through the services.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("history/<int:pk>/", self.history_view, name="history"),
            path("history-results/<int:pk>/", self.history_results_view, name="history_results"),
            path("download/<int:pk>/", CertificateDownloadView.as_view(), name="download"),
            path("revoke/<int:pk>/", CertificateRevokeView.as_view(), name="revoke"),
            path("sessions/", SessionListView.as_view(), name="sessions"),
            path("sessions/<int:session_pk>/", SessionCertificatesView.as_view(), name="session"),
            path(
                "sessions/<int:session_pk>/issue/<int:enrolment_pk>/",
                IssueView.as_view(),
                name="issue",
            ),
            path("sessions/<int:session_pk>/bulk/", BulkIssueView.as_view(), name="bulk_issue"),
            path("jobs/<int:pk>/", JobView.as_view(), name="job"),
            path("jobs/<int:pk>/zip/", JobZipView.as_view(), name="job_zip"),
            path("jobs/<int:pk>/print/", JobPrintView.as_view(), name="job_print"),
        ]


# 证书印章 Federation seal ----------------------------------------------------------------------


class SealIndexView(IndexView):
    def get_base_queryset(self):
        return scopes.scoped_seals(self.request.user).select_related("federation")


class SealCreateView(ServiceErrorMixin, CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.set_seal(
            by=self.request.user, federation=data["federation"], image=data["image"]
        )


class SealEditView(ServiceErrorMixin, EditView):
    def get_queryset(self):
        return scopes.scoped_seals(self.request.user)

    def save_instance(self):
        return services.set_seal(
            by=self.request.user,
            federation=self.object.federation,
            image=self.form.cleaned_data["image"],
        )


class SealDeleteView(DeleteView):
    def get_queryset(self):
        return scopes.scoped_seals(self.request.user)

    def delete_action(self):
        services.remove_seal(by=self.request.user, seal=self.object)


class FederationSealViewSet(ServiceModelViewSet):
    model = FederationSeal
    name = SEALS
    url_prefix = "certificates/seals"
    icon = "image"
    menu_order = 300
    form_fields = ["federation", "image"]
    index_view_class = SealIndexView
    add_view_class = SealCreateView
    edit_view_class = SealEditView
    delete_view_class = SealDeleteView
    list_display = [
        "federation",
        Column(
            "image", label=_("印章图片"), accessor=lambda seal: seal.image.name.rsplit("/", 1)[-1]
        ),
        Column("updated_at", label=_("更新时间"), accessor=lambda s: f"{s.updated_at:%Y-%m-%d}"),
    ]

    def get_form_class(self, for_update=False):
        return FederationSealForm

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(history_url_name=None, usage_url_name=None, **kwargs)

    def get_urlpatterns(self):
        kept = {"index", "index_results", "add", "edit", "delete"}
        return [p for p in super().get_urlpatterns() if p.name in kept]


class CertificatesViewSetGroup(ViewSetGroup):
    menu_label = _("证书管理")
    menu_icon = "doc-full"
    menu_order = 400
    items = (CertificateViewSet, FederationSealViewSet)
