"""Forms of the courses app: the catalog's filters and the staff screens for sessions.

Forms only read and shape input; every change goes through ``courses.services``. The course
page's admin form is ``courses/page_forms.py``.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput, AdminTimeInput

from workforce import idnumber
from workforce.models import Federation, Worker
from workforce.permissions import federations_for, workers_for
from workforce.roster_import import SpreadsheetUploadForm

from .models import Attendance, CoursePage, Enrolment, Session, TrainingType
from .selectors import CatalogFilters
from .services import SESSION_FIELDS

# The catalog --------------------------------------------------------------------------------


class OrganizerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Federation) -> str:
        return obj.name


class CatalogFilterForm(forms.Form):
    """The catalog's GET filters; anything invalid is simply not applied."""

    q = forms.CharField(label=gettext_lazy("搜索"), max_length=100, required=False)
    type = forms.ChoiceField(
        label=gettext_lazy("培训类型"),
        choices=[("", gettext_lazy("全部类型")), *TrainingType.choices],
        required=False,
    )
    organizer = OrganizerChoiceField(
        label=gettext_lazy("主办单位"),
        queryset=Federation.objects.none(),
        empty_label=gettext_lazy("全部主办单位"),
        required=False,
    )
    upcoming = forms.BooleanField(label=gettext_lazy("有近期班次"), required=False)
    open = forms.BooleanField(label=gettext_lazy("可报名且有空余名额"), required=False)

    def __init__(self, data=None, *, organizers, with_type: bool = True):
        super().__init__(data)
        self.fields["organizer"].queryset = organizers
        if not with_type:
            del self.fields["type"]

    def filters(self) -> CatalogFilters:
        if not self.is_bound:
            return CatalogFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items()}
        return CatalogFilters(
            training_type=data.get("type") or "",
            organizer=data.get("organizer"),
            upcoming_only=bool(data.get("upcoming")),
            open_seats_only=bool(data.get("open")),
            query=(data.get("q") or "").strip(),
        )


# Sessions -----------------------------------------------------------------------------------

EDITABLE_STATUSES = [
    (value, label)
    for value, label in Session.Status.choices
    if value in (Session.Status.PLANNED, Session.Status.OPEN, Session.Status.CLOSED)
]


def _course_label(course: CoursePage) -> str:
    return f"{course.title}（{course.get_training_type_display()}）"


