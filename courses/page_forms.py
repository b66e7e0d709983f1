"""The admin form of course pages (``CoursePage.base_form_class``).

Kept apart from ``courses/forms.py`` because ``courses/models.py`` imports it: nothing here
imports the courses models (the choices come from ``courses/choices.py``).
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from workforce.permissions import federations_for

from .choices import Method, TrainingType


class CoursePageForm(WagtailAdminPageForm):
    """Methods as checkboxes, organizers limited to the editor's federations.

    The training type is not a field: it comes from the catalog the course sits in.
    """

    methods = forms.MultipleChoiceField(
        label=_("培训方式"),
        choices=Method.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, parent_page=None, **kwargs):
        super().__init__(*args, parent_page=parent_page, **kwargs)
        if self.for_user is not None and "organizer" in self.fields:
            self.fields["organizer"].queryset = federations_for(self.for_user)
        catalog = parent_page.specific if parent_page is not None else None
        training_type = getattr(catalog, "training_type", None)
        if training_type:
            self.instance.training_type = training_type

    def clean_methods(self) -> list[str]:
        # Stored in the order of the choices, whatever order the browser sent.
        chosen = set(self.cleaned_data["methods"])
        return [value for value in Method.values if value in chosen]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.training_type == TrainingType.QUALIFICATION
            and cleaned.get("pass_score") is None
            and "pass_score" not in self.errors
        ):
            self.add_error("pass_score", _("资格培训课程须填写合格分数。"))
        return cleaned
