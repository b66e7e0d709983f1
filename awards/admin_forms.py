"""Forms of the awards staff screens: choices cut down to the user's federations and workers.

Forms only collect and shape input; saving goes through ``awards.services`` in the views.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from workforce import permissions as workforce_permissions
from workforce.forms import FederationChoiceField
from workforce.models import Federation, Worker

from . import services
from .choices import Bound, Category
from .models import Allocation, Award, Campaign, Honour, Nomination
from .permissions import allocations_for

# Women are flagged from the roster's gender, not by staff (services._clean_categories).
YEAR_VALIDATORS = [MinValueValidator(1950), MaxValueValidator(2100)]
FLAG_CHOICES = [(value, label) for value, label in Category.choices if value != Category.FEMALE]


def worker_label(worker: Worker) -> str:
    return f"{worker.name}（{worker.federation.display_name}）"


def allocation_label(allocation: Allocation) -> str:
    label = f"（{allocation.label}）" if allocation.label else ""
    return _("%(campaign)s · %(federation)s%(label)s，%(places)d 个名额") % {
        "campaign": allocation.campaign,
        "federation": allocation.federation.display_name,
        "label": label,
        "places": allocation.places,
    }


class AttachmentField(forms.FileField):
    """A PDF or Word attachment, checked like the service checks it (shown on the field)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF 或 Word 文件，不超过 10 MB。"))
        super().__init__(widget=forms.FileInput, **kwargs)

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload and upload is not initial:
            try:
                services.check_attachment(upload)
            except services.AwardsError as error:
                raise forms.ValidationError(str(error)) from None
        return upload


# 荣誉 Award -----------------------------------------------------------------------------------


class AwardForm(WagtailAdminModelForm):
    class Meta:
        model = Award
        fields = ["name", "level", "description"]

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


# 评选活动 Campaign ------------------------------------------------------------------------------


class CampaignForm(WagtailAdminModelForm):
    """Edit a campaign's places, window and rounds (``services.update_campaign``)."""

    class Meta:
        model = Campaign
        fields = ["total_places", "nominate_from", "nominate_until", "review_rounds"]
        widgets = {"nominate_from": AdminDateInput, "nominate_until": AdminDateInput}

    def clean(self):
        # The model's check constraint would otherwise answer with its name; say it in words.
        data = super().clean()
        start, end = data.get("nominate_from"), data.get("nominate_until")
        if start and end and start > end:
            self.add_error("nominate_until", _("推荐截止日期不能早于开始日期。"))
        return data


class CampaignCreateForm(CampaignForm):
    """Open a campaign; the reserved share and notice length come from the policy."""

    federation = FederationChoiceField(
        label=_("组织单位"), queryset=Federation.objects.none(), help_text=_("负责本次评选的总工会")
    )

    class Meta(CampaignForm.Meta):
        fields = ["award", "year", "federation", *CampaignForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = workforce_permissions.federations_for(self.for_user)
        self.fields["year"].validators += YEAR_VALIDATORS

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}


class ConstraintsForm(forms.Form):
    """Each category's share of the nominee list: at least and / or at most, in percent."""

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        current = {(c.category, c.bound): c.percent for c in campaign.constraints.all()}
        for category, _label in Category.choices:
            for bound, bound_label in Bound.choices:
                self.fields[f"{category}_{bound}"] = forms.IntegerField(
                    label=bound_label,
                    min_value=0,
                    max_value=100,
                    required=False,
                    initial=current.get((category, bound)),
                )

    def table(self) -> list[tuple[str, list]]:
        """Rows of (category label, [bound fields]) for the template."""
        return [
            (label, [self[f"{category}_{bound}"] for bound in Bound.values])
            for category, label in Category.choices
        ]

    def rows(self) -> list[tuple[str, str, int]]:
        return [
            (category, bound, self.cleaned_data[f"{category}_{bound}"])
            for category in Category.values
            for bound in Bound.values
            if self.cleaned_data.get(f"{category}_{bound}") is not None
        ]


class AllocateForm(forms.Form):
    """Give reserved places to a federation below the campaign's."""

    federation = FederationChoiceField(label=_("总工会"), queryset=Federation.objects.none())
    places = forms.IntegerField(label=_("名额"), min_value=1, max_value=999)
    label = forms.CharField(
        label=_("名额类型"),
        max_length=50,
        required=False,
        help_text=_("如：基层一线职工；留空为不限"),
    )

    def __init__(self, *args, campaign: Campaign, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = (
            workforce_permissions.federations_for(user)
            .filter(path__startswith=campaign.federation.path)
            .exclude(pk=campaign.federation_id)
        )


class AllocationForm(forms.Form):
    places = forms.IntegerField(
        label=_("名额"), min_value=0, max_value=999, help_text=_("填 0 删除该分配（须无推荐）。")
    )


# 推荐 Nomination ------------------------------------------------------------------------------


class NominationForm(WagtailAdminModelForm):
    """Edit a draft or returned nomination (``services.update_nomination``)."""

    categories = forms.MultipleChoiceField(
        label=_("类别"),
        choices=FLAG_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("女性按花名册的性别自动标记。"),
    )
    deeds_file = AttachmentField(label=_("事迹材料附件"))

    class Meta:
        model = Nomination
        fields = ["categories", "deeds", "summary", "deeds_file", "unit_opinion"]
        widgets = {"unit_opinion": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deeds"].widget = forms.Textarea(attrs={"rows": 8, "maxlength": 5000})

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        values = {key: data[key] for key in ("categories", "deeds", "summary", "unit_opinion")}
        values["deeds_file"] = data["deeds_file"] or None
        return values


class NominationCreateForm(NominationForm):
    """Nominate a worker of the user's subtree into one of the user's allocations."""

    class Meta(NominationForm.Meta):
        fields = ["allocation", "worker", *NominationForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        allocation = self.fields["allocation"]
        allocation.queryset = (
            allocations_for(user)
            .filter(federation__in=workforce_permissions.federations_for(user))
            .select_related("campaign__award", "federation")
            .order_by("-campaign__year", "campaign__pk", "federation__path", "label")
        )
        allocation.label_from_instance = allocation_label
        worker = self.fields["worker"]
        worker.queryset = (
            workforce_permissions.workers_for(user)
            .filter(status=Worker.Status.ACTIVE)
            .select_related("federation")
            .order_by("federation__path", "name")
        )
        worker.label_from_instance = worker_label

    def service_kwargs(self) -> dict:
        return {
            "allocation": self.cleaned_data["allocation"],
            "worker": self.cleaned_data["worker"],
            **super().service_kwargs(),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("理由"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    """A form with nothing to fill in: the button is the decision."""


# 获奖记录 Honour ------------------------------------------------------------------------------


class HonourForm(WagtailAdminModelForm):
    """Record an award a worker won before (``services.record_honour``)."""

    class Meta:
        model = Honour
        fields = ["worker", "award", "year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        worker.queryset = (
            workforce_permissions.workers_for(self.for_user)
            .select_related("federation")
            .order_by("federation__path", "name")
        )
        worker.label_from_instance = worker_label
        self.fields["year"].validators += YEAR_VALIDATORS

    def service_kwargs(self) -> dict:
        return {key: self.cleaned_data[key] for key in self.Meta.fields}
