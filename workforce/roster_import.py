"""Roster import: read a units or workers sheet (XLSX or CSV), check its rows, build templates.

Nothing here writes. ``check_file`` turns an upload into checked rows (federations and units
already resolved inside the user's subtree) plus every problem found, each with the line number
the user sees in the spreadsheet (the header is line 1). ``services.import_units`` and
``services.import_workers`` then write the rows, all or nothing.
"""

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import openpyxl
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet.datavalidation import DataValidation

from lms import spreadsheets

from . import idnumber
from .models import Federation, Unit, Worker, validate_id_number
from .permissions import federations_for, units_for

logger = logging.getLogger(__name__)

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
# Columns read from an XLSX sheet; anything further right is ignored.
MAX_COLUMNS = 64
# Written in templates for the example worker: the sample number of GB 11643-1999 itself.
EXAMPLE_ID_NUMBER = idnumber.make("11010519491231002")


class Kind(models.TextChoices):
    UNITS = "units", gettext_lazy("基层工会")
    WORKERS = "workers", gettext_lazy("社会化工会工作者")


class SpreadsheetError(Exception):
    """The upload is not a readable table of the chosen kind; the message is for the user."""


@dataclass(frozen=True)
class Column:
    """One spreadsheet column: the form field it fills and its fixed Chinese header.

    Headers are part of the file format, not of the interface language, so they are not
    translated.
    """

    field: str
    header: str
    required: bool
    help: str = ""


UNIT_COLUMNS = (
    Column("federation", "所属总工会", True, gettext_lazy("您可管理的总工会全称（或代码）")),
    Column("name", "单位名称", True, gettext_lazy("基层工会名称，同一总工会下不重复")),
    Column("kind", "类型", True),
    Column("headcount", "职工人数", True, gettext_lazy("整数")),
    Column("address", "地址", False),
)

WORKER_COLUMNS = (
    Column("name", "姓名", True),
    Column("gender", "性别", True),
    Column("id_number", "身份证号码", True, gettext_lazy("18 位，请把该列设为文本格式")),
    Column("mobile", "手机号码", False),
    Column("education", "学历", True),
    Column("qualification", "社会工作职业资格", False, gettext_lazy("留空表示“无”")),
    Column("employment_mode", "用工方式", True),
    Column("contractor", "承接机构", False, gettext_lazy("购买社会化服务时必填")),
    Column("federation", "聘用单位", True, gettext_lazy("聘用的总工会全称（或代码）")),
    Column("hire_date", "聘用日期", True, gettext_lazy("YYYY-MM-DD")),
    Column(
        "unit",
        "定岗单位",
        False,
        gettext_lazy("基层工会名称；重名时写成“所属总工会/单位名称”；留空表示暂不定岗"),
    ),
    Column(
        "posting_date",
        "定岗日期",
        False,
        gettext_lazy("YYYY-MM-DD；填写定岗单位时必填，岗位交流从该日起"),
    ),
)

COLUMNS = {Kind.UNITS: UNIT_COLUMNS, Kind.WORKERS: WORKER_COLUMNS}
CHOICES = {
    "kind": Unit.Kind,
    "gender": Worker.Gender,
    "education": Worker.Education,
    "qualification": Worker.Qualification,
    "employment_mode": Worker.EmploymentMode,
}


def header_for(kind: str, field_name: str) -> str:
    """Return the column header of ``field_name`` in a ``kind`` file ('' for the whole row)."""
    return next((c.header for c in COLUMNS[kind] if c.field == field_name), "")


def choice_labels(choices: type[models.TextChoices]) -> list[str]:
    """Return the Chinese labels of ``choices``, as written in the files."""
    with translation.override("zh-hans"):
        return [str(label) for label in choices.labels]


# Checked rows and the outcome of an import ----------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem with one line of the file; line 1 is the header, column '' the whole row."""

    line: int
    column: str
    message: str

    @classmethod
    def of_form(cls, line: int, form, headers: dict[str, str]) -> list["RowError"]:
        """Return one error per message of a row's invalid ``form``, under its column header."""
        return [
            cls(line, headers.get(name, ""), message)
            for name, messages in form.errors.items()
            for message in messages
        ]


@dataclass(frozen=True)
class UnitRow:
    line: int
    federation: Federation
    name: str
    kind: str
    headcount: int
    address: str


