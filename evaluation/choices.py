"""The evaluation app's fixed vocabularies: states, channels, scales, grades and label sets."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.IntegerChoices):
    """A cycle's states, ordered with gaps: draft → collecting → scoring → confirmed."""

    DRAFT = 0, _("草稿")
    COLLECTING = 10, _("收集评价")
    SCORING = 20, _("评分审核")
    CONFIRMED = 100, _("已确认")


class Channel(models.TextChoices):
    """How a kind of evaluator gives its answers."""

    INVITATION = "invitation", _("邀请链接（一人一码）")
    POSTER = "poster", _("公开海报（扫码评价）")
    STAFF = "staff", _("工作人员录入")


class Scale(models.TextChoices):
    POINTS = "points", _("百分制（0-100）")
    LEVELS = "levels", _("五级满意度")


# The five labelled levels of a LEVELS item and the score each stands for (the evaluation issue:
# "five labelled levels mapped to scores"), best first.
LEVELS: tuple[tuple[int, str], ...] = (
    (100, _("非常满意")),
    (85, _("满意")),
    (70, _("基本满意")),
    (50, _("不满意")),
    (30, _("非常不满意")),
)


class Grade(models.IntegerChoices):
    """The annual assessment grade (年度考核等次), ordered with gaps; labels depend on the set."""

    FAIL = 0, _("不合格")
    BASIC = 10, _("基本合格")
    PASS = 20, _("合格")
    EXCELLENT = 30, _("优秀")


class LabelSet(models.TextChoices):
    """DOMAIN.md: 优秀/合格/基本合格/不合格, or 优秀/称职/基本称职/不称职."""

    QUALIFIED = "qualified", _("优秀 / 合格 / 基本合格 / 不合格")
    COMPETENT = "competent", _("优秀 / 称职 / 基本称职 / 不称职")


GRADE_LABELS = {
    LabelSet.QUALIFIED: dict(Grade.choices),
    LabelSet.COMPETENT: {
        Grade.EXCELLENT: _("优秀"),
        Grade.PASS: _("称职"),
        Grade.BASIC: _("基本称职"),
        Grade.FAIL: _("不称职"),
    },
}


def grade_label(grade: int | None, label_set: str = LabelSet.QUALIFIED) -> str:
    if grade is None:
        return ""
    return str(GRADE_LABELS[LabelSet(label_set)][Grade(grade)])


# Evaluator kinds a federation's first cycle starts from (§四.五 and DOMAIN.md's default
# weights and the minimum answers); later cycles copy the federation's previous cycle.
DEFAULT_KINDS = (
    # name, weight, minimum answers, channel, items
    (_("用人单位"), 40, 1, Channel.INVITATION,
     ((_("工作态度与纪律"), 1), (_("完成工作任务情况"), 2), (_("服务基层工会的能力"), 1))),
    (_("服务企业"), 30, 3, Channel.INVITATION,
     ((_("对企业工会工作的指导与帮助"), 1), (_("响应及时、办事公道"), 1))),
    (_("服务对象"), 30, 10, Channel.POSTER,
     ((_("服务态度"), 1), (_("为职工解决问题的效果"), 1))),
)  # fmt: skip
