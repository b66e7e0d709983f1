"""The public questionnaire's form: it reads and shapes input only.

``evaluation.services.submit_answer`` checks the token and the values again and stores the
answer; a refusal is added to the form by the view.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import LEVELS, Scale
from .models import Item


class SurveyForm(forms.Form):
    """One field per item (five labelled levels, or a score 0-100) and an optional comment."""

    comment = forms.CharField(
        label=_("意见建议（选填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, items: list[Item], **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[self.field_name(item)] = self._field(item)
        self.order_fields([self.field_name(item) for item in items])

    @staticmethod
    def field_name(item: Item) -> str:
        return f"item_{item.pk}"

    @staticmethod
    def _field(item: Item) -> forms.Field:
        if item.scale == Scale.POINTS:
            return forms.IntegerField(
                label=item.text,
                min_value=0,
                max_value=100,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "0-100"}),
                error_messages={"required": _("请填写 0 到 100 之间的分数。")},
            )
        return forms.TypedChoiceField(
            label=item.text,
            choices=[(score, label) for score, label in LEVELS],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": _("请选择一个满意度。")},
        )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[self.field_name(item)] for item in self.items]

    def values(self) -> dict[int, int]:
        """Return {item id: score} of a valid form."""
        return {item.pk: self.cleaned_data[self.field_name(item)] for item in self.items}
