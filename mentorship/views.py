"""Pages of mentors and apprentices: 我的徒弟, 我的导师, a pairing's page and its forms.

- ``me/mentoring/``: the signed-in worker's pairings as apprentice (我的导师).
- ``me/mentoring/apprentices/``: a mentor's open pairings (我的徒弟): progress, last confirmed
  meeting, overdue check-ins, logs and reviews awaiting them, proposals to answer.
- ``me/mentoring/pairings/<pk>/``: one pairing for either side and its supervising staff, and
  the small POST-only URLs under it, one per action.

Views never change data: each action calls its service and shows a refusal (``MentorshipError``)
on the form or as a message, then redirects (POST-redirect-GET). The pairing is looked up through
``permissions.pairings_for``, so anyone else's pairing is a 404. Forms that add rows carry a
one-time token (``once``), so a form sent twice adds one row.
"""

import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from courses import feeds as course_feeds
from courses import services as course_services
from workforce.models import Worker

from . import page_context, selectors, services
from .forms import (
    AnswerForm,
    AssessForm,
    ExtensionForm,
    GoalForm,
    LogForm,
    ProgressForm,
    ReasonForm,
    ReviewForm,
)
from .models import Extension, MeetingLog, Pairing, Review
from .permissions import APPRENTICE, MENTOR, can_supervise, pairings_for, side_of
from .services import MentorshipError

ONCE_KEY = "mentorship_once"
ONCE_KEEP = 50  # tokens remembered per session: enough for any double submission


def _calendar(request) -> dict:
    feed = course_services.feed_for(request.user)
    return {
        "feed_url": course_feeds.feed_url(request, feed),
        "webcal_url": course_feeds.webcal_url(request, feed),
    }


# The two people's pages -------------------------------------------------------------------------


@login_required
def my_mentor(request):
    """Show the signed-in worker's pairings as apprentice (我的导师)."""
    worker = Worker.objects.filter(user=request.user).only("id", "name").first()
    if worker is None:
        raise Http404
    today = timezone.localdate()
    page = page_context.apprentice_page(worker, request.user, today=today)
    return render(
        request,
        "mentorship/my_mentor.html",
        {"worker": worker, "today": today, **page, **_calendar(request)},
    )


@login_required
def my_apprentices(request):
    """Show the signed-in mentor's open pairings (我的徒弟)."""
    mentor = selectors.mentor_of(request.user)
    if mentor is None:
        raise Http404
    today = timezone.localdate()
    page = page_context.mentor_page(mentor, request.user, today=today)
    return render(
        request,
        "mentorship/my_apprentices.html",
        {
            "mentor": mentor,
            "today": today,
            "decline_form": ReasonForm(),
            **page,
            **_calendar(request),
        },
    )


# A pairing's page -------------------------------------------------------------------------------


def _pairing_or_404(user, pk: int) -> Pairing:
    return get_object_or_404(
        pairings_for(user).select_related("mentor", "apprentice", "federation"), pk=pk
    )


def _page_url(pairing: Pairing, anchor: str = "") -> str:
    url = reverse("mentorship:pairing", args=[pairing.pk])
    return f"{url}#{anchor}" if anchor else url


def _not_submitted(reviews: dict, side: str | None) -> list[str]:
    return [stage for stage in Review.Stage.values if (stage, side) not in reviews]


def _render_pairing(request, pairing: Pairing, *, bound: dict | None = None):
    """Render the pairing's page; ``bound`` replaces blank forms by ones sent with errors."""
    user = request.user
    side = side_of(user, pairing)
    today = timezone.localdate()
    detail = selectors.pairing_detail(pairing)
    row = page_context.rows_for(
        user, Pairing.objects.filter(pk=pairing.pk), side=side or MENTOR, today=today
    )[0]
    stages = _not_submitted(detail["reviews"], side)
    once = uuid.uuid4().hex
    forms = {
        "log_form": LogForm(initial={"once": once, "date": today}),
        "goal_form": GoalForm(initial={"once": once}),
        "review_form": ReviewForm(mentor=side == MENTOR, stages=stages),
        "extension_form": ExtensionForm(),
        "reason_form": ReasonForm(),
        **(bound or {}),
    }
    for entry in detail["logs"]:
        mine = entry.written_by_id == user.pk
        entry.writer_name = (
            pairing.mentor.name
            if entry.written_by_id == pairing.mentor.user_id
            else pairing.apprentice.name
        )
        open_ = entry.status in page_context.ANSWERABLE
        entry.can_confirm = side is not None and not mine and open_ and entry.date <= today
        entry.can_dispute = side is not None and not mine and open_
        entry.can_cancel = mine and open_
    extension = detail["extension"]
    staff = can_supervise(user, pairing)
    context = {
        "pairing": pairing,
        "row": row,
        "side": side,
        "is_mentor": side == MENTOR,
        "is_apprentice": side == APPRENTICE,
        "staff": staff,
        "today": today,
        "goals": detail["goals"],
        "logs": detail["logs"],
        "reviews": _review_table(detail["reviews"]),
        "stages_open": stages,
        "extension": extension,
        "may_answer_extension": extension is not None
        and (
            (side is not None and extension.requested_by_id != user.pk)
            or (side is None and staff and not extension.staff_agreed)
        ),
        **forms,
    }
    return render(request, "mentorship/pairing.html", context, status=200)


