"""Admin wiring for the accounts app."""

from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.widgets.button import Button
from wagtail.permissions import register_permission_policy

from workforce.admin_links import AdminLink, register_import_link, register_worker_link

from . import activation_admin, admin_screens, services

# 账号激活 Activation (accounts/activation_admin.py) -------------------------------------------


@hooks.register("register_admin_viewset")
def register_activation_viewset():
    return activation_admin.ActivationViewSet()


@register_worker_link
def worker_activation_link(worker):
    return AdminLink(_("账号激活"), activation_admin.worker_url(worker), "key")


@register_import_link
def import_activation_link(kind):
    if kind != "workers":
        return None
    return AdminLink(_("为新登记的工作者打印激活单"), activation_admin.today_url(), "key")


@hooks.register("register_user_listing_buttons")
def user_activation_button(user, request_user):
    if not activation_admin.manages_users(request_user):
        return []
    return [
        Button(
            _("发放激活链接"),
            url=activation_admin.account_link_url(user),
            icon_name="key",
            priority=60,
        )
    ]


@hooks.register("after_create_user")
def new_user_gets_activation_link(request, user):
    """Accounts set up in the admin get no typed password: on to their activation link."""
    services.require_activation(by=request.user, user=user, request=request)
    return redirect(activation_admin.account_link_url(user))


# 登录锁定 and 认证日志 (accounts/admin_screens.py). Policies registered at import, before
# Wagtail would fall back to plain model permissions.
for _model, _policy in admin_screens.PERMISSION_POLICIES.items():
    register_permission_policy(_model, _policy, exact_class=True)


@hooks.register("register_admin_viewset")
def register_lockout_and_audit_screens():
    return admin_screens.viewsets()
