"""The self-inspection report (年度自查报告) as it is shown and printed.

A report's figures hold codes and counts (``inspection.gather``); this module is the one place
where they get their labels: ``report_sections`` turns them into numbered sections of prose and
tables, which the report page shows (with links to the screens behind each problem) and the PDF
prints (A4, WeasyPrint, Noto CJK, as ``evaluation/printing.py`` prints its sheets).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certificates.rendering import html_to_pdf
from certificates.wording import chinese_date, chinese_number
from courses.compliance import Rule, Status
from evaluation.choices import Grade, grade_label
from workforce.models import Worker

from .choices import Source, Use
from .models import SelfInspection
from .selectors import FloorStatus

TEMPLATE = "compensation/printing/report.html"

HIRING_LABELS = {
    "open": gettext_lazy("公开招聘"),
    "purchased": gettext_lazy("购买服务"),
    "part_time": gettext_lazy("党群工作者兼职"),
}
PAY_LABELS = {
    FloorStatus.ABOVE: gettext_lazy("高于最低工资标准"),
    FloorStatus.BELOW: gettext_lazy("不高于最低工资标准"),
    FloorStatus.WILL_FALL: gettext_lazy("新标准执行后将不高于最低工资"),
    FloorStatus.UNPLACED: gettext_lazy("未定级或无对应月薪"),
    FloorStatus.NO_FLOOR: gettext_lazy("所在地未设最低工资档次"),
}
# The problems a report finds (``figures["violations"]``), each with the unit it is counted in.
VIOLATIONS = {
    "below_floor": (gettext_lazy("月薪不高于当地最低工资标准"), gettext_lazy("人")),
    "will_fall": (gettext_lazy("最低工资标准调整后月薪将不高于新标准"), gettext_lazy("人")),
    "unplaced": (gettext_lazy("未定级或无对应月薪"), gettext_lazy("人")),
    "no_floor": (gettext_lazy("所在地未设最低工资档次"), gettext_lazy("人")),
    "insurance": (gettext_lazy("单位未足额缴纳社会保险"), gettext_lazy("人")),
    "unstaffed": (gettext_lazy("基层工会未配备社会化工会工作者"), gettext_lazy("个单位")),
    "over_norm": (gettext_lazy("基层工会超出配备标准"), gettext_lazy("个单位")),
    "training_overdue": (gettext_lazy("教育培训逾期未达标"), gettext_lazy("人次")),
    "overspent": (gettext_lazy("经费来源支出超出预算"), gettext_lazy("项")),
}
STAFFING_COLUMNS = (
    ("units", gettext_lazy("基层工会数")),
    ("required", gettext_lazy("须配备人数")),
    ("allowed", gettext_lazy("可配备上限")),
    ("posted", gettext_lazy("已定岗人数")),
    ("unstaffed", gettext_lazy("未配备单位数")),
    ("over_norm", gettext_lazy("超配单位数")),
)
# Grades from the best down, as a report lists them.
GRADES = sorted(Grade, reverse=True)


def yuan(value) -> str:
    """Return a yuan amount with two places and thousands separators: 12,345.60."""
    return f"{Decimal(value):,.2f}"


def share(count: int, total: int) -> str:
    return f"{100 * count / total:.1f}%" if total else "—"


@dataclass(frozen=True)
class Link:
    """A table cell linking to the screen behind a figure (shown as text when printed)."""

    text: str
    url: str


@dataclass
class Table:
    header: list[str]
    rows: list[list]
    foot: list | None = None
    keyed: bool = True  # the first column names each row


@dataclass
class Section:
    title: str
    lead: str
    tables: list[Table] = field(default_factory=list)
    text: str = ""  # the county's own words, printed as written

    @property
    def paragraphs(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def _workers(figures: dict) -> Section:
    workers = figures["workers"]
    total = workers["total"]
    modes = dict(Worker.EmploymentMode.choices)
    return Section(
        _("人员聘用情况"),
        _("截至%(date)s，在职社会化工会工作者共%(total)d人。")
        % {"date": figures["as_of"], "total": total},
        [
            Table(
                [_("聘用方式"), _("人数"), _("占比")],
                [
                    [str(modes.get(mode, mode)), count, share(count, total)]
                    for mode, count in workers["modes"].items()
                ],
                [_("合计"), total, share(total, total)],
            ),
            Table(
                [_("招聘方式"), _("人数"), _("占比")],
                [
                    [str(HIRING_LABELS.get(way, way)), count, share(count, total)]
                    for way, count in workers["hiring"].items()
                ],
            ),
        ],
    )


def _staffing(figures: dict) -> Section:
    s = figures["staffing"]
    return Section(
        _("配备标准执行情况"),
        _(
            "按照“职工2000人以下的，须配备1名社会化工会工作者；职工2000人以上的，每3000人可增配1名”"
            "的标准，所属基层工会%(units)d个，须配备%(required)d人，最多可配备%(allowed)d人，"
            "已定岗%(posted)d人。"
        )
        % s,
        [
            Table(
                [str(label) for _key, label in STAFFING_COLUMNS],
                [[s[key] for key, _label in STAFFING_COLUMNS]],
                keyed=False,
            )
        ],
    )


def _training(figures: dict) -> Section:
    training = figures["training"]
    return Section(
        _("教育培训情况"),
        _("按年度培训学时、岗位轮训和上岗培训三项要求，统计社会化工会工作者%(n)d人。")
        % {"n": training["workers"]},
        [
            Table(
                [_("培训要求"), *(status.label for status in Status)],
                [
                    [Rule(rule).label, *(counts.get(status, 0) for status in Status)]
                    for rule, counts in training["rules"].items()
                ],
            )
        ],
    )


def _evaluation(figures: dict) -> Section:
    grades = figures["evaluation"]["grades"]
    graded = figures["evaluation"]["graded"]
    total = figures["workers"]["total"]
    counts = [(grade_label(grade), grades.get(str(int(grade)), 0)) for grade in GRADES]
    return Section(
        _("年度考核情况"),
        _("%(year)s年度已确认考核等次%(graded)d人，尚未确认%(ungraded)d人。")
        % {"year": figures["year"], "graded": graded, "ungraded": max(total - graded, 0)},
        [
            Table(
                [_("考核等次"), _("人数"), _("占比")],
                [[label, count, share(count, graded)] for label, count in counts],
                [_("合计"), graded, share(graded, graded)],
            )
        ],
    )


def _pay(figures: dict) -> Section:
    pay = figures["pay"]
    return Section(
        _("薪酬与最低工资"),
        _(
            "按%(date)s执行的最低工资标准核查%(n)d人，月薪须高于当地最低工资标准"
            "（党群工作者兼职领取工作补贴，不在核查之列）。"
        )
        % {"date": figures["as_of"], "n": pay["checked"]},
        [
            Table(
                [_("核查结果"), _("人数")],
                [[str(label), pay.get(status.value, 0)] for status, label in PAY_LABELS.items()],
                [_("合计"), pay["checked"]],
            )
        ],
    )


def _insurance(figures: dict) -> Section:
    insurance = figures["insurance"]
    if insurance["workers"]:
        lead = _("%(year)s年度有%(workers)d人的社会保险未足额缴纳，共缺缴%(months)d人月。") % {
            "year": figures["year"],
            **insurance,
        }
    else:
        lead = _("%(year)s年度应缴月份均已由用人单位缴纳社会保险。") % {"year": figures["year"]}
    return Section(
        _("社会保险"),
        lead,
        [
            Table(
                [_("缺缴人数"), _("缺缴人月")],
                [[insurance["workers"], insurance["months"]]],
                keyed=False,
            )
        ],
    )


def _funds(figures: dict) -> Section:
    funds = figures["funds"]
    sources = dict(Source.choices)
    uses = dict(Use.choices)
    city, work = funds["city_subsidy"], funds["work_subsidy"]
    return Section(
        _("经费使用情况"),
        _("%(year)s年度各项经费预算%(budget)s元，已支出%(spent)s元，结余%(left)s元；经费专款专用。")
        % {
            "year": figures["year"],
            "budget": yuan(funds["budget"]),
            "spent": yuan(funds["spent"]),
            "left": yuan(funds["left"]),
        },
        [
            Table(
                [_("经费来源"), _("预算（元）"), _("已支出（元）"), _("结余（元）"), _("支付人数")],
                [
                    [
                        str(sources.get(line["kind"], line["kind"])),
                        yuan(line["budget"]),
                        yuan(line["spent"]),
                        yuan(line["left"]),
                        line["workers"],
                    ]
                    for line in funds["sources"]
                ],
                [_("合计"), yuan(funds["budget"]), yuan(funds["spent"]), yuan(funds["left"]), ""],
            ),
            Table(
                [_("支出用途"), _("金额（元）")],
                [[str(uses.get(use, use)), yuan(amount)] for use, amount in funds["uses"].items()],
                [_("合计"), yuan(funds["spent"])],
            ),
            Table(
                [_("补助项目"), _("人数"), _("金额（元）")],
                [
                    [_("市总工会公益性岗位人员补助"), city["workers"], yuan(city["amount"])],
                    [_("党群工作者兼职工作补贴"), work["workers"], yuan(work["amount"])],
                ],
            ),
        ],
    )


def _problems(figures: dict, link: Callable[[str], str] | None) -> Section:
    rows = []
    for code, (label, unit) in VIOLATIONS.items():
        count = figures["violations"].get(code, 0)
        if count:
            text = f"{count}{unit}"
            rows.append([str(label), Link(text, link(code)) if link else text])
    lead = (
        _("对照上述各项，共发现%(n)d类问题。") % {"n": len(rows)}
        if rows
        else _("对照上述各项，未发现问题。")
    )
    return Section(_("发现的问题"), lead, [Table([_("问题"), _("数量")], rows)] if rows else [])


def report_sections(figures: dict, *, link: Callable[[str], str] | None = None) -> list[Section]:
    """Return the figures as the report's sections, labelled; ``link(code)`` gives the URL of
    the screen behind a problem found (asked only for the problems counted)."""
    return [
        _workers(figures),
        _staffing(figures),
        _training(figures),
        _evaluation(figures),
        _pay(figures),
        _insurance(figures),
        _funds(figures),
        _problems(figures, link),
    ]


def numbered(items: list) -> list[tuple[str, object]]:
    """Return ``items`` with the numbers of an official document's sections: 一、二、三…"""
    return [(f"{chinese_number(n)}、", item) for n, item in enumerate(items, start=1)]


def report_pdf(report: SelfInspection, figures: dict, *, today: dt.date) -> bytes:
    """Return the report as an A4 PDF, as a county files it with the federation above."""
    sections = [
        *report_sections(figures),
        Section(_("自查情况说明"), "", text=report.remarks or _("（未填写）")),
        Section(_("整改措施"), "", text=report.corrective_actions or _("（未填写）")),
    ]
    submitted = timezone.localtime(report.submitted_at) if report.submitted_at else None
    html = render_to_string(
        TEMPLATE,
        {
            "report": report,
            "title": _("%(federation)s %(year)s 年度社会化工会工作者自查报告")
            % {"federation": report.federation.name, "year": report.year},
            "sections": numbered(sections),
            "addressee": parent.name if (parent := report.federation.get_parent()) else "",
            "submitted": submitted,
            "signed_on": chinese_date(submitted.date() if submitted else today),
        },
    )
    return html_to_pdf(html, stylesheets=[])