class SessionForm(WagtailAdminModelForm):
    """Create or edit a session; saved through ``create_session`` / ``update_session``.

    The status offered is planned, open or closed: cancelling is its own action and a session
    becomes finished when its completion is decided.
    """

    status = forms.ChoiceField(label=gettext_lazy("状态"), choices=EDITABLE_STATUSES)

    class Meta:
        model = Session
        fields = list(SESSION_FIELDS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"].queryset = federations_for(self.for_user)
        self.fields["organizer"].label_from_instance = lambda federation: federation.name
        # Published courses, and the session's own course even if it was unpublished since.
        course = self.fields["course"]
        course.queryset = CoursePage.objects.filter(
            Q(live=True) | Q(pk=self.instance.course_id)
        ).order_by("title")
        course.label_from_instance = _course_label
        if self.instance.pk and self.instance.status not in dict(EDITABLE_STATUSES):
            # A finished session keeps its status when other fields are corrected.
            self.fields["status"].choices = [
                *EDITABLE_STATUSES,
                (self.instance.status, self.instance.get_status_display()),
            ]

    def clean(self):
        # The same checks as the services' (``_check_session_dates``), made here first: the
        # model form validates Session's CheckConstraints before the service is called, and
        # would refuse these dates with Django's generic "约束 … 是无效的" instead.
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        opens, closes = data.get("enrol_opens"), data.get("enrol_closes")
        if opens and closes and closes < opens:
            self.add_error("enrol_closes", _("报名截止时间不能早于报名开始时间。"))
        return data

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("取消原因"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("会写进发给已报名工作者的通知。"),
    )


class MeetingsForm(forms.Form):
    """Add one meeting per day over a date range at the same times (``add_meetings``)."""

    first_day = forms.DateField(label=gettext_lazy("开始日期"), widget=AdminDateInput)
    last_day = forms.DateField(label=gettext_lazy("结束日期"), widget=AdminDateInput)
    start_time = forms.TimeField(label=gettext_lazy("每天开始时间"), widget=AdminTimeInput)
    end_time = forms.TimeField(label=gettext_lazy("每天结束时间"), widget=AdminTimeInput)
    hours = forms.DecimalField(
        label=gettext_lazy("每次学时"),
        min_value=Decimal("0.5"),
        max_value=Decimal("24"),
        max_digits=4,
        decimal_places=1,
    )
    place = forms.CharField(label=gettext_lazy("地点"), max_length=200, required=False)
    skip_weekends = forms.BooleanField(
        label=gettext_lazy("跳过周六、周日"), required=False, initial=True
    )

    @classmethod
    def initial_for(cls, session: Session) -> dict:
        return {
            "first_day": session.start_date,
            "last_day": session.end_date,
            "start_time": dt.time(9, 0),
            "end_time": dt.time(17, 30),
            "hours": Decimal("8.0"),
            "place": session.location,
            "skip_weekends": True,
        }

    def clean(self):
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", _("结束日期不能早于开始日期。"))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("结束时间须晚于开始时间。"))
        return data


# Roster and bulk enrolment ------------------------------------------------------------------


class WorkerSearchForm(forms.Form):
    """Find workers in the user's scope to enrol (GET)."""

    q = forms.CharField(label=gettext_lazy("姓名或身份证号码"), max_length=50, required=False)
    federation = OrganizerChoiceField(
        label=gettext_lazy("聘用单位（含下级）"),
        queryset=Federation.objects.none(),
        empty_label=gettext_lazy("全部"),
        required=False,
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.fields["federation"].queryset = federations_for(user)


_ID_SPLIT = re.compile(r"[\s,，;；、]+")


class BulkEnrolForm(forms.Form):
    """Workers to enrol: ticked in the search results and/or pasted as ID numbers."""

    workers = forms.ModelMultipleChoiceField(
        label=gettext_lazy("选择工作者"),
        queryset=Worker.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    id_numbers = forms.CharField(
        label=gettext_lazy("或粘贴身份证号码"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("每行一个，也可用逗号或空格分隔。"),
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user
        self.fields["workers"].queryset = workers_for(user).filter(status=Worker.Status.ACTIVE)

    def clean(self):
        data = super().clean()
        chosen = list(data.get("workers") or [])
        numbers = [
            idnumber.normalize(n) for n in _ID_SPLIT.split(data.get("id_numbers") or "") if n
        ]
        if numbers:
            found = {w.id_number: w for w in workers_for(self.user).filter(id_number__in=numbers)}
            unknown = [n for n in numbers if n not in found]
            if unknown:
                self.add_error(
                    "id_numbers",
                    _("找不到以下身份证号码的工作者，或您无权管理：%(numbers)s")
                    % {"numbers": "、".join(unknown)},
                )
            chosen += [found[n] for n in numbers if n in found]
        unique = list({worker.pk: worker for worker in chosen}.values())
        if not unique and not self.errors:
            raise ValidationError(_("请至少选择一名工作者。"))
        data["chosen"] = unique
        return data


# Attendance and scores ----------------------------------------------------------------------


@dataclass
class MarkRow:
    enrolment: Enrolment
    field: forms.BoundField
    recorded: int | None


class AttendanceForm(forms.Form):
    """One radio set per confirmed enrolment of the session: present / late / excused / absent.

    Unrecorded workers start at 出勤 (present) so a full class takes one click.
    """

    def __init__(self, data=None, *, roster: list[Enrolment], recorded: dict[int, int]):
        super().__init__(data)
        self.roster = roster
        self.recorded = recorded
        for enrolment in roster:
            self.fields[f"mark_{enrolment.pk}"] = forms.TypedChoiceField(
                label=enrolment.worker.name,
                choices=Attendance.Status.choices[::-1],
                coerce=int,
                widget=forms.RadioSelect,
                initial=recorded.get(enrolment.pk, Attendance.Status.PRESENT),
            )

    def rows(self) -> list[MarkRow]:
        return [
            MarkRow(enrolment, self[f"mark_{enrolment.pk}"], self.recorded.get(enrolment.pk))
            for enrolment in self.roster
        ]

    def marks(self) -> dict[int, int]:
        return {e.pk: self.cleaned_data[f"mark_{e.pk}"] for e in self.roster}


class ScoresForm(forms.Form):
    """One score per confirmed enrolment; an empty box clears the score."""

    def __init__(self, data=None, *, roster: list[Enrolment]):
        super().__init__(data)
        self.roster = roster
        for enrolment in roster:
            self.fields[f"score_{enrolment.pk}"] = forms.DecimalField(
                label=enrolment.worker.name,
                required=False,
                min_value=0,
                max_value=Decimal("9999.9"),
                max_digits=5,
                decimal_places=1,
                initial=enrolment.score,
                widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
            )

    def rows(self) -> list[tuple[Enrolment, forms.BoundField]]:
        return [(e, self[f"score_{e.pk}"]) for e in self.roster]

    def scores(self) -> dict[int, Decimal | None]:
        return {e.pk: self.cleaned_data[f"score_{e.pk}"] for e in self.roster}


class AttendanceUploadForm(SpreadsheetUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].label = gettext_lazy("考勤文件")
