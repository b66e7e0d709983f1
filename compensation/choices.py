"""The compensation app's fixed vocabularies: fund sources, spending uses, proposal and report
states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    """Where a county's money for socialized workers comes from (§五.二)."""

    PUBLIC_WELFARE = "public_welfare", _("政府公益性岗位补助")
    COUNTY_BUDGET = "county_budget", _("县级预算")
    HIGHER_UNION = "higher_union", _("上级工会专项补助")
    EMPLOYER = "employer", _("用人单位出资")


class Use(models.TextChoices):
    """What a spending record paid for."""

    PAY = "pay", _("工资")
    INSURANCE = "insurance", _("社会保险")
    SUBSIDY = "subsidy", _("补贴")
    TRAINING = "training", _("培训")


class PlacementReason(models.TextChoices):
    INITIAL = "initial", _("初次定级")
    STEP = "step", _("年度晋档")
    ADJUST = "adjust", _("调整")


class ProposalState(models.IntegerChoices):
    """A step proposal: staff confirm or reject each; nothing changes pay silently."""

    REJECTED = 0, _("不予调整")
    PROPOSED = 10, _("待确认")
    CONFIRMED = 100, _("已确认")


class ReportState(models.IntegerChoices):
    """A self-inspection report (自查报告), ordered with gaps."""

    DRAFT = 10, _("草稿")
    RETURNED = 15, _("退回修改")
    SUBMITTED = 20, _("已报送")
    ACKNOWLEDGED = 100, _("已确认收到")


# States in which the county may still edit its remarks.
REPORT_EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