@dataclass(frozen=True)
class WorkerRow:
    line: int
    name: str
    gender: str
    id_number: str
    mobile: str
    education: str
    qualification: str
    employment_mode: str
    contractor: str
    federation: Federation
    hire_date: dt.date
    unit: Unit | None
    posting_date: dt.date | None


@dataclass(frozen=True)
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return _("新增 %(created)d 条，更新 %(updated)d 条，未变 %(unchanged)d 条。") % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }


@dataclass
class CheckedFile:
    """Rows that passed their checks, and the problems of the others."""

    kind: str
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


# Reading tables ------------------------------------------------------------------------------


@dataclass
class Table:
    """A sheet's header and its non-empty data rows as (line, values) pairs."""

    headers: list[str]
    rows: list[tuple[int, tuple]]


def _cell(value):
    """Return a cell value with blanks as None, text stripped and whole floats as int."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _table(lines: Iterable[Sequence]) -> Table:
    """Build a table from rows of cells, the first being the header."""
    lines = iter(lines)
    header = [_cell(v) for v in next(lines, ())]
    while header and header[-1] is None:
        header.pop()
    if not header:
        raise SpreadsheetError(_("文件是空的，或第一行不是列名。"))
    width = len(header)
    rows = []
    for line, values in enumerate(lines, start=2):
        values = tuple(_cell(v) for v in values[:width])
        if all(v is None for v in values):
            continue
        if len(rows) == MAX_ROWS:
            raise SpreadsheetError(_("一次最多导入 %(max)d 行，请分批导入。") % {"max": MAX_ROWS})
        rows.append((line, values + (None,) * (width - len(values))))
    return Table(headers=["" if h is None else str(h) for h in header], rows=rows)


def _xlsx_lines(data: bytes) -> Iterator[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # Some writers declare wrong dimensions; read what is really there.
        sheet.reset_dimensions()
        yield from sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
    finally:
        workbook.close()


def _decode(data: bytes) -> str:
    """Decode CSV bytes: UTF-16 with BOM, UTF-8 with or without BOM, or GB18030."""
    # Excel's "Unicode text" is UTF-16 with a BOM; any other text has no NUL bytes.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    if not utf16 and b"\x00" in data:
        raise SpreadsheetError(_("无法读取：文件不是 XLSX 或 CSV 表格。"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError(
        _("无法读取：文件不是 XLSX 或 CSV 表格（CSV 须为 UTF-8 或 GB18030 编码）。")
    )


def _csv_lines(text: str) -> Iterator[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def read_table(data: bytes, filename: str = "") -> Table:
    """Read the first sheet of an XLSX file, or a CSV file, into a table.

    The format is told by the content, not the name; anything else raises ``SpreadsheetError``.
    """
    if not data:
        raise SpreadsheetError(_("文件是空的。"))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            _("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后上传。")
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            return _table(_xlsx_lines(data))
        except SpreadsheetError:
            raise
        except Exception:  # noqa: BLE001 - any damage inside the zip means "cannot read"
            logger.info("Unreadable XLSX upload %r", filename, exc_info=True)
            raise SpreadsheetError(
                _("无法读取该 Excel 文件，请确认它是 .xlsx 格式且未损坏。")
            ) from None
    if filename.lower().endswith((".xlsx", ".xlsm")):
        raise SpreadsheetError(_("无法读取：该文件不是有效的 .xlsx 文件。"))
    text = _decode(data)
    try:
        return _table(_csv_lines(text))
    except csv.Error as exc:
        raise SpreadsheetError(_("无法读取该 CSV 文件：%(error)s") % {"error": exc}) from None


# Row forms -----------------------------------------------------------------------------------


class LabelChoiceField(forms.Field):
    """A choice written as its Chinese label (as in the model choices), or its stored value."""

    def __init__(self, choices: type[models.TextChoices], *, default: str = "", **kwargs):
        self.choices = choices
        self.default = default
        super().__init__(**kwargs)

    def to_python(self, value) -> str:
        if value in self.empty_values:
            return self.default
        text = str(value).strip()
        mapping = {value: value for value in self.choices.values}
        mapping.update({str(label): value for value, label in self.choices.choices})
        mapping.update(zip(choice_labels(self.choices), self.choices.values, strict=True))
        if text in mapping:
            return mapping[text]
        raise ValidationError(
            _("“%(value)s”不是可选值，可填：%(labels)s。"),
            code="invalid_choice",
            params={"value": text, "labels": "、".join(choice_labels(self.choices))},
        )


class SpreadsheetDateField(forms.DateField):
    """A date written as YYYY-MM-DD (or YYYY/M/D, as Chinese Excel saves CSV) or an Excel date."""

    input_formats = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
    default_error_messages = {"invalid": gettext_lazy("日期应写成 YYYY-MM-DD，如 2024-03-01。")}

    def to_python(self, value):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # An Excel date serial in a cell not formatted as a date.
            if not 1 <= value <= 2958465:
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            return from_excel(value).date()
        if isinstance(value, dt.time):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IdNumberField(forms.CharField):
    """An 18-character ID number; refuses numbers Excel has already rounded."""

    def __init__(self, **kwargs):
        super().__init__(max_length=18, validators=[validate_id_number], **kwargs)

    def to_python(self, value) -> str:
        rounded = ValidationError(
            _("身份证号码被 Excel 当成了数字（会丢失末几位），请把该列设为文本格式后重新填写。"),
            code="numeric_id_number",
        )
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise rounded
        value = super().to_python(value)
        if re.search(r"[eE]\+", value):
            raise rounded
        return idnumber.normalize(value)


class RowForm(forms.Form):
    """Check one line of the file; ``lookups`` hold the user's federations and units by name."""

    def __init__(self, data, *, lookups: "Lookups"):
        super().__init__(data)
        self.lookups = lookups

    def clean_federation(self) -> Federation:
        name = self.cleaned_data["federation"]
        federation = self.lookups.federations.get(name)
        if federation is None:
            # The same words whether it does not exist or is someone else's: no existence leak.
            raise ValidationError(
                _("找不到总工会“%(name)s”，或您无权管理该总工会。"), params={"name": name}
            )
        return federation


