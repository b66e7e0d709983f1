"""Staff screens for running training (培训管理): sessions, meetings, roster, attendance.

Every screen sees only the sessions organised in the user's federations (the viewset's
``scope``, ``courses.permissions.sessions_for``), so another federation's session is a 404. Every
change goes through ``courses.services``. Registered in ``courses/wagtail_hooks.py``.
"""

from decimal import Decimal

import django_filters
from django.contrib.admin.utils import quote
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.widgets.button import Button

from lms.admin.permissions import StaffPermissionPolicy
from lms.admin.views import (
    ScopedCreateView,
    ScopedEditView,
    ScopedIndexView,
    ScopedMixin,
    call_service,
)
from lms.admin.viewsets import ScopedModelViewSet
from lms.errors import DomainError
from lms.spreadsheets import FORMATS, check_format, download_response
from workforce import permissions
from workforce.models import Worker
from workforce.roster_import import SpreadsheetError
from workforce.selectors import policy_for

from . import attendance_import, selectors, services
from .completion import attended_percent, needs_score
from .forms import (
    AttendanceForm,
    AttendanceUploadForm,
    BulkEnrolForm,
    CancelSessionForm,
    MeetingsForm,
    ScoresForm,
    SessionForm,
    WorkerSearchForm,
)
from .models import Enrolment, Meeting, Session, TrainingType
from .permissions import sessions_for

SESSIONS = "courses_sessions"
CANDIDATES_SHOWN = 50


def session_url(name: str, session_or_pk) -> str:
    pk = getattr(session_or_pk, "pk", session_or_pk)
    return reverse(f"{SESSIONS}:{name}", args=[quote(pk)])


PERMISSION_POLICY = StaffPermissionPolicy(
    # Federation staff (and superusers) add, change and view sessions; nobody deletes one.
    Session,
    {"add", "change", "view"},
    is_staff=permissions.is_federation_staff,
)


# The session list, create and edit -----------------------------------------------------------


