"""Admin forms for the roster: choices cut down to the user's federations.

Forms only collect and shape input; saving goes through ``workforce.services`` in the views.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from . import idnumber, permissions, selectors, services
from .models import Federation, Posting, Unit
from .policy import POLICY_FIELDS, Policy


def federation_label(federation: Federation) -> str:
    """Return a federation's name indented by its depth, so a select shows the tree."""
    return "\u3000" * (federation.depth - 1) + federation.name


def unit_label(unit: Unit) -> str:
    return f"{unit.name}（{unit.federation.display_name}）"


class FederationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Federation) -> str:
        return federation_label(obj)


def _scope_field(form: forms.Form, name: str, queryset, label=None) -> None:
    """Limit a choice field to ``queryset`` (the user's rows), optionally relabelling options."""
    if name in form.fields:
        form.fields[name].queryset = queryset
        if label is not None:
            form.fields[name].label_from_instance = label


class FederationCreateForm(WagtailAdminModelForm):
    """Add a federation under one the user manages."""

    parent = FederationChoiceField(
        label=_("上级总工会"),
        queryset=Federation.objects.none(),
        required=False,
        help_text=_("新总工会建在所选总工会之下。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["parent"].queryset = permissions.federations_for(user)
        # Only a superuser may start a new tree.
        self.fields["parent"].required = not (user and user.is_superuser)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "parent": data["parent"],
            "name": data["name"],
            "short_name": data.get("short_name", ""),
            "code": data["code"],
            "level": data["level"],
        }


class FederationForm(WagtailAdminModelForm):
    """Edit a federation's names and level (its place in the tree does not change here)."""


class UnitForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_field(
            self, "federation", permissions.federations_for(self.for_user), federation_label
        )


class WorkerCreateForm(WagtailAdminModelForm):
    """Register a worker: the service creates the login account, named by ID number."""

    email = forms.EmailField(label=_("电子邮箱"), required=False)
    unit = forms.ModelChoiceField(
        label=_("首次定岗单位"),
        queryset=Unit.objects.none(),
        required=False,
        help_text=_("选填。定岗自聘用日期起；也可以稍后在“定岗”中办理。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_field(
            self, "federation", permissions.federations_for(self.for_user), federation_label
        )
        _scope_field(
            self,
            "unit",
            permissions.units_for(self.for_user).select_related("federation"),
            unit_label,
        )

    def clean_id_number(self) -> str:
        return idnumber.normalize(self.cleaned_data["id_number"])

    def register_kwargs(self) -> dict:
        data = self.cleaned_data
        kwargs = {name: data[name] for name in services.WORKER_PROFILE_FIELDS}
        kwargs.update(id_number=data["id_number"], email=data.get("email") or "")
        return kwargs


class WorkerForm(WagtailAdminModelForm):
    """Edit a worker's profile; status and postings change through their own actions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_field(
            self, "federation", permissions.federations_for(self.for_user), federation_label
        )


class PostingCreateForm(WagtailAdminModelForm):
    """Post (定岗) an active worker who has no open posting."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_field(
            self,
            "worker",
            permissions.workers_for(self.for_user).active().select_related("federation"),
        )
        _scope_field(
            self,
            "unit",
            permissions.units_for(self.for_user).select_related("federation"),
            unit_label,
        )
        self.fields["kind"].choices = [
            choice for choice in Posting.Kind.choices if choice[0] != Posting.Kind.EXCHANGE
        ]
        self.fields["kind"].help_text = _("调往其他单位请使用工作者的“岗位交流”。")

    def _get_validation_exclusions(self):
        # The one-open-posting rule is the service's to explain in words; without this the
        # model's conditional unique constraint would answer with its bare name.
        return {*super()._get_validation_exclusions(), "worker"}


class EndPostingForm(WagtailAdminModelForm):
    """End (结束) an open posting on a date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].required = True


class ExchangeForm(forms.Form):
    """Move a worker to another unit (岗位交流)."""

    unit = forms.ModelChoiceField(label=_("交流至"), queryset=Unit.objects.none())
    on = forms.DateField(
        label=_("交流日期"),
        widget=AdminDateInput,
        help_text=_("原定岗在前一天结束。"),
    )
    kind = forms.ChoiceField(
        label=_("类型"),
        choices=[
            (Posting.Kind.EXCHANGE, Posting.Kind.EXCHANGE.label),
            (Posting.Kind.TEMPORARY, Posting.Kind.TEMPORARY.label),
        ],
    )

    def __init__(self, *args, user, current: Posting | None, **kwargs):
        super().__init__(*args, **kwargs)
        units = permissions.units_for(user).select_related("federation")
        if current is not None:
            units = units.exclude(pk=current.unit_id)
        _scope_field(self, "unit", units, unit_label)


class DepartureForm(forms.Form):
    """Record that a worker left (离职)."""

    on = forms.DateField(label=_("离职日期"), widget=AdminDateInput)
    reason = forms.CharField(label=_("离职原因"), max_length=200)


class GrantStaffForm(forms.Form):
    """Grant a federation's staff rights to an existing account, named by its username."""

    username = forms.CharField(
        label=_("用户名"),
        max_length=150,
        help_text=_("已有账号的用户名（工作者的用户名为身份证号码）。"),
    )

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        user_model = get_user_model()
        try:
            return user_model.objects.get(**{user_model.USERNAME_FIELD: username}, is_active=True)
        except user_model.DoesNotExist:
            raise forms.ValidationError(
                _("没有用户名为“%(username)s”的有效账号。"), params={"username": username}
            ) from None


class PolicyParametersForm(WagtailAdminModelForm):
    """A federation's own policy values; each field shows what it inherits when left empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _scope_field(
            self,
            "federation",
            permissions.federations_for(self.for_user).filter(policy__isnull=True),
            federation_label,
        )
        self.annotate_inherited(self._federation())

    def _federation(self) -> Federation | None:
        if self.instance.pk:
            return self.instance.federation
        if "federation" not in self.fields:
            return None
        value = self.data.get(self.add_prefix("federation")) or self.initial.get("federation")
        if not value:
            return None
        try:
            return self.fields["federation"].queryset.get(pk=getattr(value, "pk", value))
        except (Federation.DoesNotExist, ValueError, TypeError):
            return None

    def annotate_inherited(self, federation: Federation | None) -> None:
        """Put the value each field inherits (and the one in force) into its help text."""
        parent = federation.get_parent() if federation is not None else None
        inherited = selectors.policy_for(parent) if parent is not None else Policy()
        in_force = selectors.policy_for(federation) if self.instance.pk else None
        # A root federation has no parent to inherit from: empty means the policy's default.
        empty = (
            _("留空则沿用上级：%(value)s") if parent is not None else _("留空则用默认值：%(value)s")
        )
        for name in POLICY_FIELDS:
            if name not in self.fields:
                continue
            text = empty % {"value": getattr(inherited, name)}
            if in_force is not None:
                text += _("；当前生效：%(value)s") % {"value": getattr(in_force, name)}
            self.fields[name].help_text = text