class UnitRowForm(RowForm):
    federation = forms.CharField(max_length=100)
    name = forms.CharField(max_length=150)
    kind = LabelChoiceField(Unit.Kind)
    headcount = forms.IntegerField(min_value=0, max_value=10_000_000)
    address = forms.CharField(max_length=200, required=False)


class WorkerRowForm(RowForm):
    name = forms.CharField(max_length=50)
    gender = LabelChoiceField(Worker.Gender)
    id_number = IdNumberField()
    mobile = forms.CharField(
        max_length=20,
        required=False,
        validators=[RegexValidator(r"^\+?[\d\- ]+$", gettext_lazy("手机号码只能包含数字。"))],
    )
    education = LabelChoiceField(Worker.Education)
    qualification = LabelChoiceField(
        Worker.Qualification, default=Worker.Qualification.NONE, required=False
    )
    employment_mode = LabelChoiceField(Worker.EmploymentMode)
    contractor = forms.CharField(max_length=150, required=False)
    federation = forms.CharField(max_length=100)
    hire_date = SpreadsheetDateField()
    unit = forms.CharField(max_length=250, required=False)
    posting_date = SpreadsheetDateField(required=False)

    def clean(self):
        data = super().clean()
        if data.get("employment_mode") == Worker.EmploymentMode.PURCHASED and not data.get(
            "contractor"
        ):
            self.add_error("contractor", _("购买社会化服务的人员须填写承接机构。"))
        unit_name = data.get("unit")
        if unit_name:
            if "posting_date" in data and data["posting_date"] is None:
                self.add_error("posting_date", _("填写了定岗单位时须填写定岗日期。"))
            try:
                data["unit"] = self.lookups.unit(unit_name, data.get("federation"))
            except ValidationError as exc:
                self.add_error("unit", exc)
        else:
            data["unit"] = None
            if data.get("posting_date"):
                self.add_error("unit", _("填写了定岗日期时须填写定岗单位。"))
        return data


ROW_FORMS = {Kind.UNITS: UnitRowForm, Kind.WORKERS: WorkerRowForm}


