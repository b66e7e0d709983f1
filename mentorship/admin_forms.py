"""Forms of the staff screens (导师带徒 admin): choices cut down to the user's federations.

Forms only collect and shape input; saving goes through ``mentorship.services`` in the views.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from workforce import permissions as workforce_permissions
from workforce.forms import FederationChoiceField
from workforce.models import Federation, Worker
from workforce.selectors import policy_for

from . import rules, selectors
from .choices import Expertise, Kind
from .models import Mentor
from .permissions import mentors_for


def mentor_label(mentor: Mentor) -> str:
    """Return a mentor's name with federation and load (``free_mentors`` sets both)."""
    return _("%(name)s（%(federation)s，已带 %(load)d/%(limit)d 名）") % {
        "name": mentor.name,
        "federation": mentor.federation.name,
        "load": mentor.active_load,
        "limit": mentor.limit,
    }


class ExpertiseField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(choices=Expertise.choices, required=False, label=_("专长"), **kwargs)


class MentorForm(WagtailAdminModelForm):
    """Edit a mentor's profile (``services.update_mentor``)."""

    expertise = ExpertiseField()

    class Meta:
        model = Mentor
        fields = ["name", "title", "expertise", "bio", "experience_since", "load_limit", "active"]


class MentorCreateForm(MentorForm):
    """Register a mentor from a worker (who has an account) or from any user, by username."""

    federation = FederationChoiceField(
        label=_("所属总工会"), queryset=Federation.objects.none(), help_text=_("管理该导师的总工会")
    )
    worker = forms.ModelChoiceField(
        label=_("从社会化工会工作者登记"),
        queryset=Worker.objects.none(),
        required=False,
        help_text=_("使用其登录账号；姓名和从业起始日期可留空，取自工作者档案。"),
    )
    username = forms.CharField(
        label=_("或：账号用户名"),
        max_length=150,
        required=False,
        help_text=_("不是工作者的导师（如工会干部），填写其登录账号的用户名。"),
    )

    class Meta(MentorForm.Meta):
        fields = ["federation", "worker", "username", *MentorForm.Meta.fields]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        self.fields["federation"].queryset = workforce_permissions.federations_for(user)
        self.fields["worker"].queryset = (
            workforce_permissions.workers_for(user)
            .filter(status=Worker.Status.ACTIVE, user__isnull=False, mentor__isnull=True)
            .select_related("federation")
            .order_by("federation__path", "name")
        )
        self.fields["name"].required = False
        self.fields.pop("active", None)

    def clean(self):
        data = super().clean()
        worker, username = data.get("worker"), (data.get("username") or "").strip()
        if bool(worker) == bool(username):
            raise forms.ValidationError(_("请选择一名社会化工会工作者，或填写一个账号用户名。"))
        data["user"] = None
        if username:
            data["user"] = get_user_model().objects.filter(username=username).first()
            if data["user"] is None:
                self.add_error("username", _("没有这个用户名的账号。"))
        return data

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "federation": data["federation"],
            "user": data["user"],
            "worker": data["worker"],
            "name": data["name"],
            "title": data["title"],
            "expertise": data["expertise"],
            "bio": data["bio"],
            "experience_since": data["experience_since"],
            "load_limit": data["load_limit"],
        }


class ApprenticeSearchForm(forms.Form):
    """Find an apprentice among the user's workers, by name or ID number."""

    q = forms.CharField(label=_("查找徒弟（姓名或身份证号码）"), required=False, max_length=50)


def apprentice_choices(user, text: str, *, limit: int) -> tuple[list[Worker], bool]:
    """Return up to ``limit`` active workers of ``user``'s federations matching ``text`` (and
    whether there are more)."""
    workers = workforce_permissions.workers_for(user).filter(status=Worker.Status.ACTIVE)
    text = text.strip()
    if text:
        workers = workers.filter(name__icontains=text) | workers.filter(id_number=text)
    found = list(
        workers.select_related("federation").order_by("federation__path", "name", "pk")[: limit + 1]
    )
    return found[:limit], len(found) > limit


class ProposeForm(forms.Form):
    """Propose a pairing (``services.propose_pairing``) for a chosen apprentice.

    The mentor list shows the user's active mentors with a free place; any of the user's
    mentors is accepted, so a mentor who filled up meanwhile gets the service's reason.
    """

    apprentice = forms.ModelChoiceField(
        label=_("徒弟"), queryset=Worker.objects.none(), widget=forms.HiddenInput
    )
    mentor = forms.ModelChoiceField(label=_("导师"), queryset=Mentor.objects.none())
    kind = forms.ChoiceField(label=_("方式"), choices=Kind.choices, initial=Kind.APPRENTICE)
    start = forms.DateField(label=_("开始日期"), widget=AdminDateInput)
    months = forms.IntegerField(
        label=_("带教期限（月）"),
        min_value=rules.MIN_TERM_MONTHS,
        max_value=rules.MAX_TERM_MONTHS,
        required=False,
        help_text=_("留空则按政策参数"),
    )
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, user, apprentice: Worker | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["apprentice"].queryset = workforce_permissions.workers_for(user)
        mentors = mentors_for(user)
        self.fields["mentor"].queryset = mentors
        free = selectors.free_mentors(mentors)
        self.fields["mentor"].widget.choices = [
            ("", "---------"),
            *((m.pk, mentor_label(m)) for m in free),
        ]
        if apprentice is not None:
            self.fields["apprentice"].initial = apprentice.pk
            self.fields["months"].initial = policy_for(apprentice.federation).mentor_term_months

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "mentor": data["mentor"],
            "apprentice": data["apprentice"],
            "kind": data["kind"],
            "start": data["start"],
            "months": data["months"],
            "note": data["note"],
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    """A form with nothing to fill in: the button is the decision."""


class ExtensionAnswerForm(forms.Form):
    agree = forms.TypedChoiceField(
        label=_("答复"),
        choices=[("yes", _("同意延期")), ("no", _("不同意"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
