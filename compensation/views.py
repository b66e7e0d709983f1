"""The worker's own pay page (我的薪酬). Staff screens are in ``viewsets.py``."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import selectors


@login_required
@require_GET
def my_pay(request):
    """Show the signed-in worker's post, level and monthly pay, and every change before."""
    worker = getattr(request.user, "worker", None)
    history, current = ([], None)
    if worker is not None:
        history, current = selectors.pay_history(worker, today=timezone.localdate())
    return render(
        request,
        "compensation/my_pay.html",
        {"worker": worker, "history": history, "current": current},
    )