class SessionFilterSet(WagtailFilterSet):
    organizer = django_filters.ModelChoiceFilter(
        label=gettext_lazy("承办单位（含下级）"),
        queryset=lambda request: permissions.federations_for(request.user),
        method="filter_organizer",
    )
    training_type = django_filters.ChoiceFilter(
        label=gettext_lazy("培训类型"),
        field_name="course__training_type",
        choices=TrainingType.choices,
    )
    start_date = django_filters.DateFromToRangeFilter(
        label=gettext_lazy("开始日期"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Session
        fields = ["status", "organizer", "training_type", "start_date"]

    def filter_organizer(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(organizer__path__startswith=value.path)


def _seats(session: Session) -> str:
    if session.capacity is None:
        return _("%(confirmed)d / 不限") % {"confirmed": session.confirmed_count}
    text = f"{session.confirmed_count} / {session.capacity}"
    if session.waitlisted_count:
        text += _("（候补 %(n)d）") % {"n": session.waitlisted_count}
    return text


def _start_date(session: Session) -> str:
    return f"{session.start_date:%Y-%m-%d}"


def _end_date(session: Session) -> str:
    return f"{session.end_date:%Y-%m-%d}"


def session_actions(session: Session, item_class=MenuItem) -> list:
    """Links to a session's screens, as list-row menu items or header buttons."""
    items = [
        item_class(_("课次"), url=session_url("meetings", session), icon_name="date", priority=20),
        item_class(_("名单"), url=session_url("roster", session), icon_name="group", priority=30),
        item_class(
            _("考勤导入"),
            url=session_url("attendance_import", session),
            icon_name="upload",
            priority=40,
        ),
    ]
    if needs_score(session.course.training_type, session.course.pass_score):
        items.append(
            item_class(_("成绩"), url=session_url("scores", session), icon_name="edit", priority=50)
        )
    items.append(
        item_class(
            _("判定结业"), url=session_url("complete", session), icon_name="success", priority=60
        )
    )
    if session.status not in (Session.Status.CANCELLED, Session.Status.FINISHED):
        items.append(
            item_class(
                _("取消班次"), url=session_url("cancel", session), icon_name="cross", priority=70
            )
        )
    return items


class SessionIndexView(ScopedIndexView):
    def get_base_queryset(self):
        sessions = super().get_base_queryset().select_related("course", "organizer")
        return selectors.with_seats(sessions)

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)(
                "title",
                label=_("班次名称"),
                sort_key="title",
                get_url=lambda session: self.get_edit_url(session),
            ),
            Column("course", label=_("课程"), accessor="course.title"),
            Column("organizer", label=_("承办单位"), accessor="organizer.name"),
            Column("start_date", label=_("开始日期"), accessor=_start_date, sort_key="start_date"),
            Column("end_date", label=_("结束日期"), accessor=_end_date),
            Column("seats", label=_("已确认 / 名额"), accessor=_seats),
            Column("status", label=_("状态"), accessor="get_status_display", sort_key="status"),
        ]

    def get_list_more_buttons(self, instance):
        return [*super().get_list_more_buttons(instance), *session_actions(instance)]


class SessionCreateView(ScopedCreateView):
    def save_instance(self):
        return services.create_session(by=self.request.user, **self.form.service_kwargs())

    def get_success_url(self):
        return session_url("meetings", self.object)

    def get_success_message(self, instance):
        return _("已新建班次“%(title)s”，请生成课次。") % {"title": instance.title}


class SessionEditView(ScopedEditView):
    def get_queryset(self):
        return super().get_queryset().select_related("course")

    def save_instance(self):
        return services.update_session(
            by=self.request.user, session=self.object, **self.form.service_kwargs()
        )

    @cached_property
    def header_more_buttons(self):
        return [*super().header_more_buttons, *session_actions(self.object, Button)]


# The session's own screens -------------------------------------------------------------------


class SessionScreen(ScopedMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, TemplateView):
    """A screen about one session the user manages (``scope``); others' sessions are a 404."""

    model = Session
    permission_required = "change"
    header_icon = "date"
    active_tab = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.session = self.get_session(**kwargs)

    def get_session(self, **kwargs) -> Session:
        sessions = self.scoped_queryset().select_related("course", "organizer")
        return get_object_or_404(sessions, pk=kwargs["pk"])

    def get_page_subtitle(self):
        return self.session.title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{SESSIONS}:index"), "label": _("班次")},
            {"url": session_url("edit", self.session), "label": self.session.title},
            {"url": "", "label": self.page_title, "sublabel": self.session.title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(session=self.session, tabs=self.tabs(), needs_score=self.session_needs_score)
        return context

    @cached_property
    def session_needs_score(self) -> bool:
        return needs_score(self.session.course.training_type, self.session.course.pass_score)

    def tabs(self) -> list[tuple[str, str, bool]]:
        tabs = [
            ("edit", _("基本信息")),
            ("meetings", _("课次")),
            ("roster", _("名单")),
            ("attendance_import", _("考勤导入")),
        ]
        if self.session_needs_score:
            tabs.append(("scores", _("成绩")))
        tabs.append(("complete", _("判定结业")))
        return [
            (label, session_url(name, self.session), name == self.active_tab)
            for name, label in tabs
        ]

    def refresh(self):
        return redirect(self.request.get_full_path())


class SessionFormScreen(SessionScreen):
    """A session screen with a form (``form_class``, built by ``get_form``, bound on POST).

    The context holds ``form``: a fresh one, or the submitted one shown again with its errors.
    As in ``lms.admin.views.ActionFormView``, ``save(form)`` calls the service and returns the
    success message; a ``DomainError`` it raises is shown on the form instead. Then the user
    goes to ``get_success_url()``, this page again unless the screen says otherwise.
    """

    form_class = None

    def get_form(self, data=None, files=None):
        return self.form_class(data, files)

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context["form"] = self.get_form() if form is None else form
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form.is_valid():
            try:
                message = self.save(form)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url())
        return self.render_form(form)

    def save(self, form) -> str:
        raise NotImplementedError(f"{type(self).__name__} must define save(form).")

    def get_success_url(self) -> str:
        return self.request.get_full_path()

    def render_form(self, form, **kwargs):
        """Show the page again with the submitted ``form`` and its errors."""
        return self.render_to_response(self.get_context_data(form=form, **kwargs))


class MeetingsView(SessionFormScreen):
    """课次: the session's meetings, with a form to add a meeting per day over a date range."""

    template_name = "courses/admin/session_meetings.html"
    page_title = gettext_lazy("课次")
    active_tab = "meetings"
    form_class = MeetingsForm

    def get_form(self, data=None, files=None):
        return MeetingsForm(data, initial=MeetingsForm.initial_for(self.session))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            meetings=selectors.session_meetings(self.session),
            roster_size=Enrolment.objects.filter(
                session=self.session, status=Enrolment.Status.CONFIRMED
            ).count(),
        )
        return context

    def post(self, request, *args, **kwargs):
        if "cancel_meeting" in request.POST:
            return self.cancel_meeting(request.POST["cancel_meeting"])
        return super().post(request, *args, **kwargs)

    def save(self, form) -> str:
        added = services.add_meetings(
            by=self.request.user, session=self.session, **form.cleaned_data
        )
        if not added:
            messages.warning(self.request, _("这些日期都已有课次，没有添加新的课次。"))
            return ""
        return _("已添加 %(n)d 次课。") % {"n": len(added)}

    def cancel_meeting(self, pk: str):
        if not pk.isdigit():
            raise Http404
        meeting = get_object_or_404(Meeting, pk=pk, session=self.session)
        done = call_service(self.request, services.cancel_meeting, meeting=meeting)
        if done:
            messages.success(
                self.request,
                _("已取消 %(date)s 的课次，已报名的工作者会收到通知。")
                % {"date": meeting.date.isoformat()},
            )
        return self.refresh()


