"""Scoring a cycle: staff-scored kinds, closing, the scoring table, grades and confirmation,
the XLSX/CSV export, and 考核结果统计 (grades per county-level federation and year).

``viewsets.py`` adds ``urlpatterns`` under ``evaluation/cycles/`` and lets ``EXTRA_VIEWSETS``
join the 社会化评估 menu. Every screen finds its cycle through ``permissions.cycles_for`` (another
county's cycle or assessment is a 404) and changes data only through ``services``; the numbers
come from ``selectors.scoring_table`` (four queries whatever the number of workers) and the pure
``rules``.
"""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django import forms
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.viewsets.base import ViewSet

from lms.admin.views import ActionFormView
from lms.charts import Point, bar_chart
from lms.errors import DomainError
from lms.spreadsheets import FORMATS, check_format, download_response, table_file
from workforce.models import Federation, subtree_q
from workforce.permissions import staff_paths_or_404
from workforce.selectors import outermost_paths
from workforce.viewsets import StaffMenuItem

from . import rules, selectors, services
from .choices import Channel, Grade, LabelSet, State, grade_label
from .models import Answer, Assessment, Cycle
from .permissions import cycles_for

CYCLES = "evaluation_cycles"  # the namespace of viewsets.CycleViewSet, which holds our URLs
RESULTS = "evaluation_results"
GRADES = (Grade.EXCELLENT, Grade.PASS, Grade.BASIC, Grade.FAIL)  # best first
GRADE_COLOURS = {
    Grade.EXCELLENT: "#2e7d32",
    Grade.PASS: "#1565c0",
    Grade.BASIC: "#f9a825",
    Grade.FAIL: "#c62828",
}
ROWS_PER_PAGE = 100
STAFF_ROWS_PER_PAGE = 50  # two inputs per kind and row: well under DATA_UPLOAD_MAX_NUMBER_FIELDS


def scoped_cycle(request, pk) -> Cycle:
    """Return the cycle ``pk`` if the user runs it (a 404 otherwise, never a 403)."""
    staff_paths_or_404(request)
    return get_object_or_404(cycles_for(request.user).select_related("federation"), pk=pk)


def cycle_url(name: str, cycle: Cycle, *args) -> str:
    return reverse(f"{CYCLES}:{name}", args=[cycle.pk, *args])


def grade_choices(cycle: Cycle) -> list[tuple[int, str]]:
    """The grades in the cycle's label set (优秀/合格/… or 优秀/称职/…), best first."""
    return [(int(grade), cycle.grade_label(grade)) for grade in GRADES]


# The scoring table, decorated for the page and the export -----------------------------------


@dataclass
class Line:
    """One row of the scoring table as the page shows it."""

    row: selectors.ScoringRow
    kinds: list  # (kind, KindScore) in the cycle's order
    total: Decimal | None
    proposed: Grade | None
    tie: bool
    capped: bool
    grade: Grade | None
    live: bool  # collecting: the proposal is a preview, no grade is set yet
    label_set: str = LabelSet.QUALIFIED

    @property
    def proposed_label(self) -> str:
        return grade_label(self.proposed, self.label_set)

    @property
    def grade_label(self) -> str:
        return grade_label(self.grade, self.label_set)

    @property
    def assessment(self) -> Assessment:
        return self.row.assessment

    @property
    def incomplete(self) -> bool:
        return not self.row.score.complete

    @property
    def adjusted(self) -> bool:
        return not self.live and self.assessment.adjusted

    @property
    def ungraded(self) -> bool:
        return not self.live and self.grade is None

    @property
    def shown_grade(self) -> Grade | None:
        """The grade a filter by grade looks at: the proposal while collecting, else the grade."""
        return self.proposed if self.live else self.grade


@dataclass
class Summary:
    """The header of the scoring table and the cycle overview's panel."""

    covered: int = 0
    cap: int = 0
    excellent: int = 0  # 优秀 proposed (collecting) or given (scoring on)
    ties: int = 0  # tied at the cap's boundary and not graded yet
    ungraded: int = 0
    incomplete: int = 0
    distribution: Counter = field(default_factory=Counter)

    @property
    def over_cap(self) -> int:
        return max(self.excellent - self.cap, 0)