@dataclass
class Lookups:
    """The federations and units a user may import into, by the names written in files."""

    federations: dict[str, Federation]
    units: dict[str, list[Unit]]

    @classmethod
    def gather(cls, user, *, unit_names: Iterable[str] = ()) -> "Lookups":
        """Load the user's federations (1 query) and their units named in the file (1 query)."""
        managed = list(federations_for(user))
        federations = {federation.code: federation for federation in managed}
        # Full names win over codes when a code happens to equal another federation's name.
        federations.update({federation.name: federation for federation in managed})
        names = set()
        for value in unit_names:
            names.add(value)
            names.add(value.rsplit("/", 1)[-1].strip())
        units: dict[str, list[Unit]] = {}
        if names:
            for unit in units_for(user).filter(name__in=names).select_related("federation"):
                units.setdefault(unit.name, []).append(unit)
        return cls(federations=federations, units=units)

    def unit(self, written: str, hiring: Federation | None) -> Unit:
        """Return the unit written as 'name' or 'federation/name'; prefer the hiring subtree."""
        candidates = self.units.get(written, [])
        if not candidates and "/" in written:
            federation_name, name = (part.strip() for part in written.rsplit("/", 1))
            federation = self.federations.get(federation_name)
            candidates = [u for u in self.units.get(name, []) if u.federation == federation]
        if len(candidates) > 1 and hiring is not None:
            inside = [u for u in candidates if u.federation.path.startswith(hiring.path)]
            candidates = inside or candidates
        if not candidates:
            raise ValidationError(
                _("找不到定岗单位“%(name)s”，或您无权管理该单位。"), params={"name": written}
            )
        if len(candidates) > 1:
            raise ValidationError(
                _("有多个名为“%(name)s”的基层工会，请写成“所属总工会/单位名称”。"),
                params={"name": written},
            )
        return candidates[0]


def header_problems(headers: list[str], *, required, known) -> list[str]:
    """Return what is wrong with a sheet's column names: missing, unknown and repeated ones."""
    problems = []
    missing = [h for h in required if h not in headers]
    unknown = [h for h in headers if h and h not in known]
    repeated = sorted({h for h in headers if h and headers.count(h) > 1})
    if missing:
        problems.append(_("缺少列：%(columns)s。") % {"columns": "、".join(missing)})
    if unknown:
        problems.append(_("无法识别的列：%(columns)s。") % {"columns": "、".join(unknown)})
    if repeated:
        problems.append(_("列重复：%(columns)s。") % {"columns": "、".join(repeated)})
    return problems


def _check_headers(kind: str, headers: list[str]) -> None:
    expected = [c.header for c in COLUMNS[kind]]
    problems = header_problems(headers, required=expected, known=expected)
    if not problems:
        return
    other = Kind.WORKERS if kind == Kind.UNITS else Kind.UNITS
    if all(c.header in headers for c in COLUMNS[other] if c.required):
        problems.append(
            _("这看起来是“%(other)s”名册，请选择正确的导入内容。") % {"other": other.label}
        )
    problems.append(_("应有的列：%(columns)s。") % {"columns": "、".join(expected)})
    raise SpreadsheetError(" ".join(problems))


def check_table(kind: str, table: Table, user) -> CheckedFile:
    """Check every row of ``table`` for ``user``: fields, names within the subtree, duplicates."""
    _check_headers(kind, table.headers)
    if not table.rows:
        raise SpreadsheetError(_("文件中只有列名，没有数据行。"))
    columns = COLUMNS[kind]
    by_header = {c.header: c.field for c in columns}
    positions = {by_header[h]: i for i, h in enumerate(table.headers) if h in by_header}
    unit_names = ()
    if kind == Kind.WORKERS:
        at = positions["unit"]
        unit_names = {str(values[at]) for _line, values in table.rows if values[at] is not None}
    lookups = Lookups.gather(user, unit_names=unit_names)
    headers = {c.field: c.header for c in columns}
    checked = CheckedFile(kind=kind)
    first_line: dict[tuple, int] = {}
    row_class = UnitRow if kind == Kind.UNITS else WorkerRow
    for line, values in table.rows:
        form = ROW_FORMS[kind]({f: values[i] for f, i in positions.items()}, lookups=lookups)
        if not form.is_valid():
            checked.errors.extend(RowError.of_form(line, form, headers))
            continue
        data = form.cleaned_data
        if kind == Kind.UNITS:
            key, column = (data["federation"].pk, data["name"]), "单位名称"
            duplicate = _("与第 %(line)d 行是同一总工会下的同名单位。")
        else:
            key, column = (data["id_number"],), "身份证号码"
            duplicate = _("身份证号码与第 %(line)d 行重复。")
        if key in first_line:
            checked.errors.append(RowError(line, column, duplicate % {"line": first_line[key]}))
            continue
        first_line[key] = line
        checked.rows.append(row_class(line=line, **data))
    return checked


