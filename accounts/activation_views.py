"""The worker's side of activation: follow the sheet's link (or type its code), set a password,
and be signed in. Used, expired, revoked and unknown links get a page that says which and what
to do next.
"""

from django import forms
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from . import rules, selectors, services
from .choices import LinkState


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("激活码"),
        max_length=40,
        help_text=_("激活单上二维码下方的 16 位激活码，可以不输入短横线。"),
    )


def home_for(user) -> str:
    """Where a newly signed-in user lands: 我的 for a worker, the admin for staff, else home."""
    if hasattr(user, "worker"):
        return reverse("workforce:my_page")
    if user.has_perm("wagtailadmin.access_admin"):
        return reverse("wagtailadmin_home")
    return "/"


@never_cache
def enter_code(request):
    """激活账号: type the code printed on the sheet when the QR code cannot be scanned."""
    form = CodeForm(request.POST or None)
    if form.is_valid():
        return redirect("accounts:activate", code=rules.normalize_code(form.cleaned_data["code"]))
    return render(request, "accounts/activate_code.html", {"form": form})


@never_cache
@sensitive_post_parameters()
def activate(request, code):
    """Set a password with a valid link; any other link gets the page that explains it."""
    link = selectors.link_for_code(code)
    state = link.state() if link is not None else None
    if state != LinkState.VALID:
        return render(
            request,
            "accounts/activate_refused.html",
            {"message": services.link_refusal(state), "state": state},
            status=410 if link is not None else 404,
        )
    form = SetPasswordForm(link.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.activate_account(
                code=code, password=form.cleaned_data["new_password1"], request=request
            )
        except services.AccountError as error:
            return render(
                request, "accounts/activate_refused.html", {"message": str(error)}, status=410
            )
        login(request, user, backend="accounts.backends.IdentifierBackend")
        return redirect(home_for(user))
    return render(
        request,
        "accounts/activate.html",
        {"form": form, "account": link.user, "expires_at": link.expires_at},
    )


urlpatterns = [
    path("accounts/activate/", enter_code, name="activate_code"),
    path("accounts/activate/<str:code>/", activate, name="activate"),
]
