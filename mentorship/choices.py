"""The words of mentoring: kinds of pairing, expertise, meeting forms, competences."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """§四.三 names both ways of raising workers' skills."""

    APPRENTICE = "apprentice", _("高师带徒")
    PEER = "peer", _("结对提升")


class Expertise(models.TextChoices):
    LABOUR_LAW = "labour_law", _("劳动法")
    BARGAINING = "bargaining", _("集体协商")
    ORGANISING = "organising", _("基层组建")
    CASEWORK = "casework", _("个案服务")
    RIGHTS = "rights", _("职工维权")
    TRAINING = "training", _("业务培训")
    SOCIAL_WORK = "social_work", _("社工资格")


class MeetingForm(models.TextChoices):
    FACE_TO_FACE = "face", _("面对面")
    ON_SITE = "site", _("现场带教")
    ONLINE = "online", _("线上")


class Competence(models.TextChoices):
    """What a mentor rates in a review (the mentorship issue asks for 3 to 5)."""

    POLICY = "policy", _("政策理解")
    ORGANISING = "organising", _("组织协调")
    SERVICE = "service", _("沟通服务")
    RIGHTS = "rights", _("维权实务")
    WRITING = "writing", _("文字材料")