def check_file(*, kind: str, data: bytes, filename: str, user) -> CheckedFile:
    """Read and check an uploaded file; raise ``SpreadsheetError`` if it is not a usable table."""
    return check_table(kind, read_table(data, filename), user)


# The upload form -----------------------------------------------------------------------------


class SpreadsheetUploadForm(forms.Form):
    """An XLSX or CSV upload of at most ``MAX_UPLOAD_BYTES``; imports subclass it."""

    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("XLSX 或 CSV 文件，不超过 5 MB，第一行为列名。"),
        validators=[
            FileExtensionValidator(["xlsx", "csv"], gettext_lazy("请上传 .xlsx 或 .csv 文件。"))
        ],
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("文件太大（%(size).1f MB），不能超过 %(max)d MB。"),
                params={
                    "size": upload.size / 1024 / 1024,
                    "max": MAX_UPLOAD_BYTES // 1024 // 1024,
                },
            )
        return upload


class RosterUploadForm(SpreadsheetUploadForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("导入内容"),
        choices=Kind.choices,
        initial=Kind.WORKERS,
        widget=forms.RadioSelect,
    )
    field_order = ["kind", "file"]


# Templates -----------------------------------------------------------------------------------


def example_row(kind: str, user) -> list:
    """Return an example line a user could import as is (their own federation and unit)."""
    federation = federations_for(user).first()
    federation_name = federation.name if federation else ""
    if kind == Kind.UNITS:
        return [federation_name, "城北街道工会", choice_labels(Unit.Kind)[1], 2600, "城北街道 1 号"]
    unit = units_for(user).select_related("federation").order_by("federation__path", "name")
    unit = unit.first()
    if unit is not None:
        federation_name = unit.federation.name
    labels = {name: choice_labels(choices) for name, choices in CHOICES.items()}
    return [
        "张三",
        labels["gender"][0],
        EXAMPLE_ID_NUMBER,
        "13800000000",
        labels["education"][2],
        labels["qualification"][1],
        labels["employment_mode"][1],
        "示例社会工作服务中心",
        federation_name,
        dt.date(2024, 3, 1),
        unit.name if unit else "",
        dt.date(2024, 3, 15) if unit else None,
    ]


def _column_help(column: Column) -> str:
    if column.field in CHOICES:
        return _("可填：%(labels)s") % {"labels": "、".join(choice_labels(CHOICES[column.field]))}
    return str(column.help)


def template_xlsx(kind: str, user) -> bytes:
    """Return an XLSX template: headers, one example line, drop-down lists and instructions."""
    columns = COLUMNS[kind]
    book = spreadsheets.new_workbook()
    sheet = spreadsheets.add_sheet(
        book,
        Kind(kind).label,
        [c.header for c in columns],
        [example_row(kind, user)],
        widths={
            get_column_letter(index): max(12, len(column.header) * 2 + 4)
            for index, column in enumerate(columns, start=1)
        },
    )
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        cells = f"{letter}2:{letter}{MAX_ROWS + 1}"
        if column.field in CHOICES:
            options = ",".join(choice_labels(CHOICES[column.field]))
            validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
            sheet.add_data_validation(validation)
            validation.add(cells)
        if column.field in {"id_number", "mobile"}:
            # Text, so Excel keeps all 18 digits.
            for (cell,) in sheet.iter_rows(min_row=2, max_row=200, min_col=index, max_col=index):
                cell.number_format = "@"
        if column.field.endswith("date"):
            for (cell,) in sheet.iter_rows(min_row=2, max_row=200, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
    notes = [
        [column.header, _("是") if column.required else _("否"), _column_help(column)]
        for column in columns
    ]
    notes += [[], [_("只读取第一个工作表；第 2 行是示例，导入前请改成真实数据或删除。")]]
    spreadsheets.add_sheet(
        book, _("填写说明"), [_("列名"), _("必填"), _("说明")], notes, widths={"C": 70}
    )
    return spreadsheets.save(book)


def template_csv(kind: str, user) -> bytes:
    """Return a CSV template (UTF-8 with BOM, so Excel shows the Chinese) with one example line."""
    return spreadsheets.csv_bytes([c.header for c in COLUMNS[kind]], [example_row(kind, user)])
