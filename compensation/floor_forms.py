"""Forms of the floor screens: minimum wages, tiers, the floor check's filter and insurance.

Forms only collect and shape input; saving goes through ``compensation.services`` in the views
(``floor_views``), which also decide who may do what.
"""

import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from workforce.forms import FederationChoiceField
from workforce.models import Federation

from .models import MinimumWage, TierAssignment
from .permissions import tier_federations_for
from .selectors import FloorStatus

# The years the insurance screens accept (a year outside is a typo, not a record).
FIRST_YEAR, LAST_YEAR = 2000, 2100
# What the floor check's list can be narrowed to: the statuses that need attention.
PROBLEM_LABELS = {
    FloorStatus.BELOW: _("不高于最低工资"),
    FloorStatus.WILL_FALL: _("将不高于新标准"),
    FloorStatus.UNPLACED: _("未定级"),
    FloorStatus.NO_FLOOR: _("无适用最低工资标准"),
}
STATUS_LABELS = {FloorStatus.ABOVE: _("高于最低工资"), **PROBLEM_LABELS}


class MinimumWageForm(WagtailAdminModelForm):
    """A tier's monthly minimum wage from a date (``services.save_minimum_wage``)."""

    class Meta:
        model = MinimumWage
        fields = ["tier", "monthly", "effective_from", "note"]
        widgets = {"effective_from": AdminDateInput}

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


class TierForm(WagtailAdminModelForm):
    """Put a federation in a tier from a date (``services.assign_tier``)."""

    federation = FederationChoiceField(label=_("总工会"), queryset=Federation.objects.none())

    class Meta:
        model = TierAssignment
        fields = ["federation", "tier", "effective_from"]
        widgets = {"effective_from": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = tier_federations_for(self.for_user)

    def _get_validation_exclusions(self):
        # The model's once-per-date constraint is not an error here: services.assign_tier
        # replaces the tier of a date already set (a correction).
        return {*super()._get_validation_exclusions(), "effective_from"}

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


class FloorCheckFilter(forms.Form):
    """The floor check's date (today when left out) and the problem to list."""

    on = forms.DateField(label=_("核查日期"), required=False, widget=AdminDateInput)
    status = forms.ChoiceField(
        label=_("核查结果"),
        required=False,
        choices=[("", _("全部需关注的人员")), *PROBLEM_LABELS.items()],
    )

    def chosen(self, today: dt.date) -> tuple[dt.date, str]:
        """Return the date and status asked for; today and every problem for what is invalid."""
        self.is_valid()
        return self.cleaned_data.get("on") or today, self.cleaned_data.get("status", "")


class InsuranceFilter(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)

    def chosen(self, today: dt.date) -> int:
        """Return the year asked for, or this year when it is missing or invalid."""
        self.is_valid()
        return self.cleaned_data.get("year") or today.year


class InsuranceForm(forms.Form):
    """The months of one year a worker's social insurance was paid for."""

    months = forms.TypedMultipleChoiceField(
        label=_("已缴月份"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("勾选用人单位已为其缴纳社会保险的月份；取消勾选即更正为未缴。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["months"].choices = [
            (month, gettext("%(month)s月") % {"month": month}) for month in range(1, 13)
        ]