class RosterView(SessionFormScreen):
    """名单: everyone enrolled, and bulk enrolment of workers from the user's scope."""

    template_name = "courses/admin/session_roster.html"
    page_title = gettext_lazy("名单")
    header_icon = "group"
    active_tab = "roster"
    form_class = BulkEnrolForm

    def get_form(self, data=None, files=None):
        return BulkEnrolForm(data, user=self.request.user)

    def candidates(self, search: WorkerSearchForm) -> tuple[list[Worker], bool]:
        """Return workers matching the search who are not enrolled yet (and whether more)."""
        workers = permissions.workers_for(self.request.user).filter(status=Worker.Status.ACTIVE)
        if search.is_valid():
            text = search.cleaned_data["q"].strip()
            if text:
                workers = workers.filter(Q(name__icontains=text) | Q(id_number__icontains=text))
            if federation := search.cleaned_data["federation"]:
                workers = workers.filter(federation__path__startswith=federation.path)
        enrolled = Enrolment.objects.filter(session=self.session).exclude(
            status=Enrolment.Status.CANCELLED
        )
        workers = (
            workers.exclude(pk__in=enrolled.values("worker_id"))
            .select_related("federation")
            .order_by("federation__path", "name", "pk")
        )
        found = list(workers[: CANDIDATES_SHOWN + 1])
        return found[:CANDIDATES_SHOWN], len(found) > CANDIDATES_SHOWN

    def get_context_data(self, result=None, **kwargs):
        context = super().get_context_data(**kwargs)
        search = WorkerSearchForm(self.request.GET or None, user=self.request.user)
        candidates, more = self.candidates(search)
        roster = selectors.session_roster(self.session)
        context.update(
            roster=roster,
            counts={
                "confirmed": sum(e.status == Enrolment.Status.CONFIRMED for e in roster),
                "waitlisted": sum(e.status == Enrolment.Status.WAITLISTED for e in roster),
            },
            search=search,
            candidates=candidates,
            more_candidates=more,
            result=result,
            can_enrol=self.session.status
            not in (Session.Status.CANCELLED, Session.Status.FINISHED),
        )
        return context

    def post(self, request, *args, **kwargs):
        if "cancel_enrolment" in request.POST:
            return self.cancel_enrolment(request.POST["cancel_enrolment"])
        form = self.get_form(request.POST)
        result = None
        if form.is_valid():
            done = call_service(
                request,
                services.bulk_enrol,
                form=form,
                session=self.session,
                workers=form.cleaned_data["chosen"],
            )
            if done:
                result = done.result
                messages.success(
                    request,
                    _(
                        "确认 %(confirmed)d 人，候补 %(waitlisted)d 人，"
                        "已在名单 %(already)d 人，未能报名 %(refused)d 人。"
                    )
                    % {
                        "confirmed": len(result.confirmed),
                        "waitlisted": len(result.waitlisted),
                        "already": len(result.already),
                        "refused": len(result.refused),
                    },
                )
                form = None
        return self.render_form(form, result=result)

    def cancel_enrolment(self, pk: str):
        if not pk.isdigit():
            raise Http404
        enrolment = get_object_or_404(
            Enrolment.objects.select_related("worker", "session"), pk=pk, session=self.session
        )
        done = call_service(self.request, services.cancel_enrolment, enrolment=enrolment)
        if done:
            messages.success(
                self.request, _("已取消 %(name)s 的报名。") % {"name": enrolment.worker.name}
            )
        return self.refresh()


