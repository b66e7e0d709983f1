"""The fixed lists of the accounts app: kinds of authentication event and activation-link states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    """What happened to an account (认证日志), as the superuser's audit screen lists it."""

    SIGNED_IN = "signed_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    LOCKED_OUT = "locked_out", _("登录锁定")
    UNLOCKED = "unlocked", _("解除锁定")
    SIGNED_OUT = "signed_out", _("退出登录")
    ACTIVATION_ISSUED = "activation_issued", _("发放激活链接")
    ACTIVATED = "activated", _("激活账号")
    PASSWORD_CHANGED = "password_changed", _("修改密码")
    RESET_REQUESTED = "reset_requested", _("申请重置密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    OTP_ENROLLED = "otp_enrolled", _("启用两步验证")
    OTP_VERIFIED = "otp_verified", _("两步验证通过")
    OTP_FAILED = "otp_failed", _("两步验证失败")
    RECOVERY_CODE_USED = "recovery_code_used", _("使用恢复码")
    RECOVERY_CODES_RENEWED = "recovery_codes_renewed", _("重新生成恢复码")
    OTP_REMOVED = "otp_removed", _("停用两步验证")
    STAFF_GRANTED = "staff_granted", _("授予管理权限")
    STAFF_REVOKED = "staff_revoked", _("撤销管理权限")


class LinkState(models.TextChoices):
    """Where an activation link stands; derived from its timestamps (``rules.link_state``)."""

    VALID = "valid", _("有效")
    USED = "used", _("已使用")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已作废")


class SecondFactor(models.TextChoices):
    """What a signed-in user must do about the second factor before using the site."""

    NONE = "none", _("无需两步验证")
    VERIFY = "verify", _("输入验证码")
    ENROL = "enrol", _("须先启用两步验证")
