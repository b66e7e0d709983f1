"""Public pages of social evaluation (no login) and the worker's "我的考核".

- ``survey/<token>/``: the questionnaire an invitation's or a poster's token opens. Whom it is
  about (name and unit, never an ID number), as which kind, that answers are anonymous. A
  submit goes through ``services.submit_answer`` (which spends the token under a lock, so a
  double submit stores one answer) and redirects to the same address, which then thanks. A
  token that may not be used gets a page saying why (used, expired, not yet, revoked, closed;
  unknown: a 404), never an error.
- ``survey/p/<code>/``: a worker's poster. Its button issues a one-use token for this browser
  (``services.open_poster_entry``), remembered in a signed cookie for as long as such a token
  lives: the browser gets the same token back until it is used, then "您已评价过". Tokens are
  rate-limited per client address and per poster (settings ``EVALUATION_ENTRY_RATE_*``),
  counted only when one is issued.
- ``me/evaluation/``: the signed-in worker's confirmed grades and the score per kind.

Every public response is ``never_cache``; public pages keep to a few queries whatever the data.
"""

import re

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.core import get_usage, is_ratelimited

from lms.errors import DomainError

from . import selectors, services
from .choices import State
from .forms import SurveyForm
from .models import Cycle, Invitation, Poster
from .permissions import own_assessments
from .rules import TokenState
from .services import EvaluationError, TokenRefused

# Tokens and poster codes are ``secrets.token_urlsafe(16)``: 22 URL-safe characters.
CODE_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
ENTRY_COOKIE_SALT = "evaluation.entry"

# What a refused token's page says, and its status: (title, text, status).
REFUSALS = {
    TokenState.UNKNOWN: (
        _("未找到该评价"),
        _("链接无效或已失效。请核对链接，或重新扫描海报上的二维码。"),
        404,
    ),
    TokenState.USED: (
        _("本评价已提交，感谢"),
        _("感谢您的评价！每个评价链接只能提交一次，您的意见已经记录。"),
        200,
    ),
    TokenState.EXPIRED: (
        _("评价链接已过期"),
        _("此链接已超过有效期。如果您是扫描海报二维码进入的，请重新扫码。"),
        410,
    ),
    TokenState.NOT_YET: (
        _("本次评价未开始"),
        _("本次评价尚未开始，请在收集期内再打开此链接。"),
        200,
    ),
    TokenState.REVOKED: (
        _("评价链接已作废"),
        _("此链接已被发放单位作废。如有疑问，请联系发放链接的工会组织。"),
        410,
    ),
    TokenState.CLOSED: (
        _("本次评价已结束"),
        _("本次评价已结束，不再接收评价。感谢您的关注！"),
        410,
    ),
}
ENTERED = (_("您已评价过"), _("感谢您的参与！您已在这部手机上完成了评价。"), 200)


def _refused(request, state: TokenState, cycle: Cycle | None = None, *, page=None):
    """Render the page of a token (or poster) that may not be used now."""
    if state == TokenState.CLOSED and cycle is not None and cycle.state == State.DRAFT:
        state = TokenState.NOT_YET  # issued early: the cycle has not opened yet
    title, text, status = page or REFUSALS[state]
    return render(
        request,
        "evaluation/survey_state.html",
        {"title": title, "text": text, "state": state.value, "cycle": cycle},
        status=status,
    )


def _subject(assessment, kind, cycle) -> dict:
    return {"subject": selectors.subject_of(assessment), "kind": kind, "cycle": cycle}


@never_cache
@require_http_methods(["GET", "POST"])
def survey(request, token: str):
    """Show the questionnaire of ``token``; store the answer once and thank."""
    invitation = selectors.invitation_by_token(token) if CODE_RE.match(token) else None
    if invitation is None:
        return _refused(request, TokenState.UNKNOWN)
    cycle = invitation.kind.cycle
    now = timezone.now()
    state = services.state_of(invitation, now=now)
    if state != TokenState.OPEN:
        return _refused(request, state, cycle)
    items = list(invitation.kind.items.all())
    form = SurveyForm(request.POST if request.method == "POST" else None, items=items)
    if form.is_bound and form.is_valid():
        try:
            services.submit_answer(
                token=invitation.token,
                values=form.values(),
                comment=form.cleaned_data["comment"],
                now=now,
            )
        except TokenRefused as refused:  # used meanwhile (a double submit), closed, ...
            return _refused(request, refused.state, cycle)
        except DomainError as error:  # a value refused, or busy (lms.locking.LockTimeout)
            form.add_error(None, str(error))
        else:
            return redirect(request.path)  # now used: the thanks
    return render(
        request,
        "evaluation/survey.html",
        {
            "form": form,
            "closes_on": cycle.closes_on,
            **_subject(invitation.assessment, invitation.kind, cycle),
        },
    )