def _review_table(reviews: dict) -> list[dict]:
    return [
        {
            "stage": label,
            "mentor": reviews.get((stage, MENTOR)),
            "apprentice": reviews.get((stage, APPRENTICE)),
        }
        for stage, label in Review.Stage.choices
    ]


@login_required
def pairing_page(request, pk: int):
    """Show a pairing: goals, meeting logs, reviews, extension, and each side's actions."""
    return _render_pairing(request, _pairing_or_404(request.user, pk))


# Actions ----------------------------------------------------------------------------------------


def action(view):
    """Make ``view(request, pairing, **kwargs)`` a POST-only action on a pairing the user may
    open (anyone else's is a 404)."""

    @wraps(view)
    @login_required
    @require_POST
    def wrapper(request, pk: int, **kwargs):
        return view(request, _pairing_or_404(request.user, pk), **kwargs)

    return wrapper


def _done(request, pairing: Pairing, message: str, anchor: str = "") -> HttpResponseRedirect:
    messages.success(request, message)
    return HttpResponseRedirect(_page_url(pairing, anchor))


def _refused(request, pairing: Pairing, error, anchor: str = "") -> HttpResponseRedirect:
    messages.error(request, str(error))
    return HttpResponseRedirect(_page_url(pairing, anchor))


def _form_errors(form) -> str:
    return "；".join(str(e) for errors in form.errors.values() for e in errors)


def _seen(request, form) -> bool:
    """Return whether this form's one-time token was used already (a second submission)."""
    token = form.cleaned_data.get("once")
    return bool(token) and token in request.session.get(ONCE_KEY, [])


def _remember(request, form) -> None:
    token = form.cleaned_data.get("once")
    if token:
        request.session[ONCE_KEY] = [*request.session.get(ONCE_KEY, []), token][-ONCE_KEEP:]


def _with_form(request, pairing, form, slot: str, call, success: str, anchor: str):
    """Validate ``form``, call the service; on a refusal render the page with the form again."""
    if not form.is_valid():
        return _render_pairing(request, pairing, bound={slot: form})
    if _seen(request, form):
        messages.info(request, _("该表单已提交过，未重复保存。"))
        return HttpResponseRedirect(_page_url(pairing, anchor))
    try:
        call(form.cleaned_data)
    except MentorshipError as error:
        # Shown as a message (the form may not be offered to this person), the input kept.
        messages.error(request, str(error))
        return _render_pairing(request, pairing, bound={slot: form})
    _remember(request, form)
    return _done(request, pairing, success, anchor)


def _simple(request, pairing, call, success: str, anchor: str, form=None):
    """Call the service for a button or a one-field form; a refusal is a message."""
    if form is not None and not form.is_valid():
        return _refused(request, pairing, _form_errors(form), anchor)
    try:
        call(form.cleaned_data if form is not None else None)
    except MentorshipError as error:
        return _refused(request, pairing, error, anchor)
    return _done(request, pairing, success, anchor)


# Proposal and ending


@action
def accept(request, pairing):
    """Accept a proposed pairing (the mentor)."""
    return _simple(
        request,
        pairing,
        lambda _data: services.accept_pairing(by=request.user, pairing=pairing),
        _("已确认结对，带教开始。"),
        "status",
    )


@action
def decline(request, pairing):
    """Decline a proposed pairing with a reason (the mentor)."""
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return HttpResponseRedirect(_back_to(request, pairing))
    try:
        services.decline_pairing(
            by=request.user, pairing=pairing, reason=form.cleaned_data["reason"]
        )
    except MentorshipError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已婉拒该结对。"))
    return HttpResponseRedirect(_back_to(request, pairing))


def _back_to(request, pairing) -> str:
    # Declining from "我的徒弟" goes back there; from the pairing's page, back to it.
    if request.POST.get("from") == "apprentices":
        return reverse("mentorship:my_apprentices")
    return _page_url(pairing, "status")


@action
def dissolve(request, pairing):
    """Dissolve a proposed or active pairing with a reason (either side)."""
    return _with_form(
        request,
        pairing,
        ReasonForm(request.POST),
        "reason_form",
        lambda data: services.dissolve_pairing(
            by=request.user, pairing=pairing, reason=data["reason"]
        ),
        _("结对已解除。"),
        "status",
    )


