"""Forms of the evaluation setup screens (社会化评估 admin): choices cut down to the user's
federations and to the cycle at hand.

Forms only collect and shape input; saving goes through ``evaluation.services`` in the views
(``setup_views.py``), which leave every rule (weights adding up, states) to the services.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from workforce import permissions as workforce_permissions
from workforce.forms import FederationChoiceField
from workforce.models import Federation, Posting, open_posting_q

from .choices import Channel, Scale, State
from .models import Assessment, Cycle, Invitation, Kind
from .services import CYCLE_FIELDS, ItemSpec, KindSpec

# The most contacts one issue form takes: a unit's whole list fits, a paste gone wrong does not.
MAX_CONTACTS = 200
MAX_USES = 50
MAX_ROWS = 30


class CycleCreateForm(WagtailAdminModelForm):
    """Open a cycle (``services.create_cycle``) for a federation the user manages."""

    federation = FederationChoiceField(label=_("总工会"), queryset=Federation.objects.none())

    class Meta:
        model = Cycle
        fields = ["federation", "year", "name", "opens_on", "closes_on"]
        widgets = {"opens_on": AdminDateInput, "closes_on": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["federation"].queryset = workforce_permissions.federations_for(self.for_user)
        self.fields["year"].initial = timezone.localdate().year
        self.fields["name"].required = False
        self.fields["name"].help_text = _("留空则为“某年度社会化工会工作者满意度评估”。")
        self.fields["opens_on"].help_text = _(
            "覆盖该总工会在此日期前聘用、仍在岗的社会化工会工作者。"
        )

    def _get_validation_exclusions(self):
        # One cycle a year and the order of the dates are the service's to explain in words;
        # without this the model's constraints would answer first, the check by its bare name.
        return {*super()._get_validation_exclusions(), "federation", "closes_on"}

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "federation": data["federation"],
            "year": data["year"],
            "name": data["name"] or "",
            "opens_on": data["opens_on"],
            "closes_on": data["closes_on"],
        }


# What ``services.update_cycle`` takes in each state; the other fields are shown read-only.
EDITABLE_FIELDS = {
    State.DRAFT: CYCLE_FIELDS,
    State.COLLECTING: frozenset({"name", "closes_on"}),
}


class CycleEditForm(WagtailAdminModelForm):
    """Change a cycle (``services.update_cycle``): everything in a draft, the name and the
    closing date while collecting, nothing afterwards."""

    class Meta:
        model = Cycle
        fields = [
            "name",
            "opens_on",
            "closes_on",
            "label_set",
            "excellent_min",
            "pass_min",
            "basic_min",
            "excellent_share_percent",
        ]
        widgets = {"opens_on": AdminDateInput, "closes_on": AdminDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editable = EDITABLE_FIELDS.get(self.instance.state, frozenset())
        for name, field in self.fields.items():
            if name not in editable:
                field.disabled = True
                field.help_text = _("当前状态下不能修改。")

    def _get_validation_exclusions(self):
        # The order of the dates is the service's to explain (see CycleCreateForm).
        return {*super()._get_validation_exclusions(), "closes_on"}


class KindForm(forms.Form):
    """One row of the kinds screen (``id`` empty: a new kind)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = forms.CharField(label=_("评估主体"), max_length=50)
    weight = forms.IntegerField(label=_("权重（%）"), min_value=0, max_value=100)
    min_answers = forms.IntegerField(
        label=_("最少有效评价数"), min_value=1, max_value=10000, initial=1
    )
    channel = forms.ChoiceField(
        label=_("评价方式"), choices=Channel.choices, initial=Channel.INVITATION
    )


class ItemForm(forms.Form):
    """One row of a questionnaire (``id`` empty: a new item)."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("评价项目"), max_length=200)
    weight = forms.IntegerField(label=_("项目权重"), min_value=1, max_value=100, initial=1)
    scale = forms.ChoiceField(label=_("计分方式"), choices=Scale.choices, initial=Scale.LEVELS)


def _formset(form, extra: int):
    return forms.formset_factory(
        form, extra=extra, can_delete=True, max_num=MAX_ROWS, validate_max=True
    )


KindFormSet = _formset(KindForm, extra=2)
ItemFormSet = _formset(ItemForm, extra=3)


def _kept_rows(formset) -> list[dict]:
    """Return the cleaned rows of a valid formset, without deleted and untouched empty rows."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def kind_rows(kinds) -> list[dict]:
    return [
        {
            "id": k.pk,
            "name": k.name,
            "weight": k.weight,
            "min_answers": k.min_answers,
            "channel": k.channel,
        }
        for k in kinds
    ]


