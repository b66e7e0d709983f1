"""Training: catalogs and courses (Wagtail pages), sessions, meetings, enrolment, attendance.

Catalog and course pages are edited under 页面 in the admin; sessions, enrolments and
attendance have their own admin screens (``courses/wagtail_hooks.py``).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from workforce.models import Federation, Worker

from .blocks import CourseBodyBlock
from .choices import Method as Method  # re-exported: courses.models.Method still works
from .choices import TrainingType
from .page_forms import CoursePageForm
from .search import index_terms


class CourseListingPage(Page):
    """A page that lists courses with filters and search (``courses.page_context.catalog_context``).

    ``listing_as`` names the argument that receives the page: ``index`` or ``catalog``.
    """

    listing_as: str

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        # A real cycle: page_context reads through courses.selectors, which import these models.
        from .page_context import catalog_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalog_context(request, **{self.listing_as: self}))
        return context


class TrainingIndexPage(CourseListingPage):
    """The public entry to training: all four catalogs, filters and search."""

    listing_as = "index"
    intro = models.CharField(_("导语"), max_length=250, blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]

    parent_page_types = ["home.HomePage"]
    subpage_types = ["courses.CatalogPage"]
    max_count = 1

    class Meta:
        verbose_name = _("培训首页")


class CatalogPage(CourseListingPage):
    """One catalog (课程目录) per training type; its children are the courses."""

    listing_as = "catalog"
    training_type = models.CharField(
        _("培训类型"), max_length=20, choices=TrainingType.choices, unique=True
    )
    intro = models.TextField(_("简介"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("training_type"), FieldPanel("intro")]

    parent_page_types = ["courses.TrainingIndexPage"]
    subpage_types = ["courses.CoursePage"]

    class Meta:
        verbose_name = _("课程目录")


class CoursePage(Page):
    """A course (课程) in a catalog; it is run as one or more sessions (班次)."""

    organizer = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="courses", verbose_name=_("主办单位")
    )
    training_type = models.CharField(
        _("培训类型"),
        max_length=20,
        choices=TrainingType.choices,
        editable=False,
        help_text=_("由所在课程目录决定。"),
    )
    methods = models.JSONField(_("培训方式"), default=list, blank=True)
    credit_hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    audience = models.CharField(_("培训对象"), max_length=200, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    prerequisites = ParentalManyToManyField(
        "self", blank=True, symmetrical=False, related_name="+", verbose_name=_("先修课程")
    )
    pass_score = models.DecimalField(
        _("合格分数"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        help_text=_("资格培训须填写；结业除出勤外还须考试成绩达到此分数。"),
    )
    description = StreamField(CourseBodyBlock(), blank=True, verbose_name=_("课程介绍"))

    content_panels = Page.content_panels + [
        FieldPanel("organizer"),
        FieldPanel("methods"),
        FieldPanel("credit_hours"),
        FieldPanel("audience"),
        FieldPanel("summary"),
        FieldPanel("prerequisites"),
        FieldPanel("pass_score"),
        FieldPanel("description"),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("summary"),
        index.SearchField("audience"),
        index.SearchField("description"),
        index.FilterField("training_type"),
        index.FilterField("organizer_id"),
        # Chinese has no spaces between words: index characters and pairs (courses/search.py).
        index.SearchField("search_terms"),
    ]

    parent_page_types = ["courses.CatalogPage"]
    subpage_types = []
    base_form_class = CoursePageForm

    class Meta:
        verbose_name = _("课程")

    def search_terms(self) -> str:
        """Return the course's words as Chinese search terms (characters and their pairs)."""
        description = CoursePage._meta.get_field("description")
        parts = [self.title, self.summary, self.audience]
        parts += description.get_searchable_content(self.description)
        return index_terms(" ".join(str(part) for part in parts))

    def get_context(self, request, *args, **kwargs):
        # A real cycle: page_context reads through courses.selectors, which import these models.
        from .page_context import course_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(request, course=self))
        return context