def scoring_lines(table: selectors.ScoringTable) -> tuple[list[Line], Summary]:
    """Return the table's rows with their proposal and flags, and the counts of its header.

    While collecting, the proposals are a preview from the scores computed now; from scoring
    on, they are the ones stored when collecting closed (the ``capped`` flag, which is not
    stored, comes from the same rule on the stored scores).
    """
    cycle = table.cycle
    live = cycle.state < State.SCORING
    totals = {
        row.assessment.pk: row.score.total if live else row.assessment.score for row in table.rows
    }
    proposals = rules.propose_grades(totals, selectors.bands_of(cycle), table.cap)
    lines = []
    summary = Summary(covered=len(table.rows), cap=table.cap)
    for row in table.rows:
        a, proposal = row.assessment, proposals[row.assessment.pk]
        line = Line(
            row=row,
            kinds=[(kind, row.score.kinds[kind.pk]) for kind in table.kinds],
            total=totals[a.pk],
            proposed=proposal.grade if live else _grade(a.proposed),
            tie=proposal.tie if live else a.tie,
            capped=proposal.capped,
            grade=None if live else _grade(a.grade),
            live=live,
            label_set=cycle.label_set,
        )
        lines.append(line)
        summary.incomplete += line.incomplete
        counted = line.shown_grade
        if counted is not None:
            summary.distribution[counted] += 1
        summary.excellent += counted == Grade.EXCELLENT
        summary.ties += line.tie and (live or line.grade is None)
        summary.ungraded += line.ungraded
    return lines, summary


def _grade(value) -> Grade | None:
    return None if value is None else Grade(value)


FLAGS = {
    "incomplete": gettext_lazy("评价数不足"),
    "tie": gettext_lazy("名额边界同分"),
    "capped": gettext_lazy("超出优秀名额"),
    "adjusted": gettext_lazy("已调整"),
    "ungraded": gettext_lazy("未定等次"),
}
ORDERS = {
    "name": gettext_lazy("按姓名"),
    "-total": gettext_lazy("按综合得分从高到低"),
    "total": gettext_lazy("按综合得分从低到高"),
}


class ScoringFilterForm(forms.Form):
    grade = forms.ChoiceField(label=gettext_lazy("等次"), required=False)
    flag = forms.ChoiceField(
        label=gettext_lazy("标记"),
        required=False,
        choices=[("", gettext_lazy("全部")), *FLAGS.items()],
    )
    order = forms.ChoiceField(label=gettext_lazy("排序"), required=False, choices=ORDERS.items())

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [
            ("", _("全部")),
            *((str(value), label) for value, label in grade_choices(cycle)),
            ("none", _("未定")),
        ]

    def apply(self, lines: list[Line]) -> list[Line]:
        if not self.is_valid():
            return lines
        grade, flag = self.cleaned_data["grade"], self.cleaned_data["flag"]
        if grade == "none":
            lines = [line for line in lines if line.shown_grade is None]
        elif grade:
            lines = [line for line in lines if line.shown_grade == int(grade)]
        if flag:
            lines = [line for line in lines if getattr(line, flag)]
        order = self.cleaned_data["order"]
        if order in ("total", "-total"):
            scored = [line for line in lines if line.total is not None]
            scored.sort(key=lambda line: line.total, reverse=order == "-total")
            lines = scored + [line for line in lines if line.total is None]  # unscored last
        return lines


# Screens about one cycle ------------------------------------------------------------------------


class CycleScreenMixin:
    """A screen about one cycle the user runs: breadcrumbs Home › 考核周期 › cycle › title."""

    model = Cycle
    header_icon = "form"
    index_url_name = None

    def get_cycle(self) -> Cycle:
        if not hasattr(self, "cycle"):
            self.cycle = scoped_cycle(self.request, self.kwargs["pk"])
        return self.cycle

    def get_page_subtitle(self):
        return str(self.get_cycle())

    def get_breadcrumbs_items(self):
        cycle = self.get_cycle()
        return [
            *self.breadcrumbs_items,
            {"url": reverse(f"{CYCLES}:index"), "label": Cycle._meta.verbose_name_plural},
            {"url": cycle_url("inspect", cycle), "label": str(cycle)},
            {"url": "", "label": self.page_title, "sublabel": str(cycle)},
        ]

    def cycle_context(self) -> dict:
        cycle = self.get_cycle()
        return {
            "cycle": cycle,
            "collecting": cycle.state == State.COLLECTING,
            "scoring": cycle.state == State.SCORING,
            "confirmed": cycle.state == State.CONFIRMED,
            "live": cycle.state < State.SCORING,
            "formats": FORMATS,
        }