# Poster entry -----------------------------------------------------------------------------------


def _cookie_name(poster: Poster) -> str:
    return f"evaluation_entry_{poster.code}"


def _earlier_token(request, poster: Poster) -> Invitation | None:
    """Return the token this browser was given for ``poster`` (signed cookie), if any."""
    token = request.get_signed_cookie(
        _cookie_name(poster),
        default=None,
        salt=ENTRY_COOKIE_SALT,
        max_age=settings.EVALUATION_ENTRY_MINUTES * 60,
    )
    if not token or not CODE_RE.match(token):
        return None
    invitation = selectors.invitation_by_token(token)
    if invitation is None or (invitation.kind_id, invitation.assessment_id) != (
        poster.kind_id,
        poster.assessment_id,
    ):
        return None
    return invitation


def _entry_limits(poster: Poster) -> list[dict]:
    """The two django-ratelimit counters of issued tokens: per client address, per poster."""
    return [
        {
            "group": "evaluation.entry.address",
            "key": "ip",
            "rate": settings.EVALUATION_ENTRY_RATE_PER_ADDRESS,
        },
        {
            "group": "evaluation.entry.poster",
            "key": lambda group, request: poster.code,
            "rate": settings.EVALUATION_ENTRY_RATE_PER_POSTER,
        },
    ]


def _wait_seconds(request, poster: Poster) -> int | None:
    """Return how long to wait when one more token would pass a limit, else None."""
    for limit in _entry_limits(poster):
        usage = get_usage(request, increment=False, **limit)
        if usage is not None and (usage["should_limit"] or usage["count"] >= usage["limit"]):
            return max(usage["time_left"], 1)
    return None


def _count_issued(request, poster: Poster) -> None:
    for limit in _entry_limits(poster):
        is_ratelimited(request, increment=True, **limit)


def _throttled(request, seconds: int):
    response = render(request, "evaluation/entry_throttled.html", status=429)
    response["Retry-After"] = str(seconds)
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def poster(request, code: str):
    """Introduce a worker's survey; the button gives this browser a one-use answer token."""
    found = selectors.poster_by_code(code) if CODE_RE.match(code) else None
    if found is None:
        return _refused(request, TokenState.UNKNOWN)
    cycle = found.kind.cycle
    now = timezone.now()
    state = services.entry_state(cycle, now=now)
    if state == TokenState.EXPIRED:  # past the last day of collecting
        state = TokenState.CLOSED
    if state != TokenState.OPEN:
        return _refused(request, state, cycle)
    earlier = _earlier_token(request, found)
    earlier_state = services.state_of(earlier, now=now) if earlier else None
    if earlier_state == TokenState.USED:
        return _refused(request, TokenState.USED, cycle, page=ENTERED)
    if request.method != "POST":
        return render(
            request,
            "evaluation/poster.html",
            {"poster": found, **_subject(found.assessment, found.kind, cycle)},
        )
    if earlier_state == TokenState.OPEN:  # the same browser again: the same token
        return redirect("evaluation:survey", earlier.token)
    wait = _wait_seconds(request, found)
    if wait is not None:
        return _throttled(request, wait)
    try:
        invitation = services.open_poster_entry(code=found.code, now=now)
    except EvaluationError:  # closed meanwhile
        return _refused(request, TokenState.CLOSED, cycle)
    _count_issued(request, found)
    response = redirect("evaluation:survey", invitation.token)
    response.set_signed_cookie(
        _cookie_name(found),
        invitation.token,
        salt=ENTRY_COOKIE_SALT,
        max_age=settings.EVALUATION_ENTRY_MINUTES * 60,
        path=reverse("evaluation:poster", args=[found.code]),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    return response


# The worker's results ---------------------------------------------------------------------------


@login_required
@require_GET
def my_results(request):
    """Show the signed-in worker's confirmed grades, the total and the score per kind."""
    return render(
        request,
        "evaluation/my_results.html",
        {
            "results": selectors.my_results(own_assessments(request.user)),
            "is_worker": hasattr(request.user, "worker"),
        },
    )
