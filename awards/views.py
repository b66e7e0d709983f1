"""The public notice (公示) of award nominees and its objection form; no login needed.

- ``awards/notice/``: the campaigns with nominees on notice now.
- ``awards/notice/<campaign>/``: one campaign's nominees (name, unit, categories, award, a
  short summary: never an ID number or a mobile), the window's first and last day and how
  to object.
- ``awards/notice/<campaign>/objection/<nomination>/``: the objection form (real name, phone,
  content, an optional PDF or Word attachment). CSRF-protected and rate-limited per address
  (``settings.AWARDS_OBJECTION_RATE``); ``services.file_objection`` decides whether it is
  taken. After a successful POST the browser is sent to ``objection_received``, which shows
  the reference number kept in the session.

A campaign without nominees on notice, and a nominee not on notice, are not found (404).
"""

from django.conf import settings
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django_ratelimit.core import is_ratelimited

from . import rules, selectors, services
from .choices import State
from .forms import ObjectionForm
from .models import Campaign, Nomination
from .services import AwardsError

RECEIVED_KEY = "awards_objection"  # session key: the last reference number and nominee


def _window(campaign: Campaign) -> dict:
    today = timezone.localdate()
    open_ = rules.may_object(
        today=today, starts_on=campaign.notice_starts_on, ends_on=campaign.notice_ends_on
    )
    return {"today": today, "window_open": bool(open_)}


def notice_index(request):
    """List the campaigns with nominees on public notice now."""
    campaigns = selectors.campaigns_on_notice().annotate(listed=Count("nominations", distinct=True))
    return render(request, "awards/notice_index.html", {"campaigns": campaigns})


def _campaign_on_notice(pk: int) -> Campaign:
    return get_object_or_404(selectors.campaigns_on_notice(), pk=pk)


def notice(request, pk: int):
    """Show one campaign's notice: the nominees, the window and how to object."""
    campaign = _campaign_on_notice(pk)
    return render(
        request,
        "awards/notice.html",
        {"campaign": campaign, "nominees": selectors.notice_list(campaign), **_window(campaign)},
    )


def _over_limit(request) -> bool:
    return is_ratelimited(
        request,
        group="awards.objection",
        key="ip",
        rate=settings.AWARDS_OBJECTION_RATE,
        method="POST",
        increment=True,
    )


@csrf_protect
def objection(request, pk: int, nomination: int):
    """Take an objection to a nominee on notice (GET: the form; POST: file it)."""
    nomination = get_object_or_404(
        Nomination.objects.select_related("campaign__award", "campaign__federation", "worker"),
        pk=nomination,
        campaign_id=pk,
        state=State.NOTICE,
    )
    campaign = nomination.campaign
    status = 200
    if request.method == "POST":
        form = ObjectionForm(request.POST, request.FILES)
        if _over_limit(request):
            form.is_valid()  # bound, so the page shows what was typed
            form.add_error(None, _("提交过于频繁，请稍后再试。"))
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                filed = services.file_objection(
                    nomination=nomination,
                    name=data["name"],
                    phone=data["phone"],
                    content=data["content"],
                    attachment=data["attachment"],
                    today=timezone.localdate(),
                )
            except AwardsError as error:
                form.add_error(None, str(error))
            else:
                request.session[RECEIVED_KEY] = {
                    "reference": filed.reference,
                    "name": nomination.worker.name,
                    "campaign": str(campaign),
                    "federation": campaign.federation.name,
                }
                return HttpResponseRedirect(reverse("awards:objection_received"))
    else:
        form = ObjectionForm()
    return render(
        request,
        "awards/objection.html",
        {
            "campaign": campaign,
            "nominee": nomination.worker.name,
            "form": form,
            **_window(campaign),
        },
        status=status,
    )


def objection_received(request):
    """Acknowledge the objection just filed with its reference number."""
    received = request.session.get(RECEIVED_KEY)
    if not received:
        return HttpResponseRedirect(reverse("awards:notice_index"))
    return render(request, "awards/objection_received.html", {"received": received})