class AttendanceView(SessionFormScreen):
    """考勤: the whole confirmed roster for one meeting, a radio set each, saved in one POST."""

    template_name = "courses/admin/attendance.html"
    page_title = gettext_lazy("考勤")
    header_icon = "tasks"
    active_tab = "meetings"
    form_class = AttendanceForm

    def get_session(self, **kwargs) -> Session:
        meetings = Meeting.objects.filter(session__in=self.scoped_queryset()).select_related(
            "session", "session__course", "session__organizer"
        )
        self.meeting = get_object_or_404(meetings, pk=kwargs["pk"])
        return self.meeting.session

    def get_page_subtitle(self):
        return f"{self.session.title} · {self.meeting.date:%Y-%m-%d}"

    def get_form(self, data=None, files=None):
        return AttendanceForm(
            data,
            roster=selectors.confirmed_roster(self.session),
            recorded=selectors.attendance_marks(self.meeting),
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = context["form"].rows()
        context.update(
            meeting=self.meeting,
            rows=rows,
            unrecorded=sum(row.recorded is None for row in rows),
        )
        return context

    def save(self, form) -> str:
        services.record_attendance(by=self.request.user, meeting=self.meeting, marks=form.marks())
        return _("已保存 %(date)s 的考勤（%(n)d 人）。") % {
            "date": self.meeting.date.isoformat(),
            "n": len(form.roster),
        }

    def get_success_url(self) -> str:
        return session_url("meetings", self.session)


class AttendanceImportView(SessionFormScreen):
    """考勤导入: upload an XLSX/CSV sheet; every row is checked before anything is recorded."""

    template_name = "courses/admin/attendance_import.html"
    page_title = gettext_lazy("考勤导入")
    header_icon = "upload"
    active_tab = "attendance_import"
    form_class = AttendanceUploadForm

    def get_context_data(self, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            errors=errors or [],
            columns=attendance_import.COLUMNS,
            status_labels=attendance_import.choice_labels(attendance_import.Attendance.Status)[
                ::-1
            ],
            formats=FORMATS,
        )
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        errors = []
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                checked = attendance_import.check_file(
                    session=self.session, data=upload.read(), filename=upload.name
                )
            except SpreadsheetError as error:
                form.add_error("file", str(error))
            else:
                errors = checked.errors
                if not errors:
                    try:
                        self.record(checked)
                    except DomainError as error:
                        form.add_error(None, str(error))
                    else:
                        messages.success(
                            request,
                            _("已导入 %(rows)d 条考勤，涉及 %(meetings)d 次课。")
                            % {"rows": checked.rows, "meetings": len(checked.marks)},
                        )
                        return redirect(session_url("meetings", self.session))
        return self.render_form(form, errors=errors)

    def record(self, checked) -> None:
        """Record every meeting's marks, all or none."""
        with transaction.atomic():
            for meeting_id, marks in checked.marks.items():
                services.record_attendance(
                    by=self.request.user, meeting=checked.meetings[meeting_id], marks=marks
                )


class AttendanceTemplateView(SessionScreen):
    """Download the attendance sheet of a session, prefilled with its roster and days."""

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        check_format(fmt)
        build = attendance_import.template_xlsx if fmt == "xlsx" else attendance_import.template_csv
        filename = _("%(title)s考勤表.%(fmt)s") % {"title": self.session.title, "fmt": fmt}
        return download_response(build(self.session, today=timezone.localdate()), fmt, filename)


class ScoresView(SessionFormScreen):
    """成绩: exam scores of the confirmed roster (qualification training)."""

    template_name = "courses/admin/scores.html"
    page_title = gettext_lazy("成绩")
    header_icon = "edit"
    active_tab = "scores"
    form_class = ScoresForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if not self.session_needs_score:
            raise Http404

    def get_form(self, data=None, files=None):
        return ScoresForm(data, roster=selectors.confirmed_roster(self.session))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(rows=context["form"].rows(), pass_score=self.session.course.pass_score)
        return context

    def save(self, form) -> str:
        services.record_scores(by=self.request.user, session=self.session, scores=form.scores())
        return _("成绩已保存。")


class CompletionView(SessionScreen):
    """判定结业: apply the completion rule to every confirmed enrolment of the session."""

    template_name = "courses/admin/completion.html"
    page_title = gettext_lazy("判定结业")
    header_icon = "success"
    active_tab = "complete"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        session = selectors.with_schedule(Session.objects.filter(pk=self.session.pk)).get()
        roster = selectors.confirmed_roster(self.session)
        policy = policy_for(self.session.organizer)
        scheduled = session.scheduled_hours or Decimal(0)
        context.update(
            schedule=session,
            rows=[
                (
                    enrolment,
                    attended_percent(
                        scheduled_hours=scheduled, credited_hours=enrolment.credited_hours
                    ),
                )
                for enrolment in roster
            ],
            attendance_percent=policy.completion_attendance_percent,
            completed=sum(e.completed for e in roster),
        )
        return context

    def post(self, request, *args, **kwargs):
        done = call_service(
            request, services.decide_completion, session=self.session, today=timezone.localdate()
        )
        if done:
            messages.success(
                request, _("已判定结业：%(completed)d 人结业。") % {"completed": done.result}
            )
        return self.refresh()


class CancelSessionView(SessionFormScreen):
    """取消班次: every meeting is cancelled in the calendars and the enrolled are told."""

    template_name = "courses/admin/cancel_session.html"
    page_title = gettext_lazy("取消班次")
    header_icon = "cross"
    form_class = CancelSessionForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["enrolled"] = (
            Enrolment.objects.filter(session=self.session)
            .exclude(status=Enrolment.Status.CANCELLED)
            .count()
        )
        return context

    def save(self, form) -> str:
        services.cancel_session(
            by=self.request.user, session=self.session, reason=form.cleaned_data["reason"]
        )
        return _("班次“%(title)s”已取消。") % {"title": self.session.title}

    def get_success_url(self) -> str:
        return reverse(f"{SESSIONS}:index")


# The viewset ---------------------------------------------------------------------------------


class SessionViewSet(ScopedModelViewSet):
    model = Session
    name = SESSIONS
    url_prefix = "training/sessions"
    icon = "date"
    menu_label = gettext_lazy("班次")
    menu_order = 100
    ordering = ["-start_date", "-pk"]
    list_per_page = 50
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    filterset_class = SessionFilterSet
    search_fields = ["title", "location", "course__title"]
    edit_handler = ObjectList(
        [
            FieldPanel("course"),
            FieldRowPanel([FieldPanel("title"), FieldPanel("organizer")]),
            FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
            FieldRowPanel([FieldPanel("location"), FieldPanel("capacity")]),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("enrol_opens"), FieldPanel("enrol_closes")]),
                    FieldPanel("cancel_deadline"),
                ],
                heading=gettext_lazy("报名"),
            ),
            FieldPanel("status"),
        ],
        base_form_class=SessionForm,
    )

    def scope(self, user):
        return sessions_for(user)

    def get_common_view_kwargs(self, **kwargs):
        # Sessions are cancelled, never deleted.
        return super().get_common_view_kwargs(delete_url_name=None, **kwargs)

    def get_urlpatterns(self):
        dropped = {"delete", "usage"}
        return [
            *(p for p in super().get_urlpatterns() if p.name not in dropped),
            path("meetings/<int:pk>/", self.construct_view(MeetingsView), name="meetings"),
            path("roster/<int:pk>/", self.construct_view(RosterView), name="roster"),
            path("attendance/<int:pk>/", self.construct_view(AttendanceView), name="attendance"),
            path(
                "attendance-import/<int:pk>/",
                self.construct_view(AttendanceImportView),
                name="attendance_import",
            ),
            path(
                "attendance-import/<int:pk>/template.<str:fmt>",
                self.construct_view(AttendanceTemplateView),
                name="attendance_template",
            ),
            path("scores/<int:pk>/", self.construct_view(ScoresView), name="scores"),
            path("complete/<int:pk>/", self.construct_view(CompletionView), name="complete"),
            path("cancel/<int:pk>/", self.construct_view(CancelSessionView), name="cancel"),
        ]


class TrainingViewSetGroup(ViewSetGroup):
    menu_label = gettext_lazy("培训管理")
    menu_icon = "date"
    menu_order = 400
    items = (SessionViewSet,)
