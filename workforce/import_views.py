"""Admin screens for the roster import (名册导入): upload a file, see errors or the result.

Registered in ``workforce/wagtail_hooks.py``; Wagtail sends anonymous users to its login.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from lms.spreadsheets import FORMATS, download_response

from . import roster_import, services
from .admin_links import import_links
from .permissions import federations_for, staff_paths_or_404
from .roster_import import ImportResult, Kind, RosterUploadForm, RowError, SpreadsheetError

IMPORTERS = {Kind.UNITS: services.import_units, Kind.WORKERS: services.import_workers}


@dataclass
class Outcome:
    result: ImportResult | None = None
    errors: list[RowError] = field(default_factory=list)


def run_import(*, kind: str, data: bytes, filename: str, by) -> Outcome:
    """Check the file, then write it, or collect every row error if anything is wrong.

    When some rows fail their checks, the rest still go through the service as a dry run, so
    problems only writing can find (an exchange dated too early, say) are listed at once.
    """
    checked = roster_import.check_file(kind=kind, data=data, filename=filename, user=by)
    errors = list(checked.errors)
    try:
        result = IMPORTERS[kind](by=by, rows=checked.rows, dry_run=bool(errors))
    except services.ImportRejected as exc:
        errors.extend(exc.errors)
    if errors:
        return Outcome(errors=sorted(errors, key=lambda e: e.line))
    return Outcome(result=result)


def roster_import_view(request):
    """Choose units or workers, upload an XLSX or CSV file, then show errors or the summary."""
    staff_paths_or_404(request)
    outcome = None
    if request.method == "POST":
        form = RosterUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                outcome = run_import(
                    kind=form.cleaned_data["kind"],
                    data=upload.read(),
                    filename=upload.name,
                    by=request.user,
                )
            except SpreadsheetError as exc:
                form.add_error("file", str(exc))
    else:
        form = RosterUploadForm()
    kind = form["kind"].value() if form.is_bound else None
    return TemplateResponse(
        request,
        "workforce/roster_import.html",
        {
            "form": form,
            "outcome": outcome,
            "kind_label": Kind(kind).label if kind in Kind.values else "",
            "follow_up": import_links(kind) if outcome is not None and outcome.result else [],
            "federations": list(federations_for(request.user).values_list("name", flat=True)),
            "kinds": [
                (value, label, [c.header for c in roster_import.COLUMNS[value]])
                for value, label in Kind.choices
            ],
            "formats": FORMATS,
            "max_rows": roster_import.MAX_ROWS,
        },
    )


def roster_template_view(request, kind: str, fmt: str):
    """Download a template for ``kind`` (units/workers) as XLSX or CSV, with an example row."""
    staff_paths_or_404(request)
    if kind not in Kind.values or fmt not in FORMATS:
        raise Http404
    build = roster_import.template_xlsx if fmt == "xlsx" else roster_import.template_csv
    filename = _("%(kind)s名册导入模板.%(fmt)s") % {"kind": Kind(kind).label, "fmt": fmt}
    return download_response(build(kind, request.user), fmt, filename)
