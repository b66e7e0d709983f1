"""The public objection form (异议): it reads and shapes input only.

``services.file_objection`` decides whether the objection is taken (the nominee on notice, the
window open, the attachment a real PDF or Word file); the view shows its refusal on the form.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Objection

PHONE = RegexValidator(r"^[0-9+\- ]{7,20}$", _("请填写有效的联系电话（座机或手机号码）。"))


class ObjectionForm(forms.Form):
    name = forms.CharField(
        label=_("姓名或单位"),
        max_length=Objection._meta.get_field("name").max_length,
        help_text=_("请署真实姓名；以单位名义提出的，请写单位全称并上传加盖公章的材料。"),
    )
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=Objection._meta.get_field("phone").max_length,
        validators=[PHONE],
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    content = forms.CharField(
        label=_("异议内容"),
        max_length=Objection._meta.get_field("content").max_length,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("请写明具体事实和线索，不超过 3000 字。"),
    )
    attachment = forms.FileField(
        label=_("附件（可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.doc,.docx"}),
        help_text=_("PDF 或 Word 文件，不超过 10 MB。"),
    )

    def clean_attachment(self):
        upload = self.cleaned_data["attachment"]
        try:
            services.check_attachment(upload)  # the service checks again; here for the field
        except services.AwardsError as error:
            raise ValidationError(str(error)) from None
        return upload
