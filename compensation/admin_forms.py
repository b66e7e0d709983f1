"""Forms of the pay screens (薪酬体系, 岗位等级, 年度晋档): choices cut down to the user's
federations and to the scheme in force.

Forms only collect and shape input; saving goes through ``compensation.services`` in the views.
"""

from collections.abc import Iterable
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from evaluation.choices import Grade
from workforce import permissions as workforce_permissions
from workforce.forms import FederationChoiceField
from workforce.models import Federation, Worker

from . import services
from .models import PayScheme, PayTable, Post, StepRun

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]
ALLOWANCE_ROWS = 3  # blank allowance rows offered below those a table has


def yuan_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal("0"), max_digits=12, decimal_places=2, **kwargs
    )


# 薪酬体系 Schemes ------------------------------------------------------------------------------


class SchemeForm(WagtailAdminModelForm):
    """A scheme's name and placement-rule numbers (``services.save_scheme``)."""

    class Meta:
        model = PayScheme
        fields = sorted(services.SCHEME_FIELDS)


class SchemeCreateForm(SchemeForm):
    """A new scheme for one of the user's federations that has none yet."""

    federation = FederationChoiceField(
        label=_("总工会"),
        queryset=Federation.objects.none(),
        help_text=_("本总工会及其下级（没有自己薪酬体系的）适用该体系。"),
    )

    class Meta(SchemeForm.Meta):
        fields = ["federation", *SchemeForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = workforce_permissions.federations_for(
            self.for_user
        ).filter(pay_scheme__isnull=True)

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PostForm(forms.Form):
    """A post (岗位) of a scheme: a range of levels (``services.save_post``)."""

    name = forms.CharField(label=_("岗位"), max_length=30)
    lowest = forms.IntegerField(label=_("起始级"), min_value=1, max_value=99)
    highest = forms.IntegerField(label=_("最高级"), min_value=1, max_value=99)
    order = forms.IntegerField(
        label=_("排序"), min_value=0, max_value=99, initial=0, help_text=_("小的排在前面。")
    )


class AllowanceForm(forms.Form):
    """One allowance row of a pay table; a row left blank is dropped."""

    name = forms.CharField(label=_("津贴名称"), max_length=50)
    qualification = forms.ChoiceField(
        label=_("适用职业资格"),
        choices=[("", _("所有人员")), *Worker.Qualification.choices],
        required=False,
    )
    monthly = yuan_field(_("每月（元）"))


AllowanceFormSet = forms.formset_factory(AllowanceForm, extra=ALLOWANCE_ROWS, can_delete=True)


def ladder(posts: Iterable[Post]) -> list[tuple[int, list[str]]]:
    """Return each level of a scheme's posts with the names of the posts that have it."""
    names: dict[int, list[str]] = {}
    for post in posts:
        for level in range(post.lowest, post.highest + 1):
            names.setdefault(level, []).append(post.name)
    return sorted(names.items())


class PayTableForm(forms.Form):
    """A pay table (``services.save_pay_table``): its date and note, an amount for every level
    of the scheme's ladder, and the allowance rows (``self.allowances``, a formset).

    A new table starts from the amounts and allowances of ``start_from`` (the latest one).
    """

    effective_from = forms.DateField(label=_("执行日期"), widget=AdminDateInput)
    note = forms.CharField(
        label=_("依据"), max_length=200, required=False, help_text=_("如：文件名称和文号。")
    )

    def __init__(self, *args, scheme: PayScheme, start_from: PayTable | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        rates = {}
        allowances = []
        if start_from is not None:
            rates = {rate.level: rate.monthly for rate in start_from.rates.all()}
            allowances = [
                {"name": a.name, "qualification": a.qualification, "monthly": a.monthly}
                for a in start_from.allowances.all()
            ]
        self.ladder = ladder(scheme.posts.all())
        for level, _posts in self.ladder:
            self.fields[f"level_{level}"] = yuan_field(
                _("%(level)s级") % {"level": level}, initial=rates.get(level)
            )
        self.allowances = AllowanceFormSet(
            self.data if self.is_bound else None, initial=allowances, prefix="allowances"
        )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return self.allowances.is_valid() and valid

    def levels(self) -> list[tuple[int, str, forms.BoundField]]:
        """Rows of (level, posts having it, amount field) for the template."""
        return [(level, "、".join(posts), self[f"level_{level}"]) for level, posts in self.ladder]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "effective_from": data["effective_from"],
            "note": data["note"],
            "rates": {level: data[f"level_{level}"] for level, _posts in self.ladder},
            "allowances": [
                (row["name"], row["qualification"], row["monthly"])
                for row in self.allowances.cleaned_data
                if row and not row.get("DELETE")
            ],
        }


class SubsidyForm(forms.Form):
    """The yearly work subsidy of part-time party-mass workers per grade from a date."""

    effective_from = forms.DateField(label=_("执行日期"), widget=AdminDateInput)

    def __init__(self, *args, current: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        for grade, label in sorted(Grade.choices, reverse=True):
            self.fields[f"grade_{grade}"] = yuan_field(
                _("%(grade)s（元/年）") % {"grade": label},
                required=False,
                initial=current.get(grade),
                help_text=_("留空表示该等次不发补贴。"),
            )

    def yearly(self) -> dict[int, Decimal]:
        return {
            grade: self.cleaned_data[f"grade_{grade}"]
            for grade in Grade.values
            if self.cleaned_data.get(f"grade_{grade}") is not None
        }


# 岗位等级 Placements ---------------------------------------------------------------------------


class PlacementForm(forms.Form):
    """定级/调整: a worker's post and level from a date (``services.place_worker``)."""

    post = forms.ModelChoiceField(label=_("岗位"), queryset=None)
    level = forms.IntegerField(label=_("等级"), min_value=1, max_value=99)
    effective_from = forms.DateField(label=_("执行日期"), widget=AdminDateInput)
    note = forms.CharField(
        label=_("依据"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如：定级依据、会议纪要或文件。"),
    )

    def __init__(self, *args, scheme: PayScheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = scheme.posts.all()


# 年度晋档 Step runs ----------------------------------------------------------------------------


class StepRunForm(WagtailAdminModelForm):
    """Start a federation's step run for a year, or refresh it (``services.propose_steps``)."""

    federation = FederationChoiceField(label=_("总工会"), queryset=Federation.objects.none())

    class Meta:
        model = StepRun
        fields = ["federation", "year", "effective_from"]
        widgets = {"effective_from": AdminDateInput}
        help_texts = {
            "year": _("同一总工会同一年度再次提交，会按当前记录刷新尚未处理的建议。"),
            "effective_from": _("确认的晋档从该日起执行，须在该年度内。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = workforce_permissions.federations_for(self.for_user)
        self.fields["year"].validators += YEAR_VALIDATORS

    def _get_validation_exclusions(self):
        # A run that exists is refreshed by the service, not refused as a duplicate.
        return {*super()._get_validation_exclusions(), "year"}

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class DecideForm(forms.Form):
    """Which proposals to confirm or reject, or refresh the run (the button pressed)."""

    action = forms.ChoiceField(
        choices=[("confirm", ""), ("reject", ""), ("confirm_all", ""), ("refresh", "")]
    )
    proposals = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, pending: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(pk, pk) for pk in pending]