class Session(models.Model):
    """A run (班次) of a course with dates, seats and an enrolment window.

    ``capacity=None`` means unlimited seats and ``0`` means no seats (closed).
    """

    class Status(models.TextChoices):
        PLANNED = "planned", _("筹备中")
        OPEN = "open", _("报名中")
        CLOSED = "closed", _("报名截止")
        CANCELLED = "cancelled", _("已取消")
        FINISHED = "finished", _("已结束")

    course = models.ForeignKey(
        CoursePage, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("课程")
    )
    organizer = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("承办单位")
    )
    title = models.CharField(_("班次名称"), max_length=150)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    location = models.CharField(_("地点"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("名额"), null=True, blank=True, help_text=_("留空表示不限名额。")
    )
    enrol_opens = models.DateTimeField(_("报名开始"))
    enrol_closes = models.DateTimeField(_("报名截止"))
    cancel_deadline = models.DateTimeField(_("取消报名截止"))
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        ordering = ["start_date", "pk"]
        indexes = [models.Index(fields=["start_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(enrol_closes__gte=models.F("enrol_opens")),
                name="session_enrolment_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    """One class day (课次) of a session; one calendar event.

    ``sequence`` is the iCalendar SEQUENCE: it goes up by one whenever the meeting changes.
    """

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("班次")
    )
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    place = models.CharField(_("地点"), max_length=200, blank=True)
    cancelled = models.BooleanField(_("已取消"), default=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("课次")
        verbose_name_plural = _("课次")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["session", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} {self.date:%Y-%m-%d}"


class Enrolment(models.Model):
    """A worker's place in a session: confirmed, waitlisted or cancelled.

    Ordered states with gaps: ``CANCELLED = 0 < WAITLISTED = 10 < CONFIRMED = 100``.
    The waitlist is served in ``waitlisted_at`` order. ``completed`` is decided by the
    completion rule (``courses/completion.py``) once attendance is in.
    """

    class Status(models.IntegerChoices):
        CANCELLED = 0, _("已取消")
        WAITLISTED = 10, _("候补")
        CONFIRMED = 100, _("已确认")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("班次")
    )
    worker = models.ForeignKey(
        Worker, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("学员")
    )
    status = models.PositiveSmallIntegerField(_("状态"), choices=Status.choices)
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    waitlisted_at = models.DateTimeField(_("候补时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    score = models.DecimalField(
        _("考试成绩"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    completed = models.BooleanField(_("已结业"), default=False)
    completed_on = models.DateField(_("结业日期"), null=True, blank=True)
    credited_hours = models.DecimalField(
        _("认定学时"), max_digits=6, decimal_places=1, default=0, editable=False
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(fields=["session", "worker"], name="one_enrolment_per_session")
        ]
        indexes = [models.Index(fields=["worker", "status"])]

    def __str__(self) -> str:
        return f"{self.worker} @ {self.session}"


class Attendance(models.Model):
    """Attendance of one enrolled worker at one meeting; credited hours follow it."""

    class Status(models.IntegerChoices):
        ABSENT = 0, _("缺勤")
        EXCUSED = 10, _("请假")
        LATE = 50, _("迟到")
        PRESENT = 100, _("出勤")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("课次")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("报名")
    )
    status = models.PositiveSmallIntegerField(_("出勤情况"), choices=Status.choices)
    hours = models.DecimalField(_("认定学时"), max_digits=4, decimal_places=1)

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "enrolment"], name="one_attendance_per_meeting"
            )
        ]
        indexes = [models.Index(fields=["enrolment"])]

    def __str__(self) -> str:
        return f"{self.enrolment}: {self.get_status_display()}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A secret-token calendar subscription: a worker's own, or a staff member's federations'."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("日历订阅")
        verbose_name_plural = _("日历订阅")

    def __str__(self) -> str:
        return str(self.user)
