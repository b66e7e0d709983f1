"""政策参数 PolicyParameters: a federation's own policy values; unset ones are inherited."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.tables import Column

from lms.admin.views import ScopedCreateView, ScopedEditView, ScopedIndexView

from .. import services
from ..forms import PolicyParametersForm
from ..models import PolicyParameters
from ..policy import POLICY_FIELDS
from .base import POLICIES, WorkforceViewSet


def _overrides(record: PolicyParameters) -> str:
    labels = []
    for name in POLICY_FIELDS:
        value = getattr(record, name)
        if value is not None:
            labels.append(f"{PolicyParameters._meta.get_field(name).verbose_name}：{value}")
    return "；".join(labels) or _("全部沿用上级")


class PolicyIndexView(ScopedIndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("federation")


def _policy_values(form) -> dict:
    return {name: form.cleaned_data[name] for name in POLICY_FIELDS if name in form.fields}


class PolicyCreateView(ScopedCreateView):
    def get_initial(self):
        initial = super().get_initial()
        if federation := self.request.GET.get("federation"):
            initial["federation"] = federation
        return initial

    def save_instance(self):
        return services.set_policy(
            by=self.request.user,
            federation=self.form.cleaned_data["federation"],
            **_policy_values(self.form),
        )


class PolicyEditView(ScopedEditView):
    def save_instance(self):
        return services.set_policy(
            by=self.request.user, federation=self.object.federation, **_policy_values(self.form)
        )


_POLICY_PANELS = [
    MultiFieldPanel(
        [FieldRowPanel([FieldPanel("staffing_base"), FieldPanel("staffing_step")])],
        heading=_("人员配备（§三）"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [FieldPanel("annual_training_hours"), FieldPanel("rotation_interval_months")]
            ),
            FieldRowPanel([FieldPanel("rotation_min_days"), FieldPanel("rotation_min_hours")]),
            FieldRowPanel([FieldPanel("onboarding_days"), FieldPanel("due_soon_days")]),
            FieldRowPanel(
                [
                    FieldPanel("completion_attendance_percent"),
                    FieldPanel("qualification_validity_years"),
                ]
            ),
        ],
        heading=_("教育培训（§四.三）"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel([FieldPanel("mentor_term_months"), FieldPanel("mentor_load_limit")]),
            FieldRowPanel([FieldPanel("mentor_checkin_days"), FieldPanel("mentoring_hours_cap")]),
        ],
        heading=_("高师带徒（§四.三）"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(
                [FieldPanel("award_reserved_percent"), FieldPanel("notice_working_days")]
            ),
            FieldRowPanel(
                [FieldPanel("award_min_service_years"), FieldPanel("award_clean_grade_years")]
            ),
            FieldPanel("excellent_share_percent"),
            FieldRowPanel(
                [
                    FieldPanel("grade_excellent_min"),
                    FieldPanel("grade_pass_min"),
                    FieldPanel("grade_basic_min"),
                ]
            ),
        ],
        heading=_("评先评优与考核（§四.四、§四.五）"),
    ),
    MultiFieldPanel(
        [FieldPanel("public_welfare_city_subsidy")],
        heading=_("薪酬与经费（§五.二）"),
    ),
]


class PolicyParametersViewSet(WorkforceViewSet):
    model = PolicyParameters
    name = POLICIES
    url_prefix = "workforce/policies"
    icon = "sliders"
    menu_order = 500
    ordering = "federation__path"
    index_view_class = PolicyIndexView
    add_view_class = PolicyCreateView
    edit_view_class = PolicyEditView
    list_display = [
        "federation",
        Column("overrides", label=_("本级设定"), accessor=_overrides),
    ]
    edit_handler = ObjectList(_POLICY_PANELS, base_form_class=PolicyParametersForm)
    create_handler = ObjectList(
        [FieldPanel("federation"), *_POLICY_PANELS], base_form_class=PolicyParametersForm
    )