class ScoringTableView(CycleScreenMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """评分表: per worker the mean per kind, total, proposed and set grade, with their flags."""

    permission_required = "view"
    template_name = "evaluation/admin/scoring_table.html"
    page_title = gettext_lazy("评分表")

    def get(self, request, pk):
        cycle = self.get_cycle()
        table = selectors.scoring_table(cycle)
        lines, summary = scoring_lines(table)
        filters = ScoringFilterForm(request.GET or None, cycle=cycle)
        shown = filters.apply(lines)
        page = Paginator(shown, ROWS_PER_PAGE).get_page(request.GET.get("p"))
        query = request.GET.copy()
        query.pop("p", None)
        context = self.get_context_data(
            **self.cycle_context(),
            table=table,
            summary=summary,
            lines=page.object_list,
            page=page,
            query=query.urlencode(),
            filters=filters,
            staff_kinds=any(kind.channel == Channel.STAFF for kind in table.kinds),
            back=request.get_full_path(),
        )
        return self.render_to_response(context)


class StaffScoresForm(forms.Form):
    """A score (0-100) and a comment per covered worker and kind scored by staff."""

    def __init__(self, *args, assessments, kinds, entered, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells = []  # (assessment, [(kind, score field name, comment field name)])
        self.entered = entered
        for assessment in assessments:
            cells = []
            for kind in kinds:
                score, comment = f"s-{assessment.pk}-{kind.pk}", f"c-{assessment.pk}-{kind.pk}"
                old = entered.get((assessment.pk, kind.pk))
                self.fields[score] = forms.DecimalField(
                    label=_("%(worker)s：%(kind)s得分")
                    % {"worker": assessment.worker.name, "kind": kind.name},
                    required=False,
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    initial=old[0] if old else None,
                    widget=forms.NumberInput(attrs={"step": "0.01", "min": 0, "max": 100}),
                )
                self.fields[comment] = forms.CharField(
                    label=_("%(worker)s：%(kind)s评语")
                    % {"worker": assessment.worker.name, "kind": kind.name},
                    required=False,
                    max_length=1000,
                    initial=old[1] if old else "",
                )
                cells.append((kind, score, comment))
            self.cells.append((assessment, cells))

    def changes(self) -> list[tuple]:
        """Return (assessment, kind, score, comment, field name) for each cell changed."""
        changed = []
        for assessment, cells in self.cells:
            for kind, score_name, comment_name in cells:
                score = self.cleaned_data[score_name]
                comment = self.cleaned_data[comment_name].strip()
                old = self.entered.get((assessment.pk, kind.pk))
                if score is None:
                    if old is not None:
                        self.add_error(score_name, _("已录入的得分不能清空，请填写新的分数。"))
                    elif comment:
                        self.add_error(score_name, _("请先填写得分。"))
                    continue
                if old is None or (old[0], old[1]) != (score, comment):
                    changed.append((assessment, kind, score, comment, score_name))
        return changed

    def rows(self):
        """The form's bound fields per worker, for the template."""
        return [
            (assessment, [(kind, self[s], self[c]) for kind, s, c in cells])
            for assessment, cells in self.cells
        ]


class StaffScoresView(CycleScreenMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """录入内部考核得分: the kinds scored by staff (县总工会考核), a page of workers at a time."""

    permission_required = "change"
    template_name = "evaluation/admin/scoring_staff_scores.html"
    page_title = gettext_lazy("录入内部考核得分")

    def setup_page(self):
        cycle = self.get_cycle()
        self.kinds = list(cycle.kinds.filter(channel=Channel.STAFF))
        assessments = cycle.assessments.select_related("worker").order_by("worker__name", "pk")
        self.page = Paginator(assessments, STAFF_ROWS_PER_PAGE).get_page(self.request.GET.get("p"))
        rows = list(self.page.object_list)
        self.units = selectors._unit_names([a.worker_id for a in rows])
        entered = {}
        if self.kinds and rows:
            for assessment_id, kind_id, score, comment in Answer.objects.filter(
                kind__in=self.kinds, assessment__in=rows
            ).values_list("assessment_id", "kind_id", "score", "comment"):
                entered[(assessment_id, kind_id)] = (score, comment)
        return rows, entered

    def form(self, data=None):
        rows, entered = self.setup_page()
        return StaffScoresForm(data, assessments=rows, kinds=self.kinds, entered=entered)

    def render(self, form):
        context = self.get_context_data(
            **self.cycle_context(),
            form=form,
            kinds=self.kinds,
            rows=[
                (assessment, self.units.get(assessment.worker_id, ""), cells)
                for assessment, cells in form.rows()
            ],
            page=self.page,
            action_url=self.request.get_full_path(),
        )
        return self.render_to_response(context)

    def get(self, request, pk):
        return self.render(self.form())

    def post(self, request, pk):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.invalid(form)
        changes = form.changes()
        if form.errors:
            return self.invalid(form)
        if not changes:
            messages.info(request, _("没有修改。"))
            return redirect(request.get_full_path())
        try:
            # All or nothing: a refusal keeps every row as typed, none saved.
            with transaction.atomic():
                for assessment, kind, score, comment, field_name in changes:
                    try:
                        services.record_staff_score(
                            by=request.user,
                            assessment=assessment,
                            kind=kind,
                            score=score,
                            comment=comment,
                        )
                    except DomainError as error:
                        form.add_error(field_name, str(error))
                        raise
        except DomainError:
            return self.invalid(form)
        messages.success(request, _("已保存 %(n)d 项得分。") % {"n": len(changes)})
        return redirect(request.get_full_path())

    def invalid(self, form):
        messages.error(self.request, _("请更正下面的错误，未保存任何得分。"))
        return self.render(form)


class ConfirmForm(forms.Form):
    """A form with nothing to fill in: the button is the decision."""


class CycleActionView(CycleScreenMixin, ActionFormView):
    """A confirmation about a cycle, then a POST through a service."""

    permission_required = "change"
    form_class = ConfirmForm
    submit_button_label = ""

    def get_object(self):
        return self.get_cycle()

    def get_success_url(self):
        return cycle_url("inspect", self.object)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            self.cycle_context(),
            object=self.object,
            action_url=self.request.path,
            submit_button_label=self.submit_button_label,
            submit_button_active_label=self.submit_button_label,
        )
        return context


class CloseView(CycleActionView):
    """结束收集并计算得分: stop taking answers, score everyone, propose grades within the cap."""

    template_name = "evaluation/admin/scoring_close.html"
    page_title = gettext_lazy("结束收集并计算得分")
    submit_button_label = gettext_lazy("结束收集并计算得分")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _lines, summary = scoring_lines(selectors.scoring_table(self.object))
        context.update(summary=summary, responses=selectors.response_counts(self.object))
        return context

    def save(self, form) -> str:
        services.close_collecting(by=self.request.user, cycle=self.object)
        return _("已结束收集，请审核建议等次。")

    def get_success_url(self):
        return cycle_url("scoring", self.object)


class ConfirmView(CycleActionView):
    """确认等次: lock the grades, every worker graded and 优秀 within the cap."""

    template_name = "evaluation/admin/scoring_confirm.html"
    page_title = gettext_lazy("确认考核等次")
    submit_button_label = gettext_lazy("确认考核等次")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        _lines, summary = scoring_lines(selectors.scoring_table(self.object))
        context.update(
            summary=summary,
            distribution=[
                (label, summary.distribution[value]) for value, label in grade_choices(self.object)
            ],
        )
        return context

    def save(self, form) -> str:
        services.confirm_cycle(by=self.request.user, cycle=self.object)
        return _("%(cycle)s 的考核等次已确认。") % {"cycle": self.object}


class GradeForm(forms.Form):
    grade = forms.TypedChoiceField(label=gettext_lazy("考核等次"), coerce=int)
    reason = forms.CharField(
        label=gettext_lazy("调整理由"),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("与建议等次不同时必须填写，记入操作日志并在评分表中显示。"),
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = grade_choices(cycle)


class GradeView(CycleActionView):
    """定等次: set one worker's grade while the cycle is scored; a change needs a reason."""

    form_class = GradeForm
    template_name = "evaluation/admin/scoring_grade.html"
    page_title = gettext_lazy("确定考核等次")
    submit_button_label = gettext_lazy("保存等次")

    def get_object(self):
        cycle = self.get_cycle()
        self.assessment = get_object_or_404(
            Assessment.objects.select_related("worker"),
            pk=self.kwargs["assessment"],
            cycle=cycle,
        )
        self.assessment.cycle = cycle
        return cycle

    def get_page_subtitle(self):
        return self.assessment.worker.name

    def get_breadcrumbs_items(self):
        *items, last = super().get_breadcrumbs_items()
        scoring = {"url": cycle_url("scoring", self.object), "label": ScoringTableView.page_title}
        return [*items, scoring, {**last, "sublabel": self.assessment.worker.name}]

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "cycle": self.object}

    def get_initial(self):
        a = self.assessment
        return {
            "grade": a.grade if a.grade is not None else a.proposed,
            "reason": a.reason,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cycle, assessment = self.object, self.assessment
        kinds = list(cycle.kinds.all())
        counts = selectors.tallies(Assessment.objects.filter(pk=assessment.pk))
        score = rules.weighted_score(selectors.kind_rules(kinds), counts.get(assessment.pk, {}))
        numbers = cycle.assessments.aggregate(
            covered=Count("pk"), excellent=Count("pk", filter=Q(grade=Grade.EXCELLENT))
        )
        context.update(
            assessment=assessment,
            kinds=[(kind, score.kinds[kind.pk]) for kind in kinds],
            unit=selectors._unit_names([assessment.worker_id]).get(assessment.worker_id, ""),
            proposed=cycle.grade_label(assessment.proposed),
            grade=cycle.grade_label(assessment.grade),
            cap=selectors.cap_of(cycle, numbers["covered"]),
            excellent=numbers["excellent"],
            action_url=self.request.get_full_path(),
            back=self.get_success_url(),
        )
        return context

    def save(self, form) -> str:
        assessment = services.set_grade(
            by=self.request.user,
            assessment=self.assessment,
            grade=form.cleaned_data["grade"],
            reason=form.cleaned_data["reason"],
        )
        return _("%(worker)s：%(grade)s。") % {
            "worker": self.assessment.worker.name,
            "grade": self.object.grade_label(assessment.grade),
        }

    def get_success_url(self):
        """Back to the scoring table at the worker's row, keeping its filters (``next``)."""
        back = self.request.GET.get("next", "")
        scoring = cycle_url("scoring", self.object)
        if not back.startswith(scoring) or not url_has_allowed_host_and_scheme(
            back, allowed_hosts={self.request.get_host()}
        ):
            back = scoring
        return f"{back.split('#', 1)[0]}#row-{self.assessment.pk}"


def export_rows(cycle: Cycle) -> tuple[list, list[list]]:
    """Return the header and rows of the scoring table's export (one row per covered worker)."""
    table = selectors.scoring_table(cycle)
    lines, _summary = scoring_lines(table)
    yes, no = _("是"), _("否")
    header = [_("姓名"), _("单位")]
    for kind in table.kinds:
        header += [
            _("%(kind)s平均分") % {"kind": kind.name},
            _("%(kind)s评价数") % {"kind": kind.name},
        ]
    header += [
        _("综合得分"),
        _("评价数已达要求"),
        _("建议等次"),
        _("名额边界同分"),
        _("超出优秀名额"),
        _("考核等次"),
        _("调整理由"),
    ]
    rows = []
    for line in lines:
        row = [line.row.worker.name, line.row.unit]
        for _kind, kind_score in line.kinds:
            row += [kind_score.mean, kind_score.count]
        row += [
            line.total,
            no if line.incomplete else yes,
            line.proposed_label,
            yes if line.tie else "",
            yes if line.capped else "",
            line.grade_label,
            line.assessment.reason if line.adjusted else "",
        ]
        rows.append(row)
    return header, rows


def scoring_export(request, pk, fmt: str):
    """Download the scoring table as XLSX or CSV."""
    check_format(fmt)
    cycle = scoped_cycle(request, pk)
    header, rows = export_rows(cycle)
    title = _("%(year)d年度考核结果") % {"year": cycle.year}
    content = table_file(fmt, title, header, rows)
    return download_response(content, fmt, f"{cycle.federation.display_name}-{title}.{fmt}")


urlpatterns: list = [
    path("<int:pk>/scoring/", ScoringTableView.as_view(), name="scoring"),
    path("<int:pk>/staff-scores/", StaffScoresView.as_view(), name="staff_scores"),
    path("<int:pk>/close/", CloseView.as_view(), name="close"),
    path("<int:pk>/confirm/", ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/assessments/<int:assessment>/grade/", GradeView.as_view(), name="grade"),
    path("<int:pk>/export.<str:fmt>", scoring_export, name="scoring_export"),
]


# The cycle overview's panel ----------------------------------------------------------------------


def overview_context(cycle) -> dict:
    """What the cycle's overview page shows of its scoring (includes/scoring_panel.html).

    Two queries: the grade counts and whether some kind is scored by staff.
    """
    if cycle.state == State.DRAFT:
        return {"scoring_panel": None}
    numbers = cycle.assessments.aggregate(
        covered=Count("pk"),
        ungraded=Count("pk", filter=Q(grade__isnull=True)),
        ties=Count("pk", filter=Q(tie=True, grade__isnull=True)),
        incomplete=Count("pk", filter=Q(complete=False)),
        **{f"g{int(grade)}": Count("pk", filter=Q(grade=grade)) for grade in GRADES},
    )
    cap = selectors.cap_of(cycle, numbers["covered"])
    excellent = numbers[f"g{int(Grade.EXCELLENT)}"]
    return {
        "scoring_panel": {
            "cycle": cycle,
            "collecting": cycle.state == State.COLLECTING,
            "scoring": cycle.state == State.SCORING,
            "confirmed": cycle.state == State.CONFIRMED,
            "staff_kinds": cycle.kinds.filter(channel=Channel.STAFF).exists(),
            "covered": numbers["covered"],
            "ungraded": numbers["ungraded"],
            "ties": numbers["ties"],
            "incomplete": numbers["incomplete"],
            "cap": cap,
            "excellent": excellent,
            "over_cap": max(excellent - cap, 0),
            "distribution": [
                (cycle.grade_label(grade), numbers[f"g{int(grade)}"]) for grade in GRADES
            ],
            "formats": FORMATS,
        }
    }


# 考核结果统计: grades per county-level federation, for a year ------------------------------------


@dataclass
class ResultRow:
    """A county-level federation's confirmed grades in one year."""

    path: str
    federation_id: int
    name: str
    counts: Counter = field(default_factory=Counter)
    cycle: Cycle | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def excellent_percent(self) -> Decimal | None:
        if not self.total:
            return None
        return Decimal(100 * self.counts[Grade.EXCELLENT] / self.total).quantize(Decimal("0.1"))


@dataclass
class Results:
    year: int | None
    years: list[int]
    rows: list[ResultRow]
    labels: dict  # Grade → the label(s) the confirmed cycles use
    total: Counter = field(default_factory=Counter)


def _county_path(path: str, scopes: list[str]) -> str:
    """Return a federation's row: under a city root its county-level child (or the root for its
    own cycles); a scope below the root is one row."""
    step = Federation.steplen
    scope = next(scope for scope in scopes if path.startswith(scope))
    if len(scope) > step:
        return scope
    return path if len(path) <= step else path[: 2 * step]


def results_by_federation(paths: list[str], year: int | None) -> Results:
    """Return per county-level federation in ``paths`` the confirmed grades of ``year`` (by
    default the latest year with a confirmed cycle): four queries, whatever the numbers."""
    scopes = outermost_paths(paths)
    cycles = Cycle.objects.filter(subtree_q(scopes, "federation__"))
    states = set(cycles.values_list("year", "state").distinct())
    years = sorted({y for y, _state in states}, reverse=True)
    if year not in years:
        confirmed = [y for y, state in states if state == State.CONFIRMED]
        year = max(confirmed, default=years[0] if years else None)
    rows: dict[str, ResultRow] = {}
    step = Federation.steplen
    for federation_id, fpath, name in Federation.objects.filter(subtree_q(scopes)).values_list(
        "id", "path", "name"
    ):
        if _county_path(fpath, scopes) == fpath:
            label = _("%(name)s（本级）") % {"name": name} if len(fpath) == step else name
            rows[fpath] = ResultRow(fpath, federation_id, label)
    results = Results(year, years, list(rows.values()), {})
    if year is None:
        return results
    label_sets = set()
    for cycle in cycles.filter(year=year).select_related("federation").order_by("federation__path"):
        row = rows[_county_path(cycle.federation.path, scopes)]
        if row.cycle is None or row.cycle.federation.path != row.path:
            row.cycle = cycle  # the county's own cycle first
        if cycle.state == State.CONFIRMED:
            label_sets.add(cycle.label_set)
    counts = (
        Assessment.objects.filter(
            subtree_q(scopes, "cycle__federation__"),
            cycle__year=year,
            cycle__state=State.CONFIRMED,
            grade__isnull=False,
        )
        .order_by()
        .values_list("cycle__federation__path", "grade")
        .annotate(n=Count("pk"))
    )
    for fpath, grade, n in counts:
        rows[_county_path(fpath, scopes)].counts[Grade(grade)] += n
        results.total[Grade(grade)] += n
    label_sets = sorted(label_sets) or [LabelSet.QUALIFIED]
    results.labels = {
        grade: " / ".join(dict.fromkeys(grade_label(grade, ls) for ls in label_sets))
        for grade in GRADES
    }
    return results


def results_chart(results: Results) -> str:
    """Return stacked bars per federation: how many workers got each grade."""
    rows = [row for row in results.rows if row.total]
    if not rows:
        return ""
    series = {
        results.labels[grade]: [
            Point(
                row.counts[grade],
                title=f"{row.name} · {results.labels[grade]}：{row.counts[grade]}",
            )
            for row in rows
        ]
        for grade in GRADES
    }
    return bar_chart(
        _("%(year)d年度各总工会考核等次分布") % {"year": results.year},
        [row.name for row in rows],
        series,
        colours=[GRADE_COLOURS[grade] for grade in GRADES],
        stacked=True,
    )


class ResultsView(WagtailAdminTemplateMixin, View):
    """考核结果统计: per county-level federation, how many workers got each grade in a year."""

    template_name = "evaluation/admin/scoring_results.html"
    header_icon = "table"
    page_title = gettext_lazy("考核结果统计")

    def dispatch(self, request, *args, **kwargs):
        self.paths = staff_paths_or_404(request)
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request):
        raw = request.GET.get("year", "")
        year = int(raw) if raw.isdigit() and len(raw) == 4 else None
        results = results_by_federation(self.paths, year)
        context = self.get_context_data(
            results=results,
            grades=[(grade, results.labels.get(grade, "")) for grade in GRADES],
            table=[(row, [row.counts[grade] for grade in GRADES]) for row in results.rows],
            totals=[results.total[grade] for grade in GRADES],
            total=sum(results.total.values()),
            chart=results_chart(results),
        )
        return self.render_to_response(context)


class ResultsViewSet(ViewSet):
    name = RESULTS
    url_prefix = "evaluation/results"
    icon = "table"
    menu_label = gettext_lazy("考核结果统计")
    menu_order = 200
    menu_item_class = StaffMenuItem

    def get_urlpatterns(self):
        return [path("", ResultsView.as_view(), name="index")]


EXTRA_VIEWSETS: tuple = (ResultsViewSet,)
