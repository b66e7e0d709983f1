"""Admin forms of the certificates app."""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from workforce import permissions
from workforce.forms import federation_label

from .models import FederationSeal


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("撤销原因"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("记入证书历史；查验页只显示“已撤销”及撤销日期，不显示原因。"),
    )


class FederationSealForm(WagtailAdminModelForm):
    """Upload a seal for a federation the user manages (one seal per federation)."""

    class Meta:
        model = FederationSeal
        fields = ["federation", "image"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["federation"]
        field.queryset = permissions.federations_for(self.for_user)
        field.label_from_instance = federation_label
        if self.instance.pk:
            field.disabled = True
