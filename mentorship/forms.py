"""Forms of the mentors' and apprentices' pages: they read and shape input only.

Every change goes through ``mentorship.services``, which checks who acts and refuses what the
rules forbid; a refusal is added to the form (or shown as a message) by the view.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import Competence, Expertise, MeetingForm
from .models import Review

RATINGS = [(n, str(n)) for n in range(5, 0, -1)]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class OnceForm(forms.Form):
    """A form whose submission is carried out once (``once`` is a token the page made)."""

    once = forms.CharField(widget=forms.HiddenInput, required=False)


class LogForm(OnceForm):
    date = forms.DateField(label=_("日期"), widget=DateInput)
    start_time = forms.TimeField(label=_("开始时间"), required=False, widget=TimeInput)
    hours = forms.DecimalField(
        label=_("时长（小时）"), min_value=0.5, max_value=24, decimal_places=1, initial=1
    )
    form = forms.ChoiceField(label=_("形式"), choices=MeetingForm.choices)
    topic = forms.CharField(label=_("主题"), max_length=100)
    notes = forms.CharField(
        label=_("记录"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GoalForm(OnceForm):
    title = forms.CharField(label=_("目标"), max_length=100)
    area = forms.ChoiceField(
        label=_("领域"), choices=[("", "—"), *Expertise.choices], required=False
    )
    target_date = forms.DateField(label=_("目标日期"), widget=DateInput)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("进度（%）"), min_value=0, max_value=100)
    note = forms.CharField(label=_("进展说明"), max_length=200, required=False)


class AssessForm(forms.Form):
    assessment = forms.CharField(label=_("导师评价"), max_length=200)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), max_length=200)


class ExtensionForm(forms.Form):
    months = forms.IntegerField(label=_("延长（月）"), min_value=1, max_value=21, initial=3)
    reason = forms.CharField(label=_("理由"), max_length=200)


class AnswerForm(forms.Form):
    agree = forms.TypedChoiceField(
        choices=[("1", _("同意")), ("0", _("不同意"))], coerce=lambda value: value == "1"
    )


class ReviewForm(forms.Form):
    """One side's review; the mentor's also rates each competence (1-5)."""

    stage = forms.ChoiceField(label=_("阶段"), choices=Review.Stage.choices)
    rating = forms.TypedChoiceField(label=_("总体评分"), choices=RATINGS, coerce=int)
    comment = forms.CharField(
        label=_("评语"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, mentor: bool, stages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if stages:
            self.fields["stage"].choices = [
                (key, label) for key, label in Review.Stage.choices if key in stages
            ]
        if mentor:
            self.fields["rating"].label = _("徒弟总体表现")
            for key, label in Competence.choices:
                self.fields[f"competence_{key}"] = forms.TypedChoiceField(
                    label=label, choices=RATINGS, coerce=int
                )
        else:
            self.fields["rating"].label = _("导师的帮助")

    def competences(self) -> dict[str, int]:
        return {
            key: self.cleaned_data[f"competence_{key}"]
            for key in Competence.values
            if f"competence_{key}" in self.cleaned_data
        }
