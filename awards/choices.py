"""The awards app's fixed vocabularies: levels, states, categories and constraint operators."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """An award's level, ordered: a past winner at the same or a higher level is not eligible."""

    COUNTY = 10, _("县级")
    CITY = 20, _("市级")
    PROVINCIAL = 30, _("省级")
    NATIONAL = 40, _("全国")


class State(models.IntegerChoices):
    """A nomination's states, ordered with gaps; WITHDRAWN and REJECTED free the place."""

    WITHDRAWN = 0, _("已撤回")
    REJECTED = 5, _("未通过")
    DRAFT = 10, _("草稿")
    RETURNED = 15, _("退回修改")
    SUBMITTED = 20, _("已推荐")
    REVIEW = 30, _("审核中")
    NOTICE = 40, _("公示中")
    APPROVED = 100, _("已批准")


# States that hold a place of the allocation.
HOLDS_PLACE = (
    State.DRAFT,
    State.RETURNED,
    State.SUBMITTED,
    State.REVIEW,
    State.NOTICE,
    State.APPROVED,
)
# States in which the county may still edit the nomination.
EDITABLE = (State.DRAFT, State.RETURNED)


class Category(models.TextChoices):
    """Category flags of a nominee, as campaign constraints name them (Xiamen; national notices)."""

    FRONTLINE = "frontline", _("一线职工")
    UNIT_HEAD = "unit_head", _("单位负责人")
    FEMALE = "female", _("女性")
    INDUSTRIAL = "industrial", _("产业工人")
    MIGRANT = "migrant", _("农民工")
    NON_PUBLIC = "non_public", _("非公有制企业")
    TECHNICAL = "technical", _("专业技术人员")


class Bound(models.TextChoices):
    AT_LEAST = "min", _("不低于")
    AT_MOST = "max", _("不高于")


class Outcome(models.TextChoices):
    """What a review round decided."""

    PASS = "pass", _("通过本轮")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予通过")


class ObjectionState(models.IntegerChoices):
    OPEN = 0, _("待处理")
    DISMISSED = 10, _("不予采纳")
    UPHELD = 20, _("查实")