def kind_specs(formset) -> list[KindSpec]:
    return [
        KindSpec(row["name"], row["weight"], row["min_answers"], row["channel"], row["id"])
        for row in _kept_rows(formset)
    ]


def item_rows(items) -> list[dict]:
    return [{"id": i.pk, "text": i.text, "weight": i.weight, "scale": i.scale} for i in items]


def item_specs(formset) -> list[ItemSpec]:
    return [
        ItemSpec(row["text"], row["weight"], row["scale"], row["id"]) for row in _kept_rows(formset)
    ]


def covered(cycle: Cycle) -> QuerySet[Assessment]:
    """The cycle's covered workers with the name of their current unit (``unit``), by name."""
    unit = Posting.objects.filter(open_posting_q(), worker=OuterRef("worker")).order_by("-start")
    return (
        cycle.assessments.select_related("worker")
        .annotate(unit=Subquery(unit.values("unit__name")[:1]))
        .order_by("worker__name", "pk")
    )


class AssessmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Assessment) -> str:
        return f"{obj.worker.name}（{obj.unit}）" if obj.unit else obj.worker.name


# One contact a line: "名称,邮箱", the email optional; a Chinese comma or a tab also separates.
_SEPARATOR = re.compile(r"[,，\t]")


class IssueForm(forms.Form):
    """Issue invitation links (``services.issue_invitations``) for one worker and kind."""

    assessment = AssessmentChoiceField(label=_("被评估人"), queryset=Assessment.objects.none())
    kind = forms.ModelChoiceField(label=_("评估主体"), queryset=Kind.objects.none())
    contacts = forms.CharField(
        label=_("评价人"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "某某公司工会,lianxi@example.com"}),
        help_text=_("每行一位：名称（单位或联系人），可加英文逗号和电子邮箱。"),
    )
    uses = forms.IntegerField(
        label=_("每个链接可用次数"), min_value=1, max_value=MAX_USES, initial=1
    )

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].queryset = covered(cycle)
        self.fields["kind"].queryset = cycle.kinds.filter(channel=Channel.INVITATION)

    def clean_contacts(self) -> list[tuple[str, str]]:
        contacts, errors = [], []
        name_max = Invitation._meta.get_field("contact").max_length
        for number, line in enumerate(self.cleaned_data["contacts"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, email = (part.strip() for part in _partition(line))
            if not name:
                errors.append(_("第 %(n)d 行缺少名称。") % {"n": number})
            elif len(name) > name_max:
                errors.append(_("第 %(n)d 行的名称过长。") % {"n": number})
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    errors.append(_("第 %(n)d 行的电子邮箱无效。") % {"n": number})
            contacts.append((name, email))
        if errors:
            raise ValidationError(errors)
        if not contacts:
            raise ValidationError(_("请至少填写一个评价人。"))
        if len(contacts) > MAX_CONTACTS:
            raise ValidationError(_("一次最多发放 %(n)d 个邀请。") % {"n": MAX_CONTACTS})
        return contacts


def _partition(line: str) -> tuple[str, str, str]:
    parts = _SEPARATOR.split(line, maxsplit=1)
    return (parts[0], ",", parts[1]) if len(parts) == 2 else (parts[0], "", "")


class InvitationFilterForm(forms.Form):
    """Narrow the invitation list to one worker and/or kind."""

    worker = AssessmentChoiceField(
        label=_("被评估人"), queryset=Assessment.objects.none(), required=False
    )
    kind = forms.ModelChoiceField(label=_("评估主体"), queryset=Kind.objects.none(), required=False)

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = covered(cycle)
        self.fields["kind"].queryset = cycle.kinds.filter(channel=Channel.INVITATION)


class ConfirmForm(forms.Form):
    """A form with nothing to fill in: the button is the decision."""