@action
def request_extension(request, pairing):
    """Ask to extend the term (either side); the other side and staff answer."""
    return _with_form(
        request,
        pairing,
        ExtensionForm(request.POST),
        "extension_form",
        lambda data: services.request_extension(
            by=request.user, pairing=pairing, months=data["months"], reason=data["reason"]
        ),
        _("延期申请已提交，待对方和工作人员同意。"),
        "extension",
    )


@action
def answer_extension(request, pairing, extension: int):
    """Agree to or refuse the pending extension (the other side, or staff)."""
    entry = get_object_or_404(Extension.objects.filter(pairing=pairing), pk=extension)
    return _simple(
        request,
        pairing,
        lambda data: services.answer_extension(
            by=request.user, extension=entry, agree=data["agree"]
        ),
        _("已答复延期申请。"),
        "extension",
        form=AnswerForm(request.POST),
    )


# Goals


@action
def add_goal(request, pairing):
    """Add a goal (the apprentice)."""
    return _with_form(
        request,
        pairing,
        GoalForm(request.POST),
        "goal_form",
        lambda data: services.add_goal(
            by=request.user,
            pairing=pairing,
            title=data["title"],
            target_date=data["target_date"],
            area=data["area"],
        ),
        _("目标已添加。"),
        "goals",
    )


@action
def goals_from_gaps(request, pairing):
    """Add a goal for each of the apprentice's gaps that has none yet (the apprentice)."""
    try:
        added = services.goals_from_gaps(
            by=request.user, pairing=pairing, today=timezone.localdate()
        )
    except MentorshipError as error:
        return _refused(request, pairing, error, "goals")
    if not added:
        messages.info(request, _("没有新的差距可生成目标。"))
        return HttpResponseRedirect(_page_url(pairing, "goals"))
    return _done(
        request, pairing, _("已从差距生成 %(count)d 个目标。") % {"count": len(added)}, "goals"
    )


@action
def report_progress(request, pairing, goal: int):
    """Record a goal's progress (the apprentice)."""
    entry = get_object_or_404(pairing.goals, pk=goal)
    return _simple(
        request,
        pairing,
        lambda data: services.report_progress(
            by=request.user, goal=entry, progress=data["progress"], note=data["note"]
        ),
        _("进度已更新。"),
        "goals",
        form=ProgressForm(request.POST),
    )


@action
def assess_goal(request, pairing, goal: int):
    """Write the mentor's assessment of a goal."""
    entry = get_object_or_404(pairing.goals, pk=goal)
    return _simple(
        request,
        pairing,
        lambda data: services.assess_goal(
            by=request.user, goal=entry, assessment=data["assessment"]
        ),
        _("评价已保存。"),
        "goals",
        form=AssessForm(request.POST),
    )


# Meeting logs


@action
def add_log(request, pairing):
    """Write a meeting log (either side): planned if in the future, else awaiting the other."""
    return _with_form(
        request,
        pairing,
        LogForm(request.POST),
        "log_form",
        lambda data: services.log_meeting(
            by=request.user,
            pairing=pairing,
            date=data["date"],
            start_time=data["start_time"],
            hours=data["hours"],
            form=data["form"],
            topic=data["topic"],
            notes=data["notes"],
        ),
        _("带教记录已保存，待对方确认。"),
        "logs",
    )


def _log(pairing, log: int) -> MeetingLog:
    return get_object_or_404(pairing.logs, pk=log)


@action
def confirm_log(request, pairing, log: int):
    """Co-sign a log the other side wrote."""
    entry = _log(pairing, log)
    return _simple(
        request,
        pairing,
        lambda _data: services.confirm_log(by=request.user, entry=entry),
        _("已确认该带教记录。"),
        "logs",
    )


@action
def dispute_log(request, pairing, log: int):
    """Dispute a log with a reason."""
    entry = _log(pairing, log)
    return _simple(
        request,
        pairing,
        lambda data: services.dispute_log(by=request.user, entry=entry, reason=data["reason"]),
        _("已对该带教记录提出异议。"),
        "logs",
        form=ReasonForm(request.POST),
    )


@action
def cancel_log(request, pairing, log: int):
    """Cancel a planned or unconfirmed log (its writer)."""
    entry = _log(pairing, log)
    return _simple(
        request,
        pairing,
        lambda _data: services.cancel_log(by=request.user, entry=entry),
        _("该带教记录已取消。"),
        "logs",
    )


# Reviews


@action
def submit_review(request, pairing):
    """Submit this side's mid-term or final review."""
    side = side_of(request.user, pairing)
    form = ReviewForm(request.POST, mentor=side == MENTOR)
    return _with_form(
        request,
        pairing,
        form,
        "review_form",
        lambda data: services.submit_review(
            by=request.user,
            pairing=pairing,
            stage=data["stage"],
            rating=data["rating"],
            competences=form.competences() or None,
            comment=data["comment"],
        ),
        _("评价已提交。"),
        "reviews",
    )
