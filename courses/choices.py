"""The training choices: the four training types and the training methods (§四.三).

Apart from ``courses/models.py`` so the course page's admin form (``courses/page_forms.py``),
which the models import, can use them without importing the models back.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TrainingType(models.TextChoices):
    """The four training types of §四.三, one catalog each."""

    ONBOARDING = "onboarding", _("上岗培训")
    ROTATION = "rotation", _("岗位轮训")
    THEMATIC = "thematic", _("专题培训")
    QUALIFICATION = "qualification", _("资格培训")


class Method(models.TextChoices):
    """The training methods (培训方式) a course uses."""

    LECTURE = "lecture", _("集中授课")
    SEMINAR = "seminar", _("座谈研讨")
    CASE = "case", _("案例教学")
    APPRENTICE = "apprentice", _("高师带徒")
    PAIRING = "pairing", _("结对提升")
    ONLINE = "online", _("网络培训")
