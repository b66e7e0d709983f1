"""Forms of the funds and self-inspection screens (经费台账, 经费支出, 年度自查报告).

Choices are cut down to the user's federations, sources and workers; forms only collect and
shape input, and the views save through ``compensation.services``.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from workforce import permissions as workforce_permissions
from workforce.forms import FederationChoiceField
from workforce.models import Federation, Worker

from .models import FundSource, SelfInspection, Spending
from .permissions import fund_sources_for

# Fund sources and self-inspections are kept per county-level federation (services._county_level).
COUNTY_DEPTH = 2
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


def county_federations(user):
    """The county-level federations ``user`` manages (those that keep funds and file reports)."""
    return workforce_permissions.federations_for(user).filter(depth=COUNTY_DEPTH)


def source_label(source: FundSource) -> str:
    return f"{source.federation.display_name} {source.year} {source.get_kind_display()}"


def worker_label(worker: Worker) -> str:
    return f"{worker.name}（{worker.federation.display_name}）"


class CountyYearForm(WagtailAdminModelForm):
    """A form naming one of the user's county-level federations and a year."""

    federation = FederationChoiceField(label=_("总工会"), queryset=Federation.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = county_federations(self.for_user)
        self.fields["year"].validators += YEAR_VALIDATORS


# 经费台账 Fund sources -----------------------------------------------------------------------


class FundSourceForm(WagtailAdminModelForm):
    """Change a source's budget and note (``services.save_fund_source``)."""

    class Meta:
        model = FundSource
        fields = ["budget", "note"]


class FundSourceCreateForm(CountyYearForm):
    """Add a county's budget from one source for a year."""

    class Meta:
        model = FundSource
        fields = ["federation", "year", "kind", "budget", "note"]

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


# 经费支出 Spending --------------------------------------------------------------------------


class ChargeForm(WagtailAdminModelForm):
    """Charge a spending to one of the user's sources (``services.charge``).

    With a source chosen (``?source=`` from its page), the workers offered are those under
    the source's federation; the service refuses any other.
    """

    class Meta:
        model = Spending
        fields = ["source", "use", "amount", "spent_on", "worker", "note"]
        widgets = {"spent_on": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        sources = fund_sources_for(user).select_related("federation")
        source_field = self.fields["source"]
        source_field.queryset = sources.order_by("-year", "federation__path", "kind")
        source_field.label_from_instance = source_label
        workers = (
            workforce_permissions.workers_for(user)
            .filter(status=Worker.Status.ACTIVE)
            .select_related("federation")
            .order_by("federation__path", "name")
        )
        chosen = str(self["source"].value() or "")
        chosen = sources.filter(pk=chosen).first() if chosen.isdigit() else None
        if chosen is not None:
            workers = workers.filter(federation__path__startswith=chosen.federation.path)
        worker_field = self.fields["worker"]
        worker_field.queryset = workers
        worker_field.label_from_instance = worker_label
        worker_field.help_text = _("可选：该笔支出用于哪位社会化工会工作者。")

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


class VoidForm(forms.Form):
    reason = forms.CharField(
        label=_("作废原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


# 年度自查报告 Self-inspection ----------------------------------------------------------------


class StartReportForm(CountyYearForm):
    """Open a county's self-inspection for a year (the existing one is opened again)."""

    class Meta:
        model = SelfInspection
        fields = ["federation", "year"]

    def _get_validation_exclusions(self):
        # The year's report may exist: ``services.start_report`` opens it, which is no error.
        return {*super()._get_validation_exclusions(), "federation", "year"}

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


class ReportTextForm(WagtailAdminModelForm):
    """The county's own words: remarks and corrective actions (``services.save_report_text``)."""

    class Meta:
        model = SelfInspection
        fields = ["remarks", "corrective_actions"]
        widgets = {
            "remarks": forms.Textarea(attrs={"rows": 10}),
            "corrective_actions": forms.Textarea(attrs={"rows": 8}),
        }
        help_texts = {
            "remarks": _("概述本年度聘用、管理和经费使用的自查情况；报送前必须填写。"),
            "corrective_actions": _("针对发现的问题，写明整改措施、责任人和完成时限。"),
        }


class ReviewForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("审阅结果"),
        choices=[("accept", _("确认收到")), ("return", _("退回修改"))],
        coerce=lambda value: value == "accept",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("审阅意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("退回时必须填写。"),
    )
