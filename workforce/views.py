"""Front-office views of the workforce app."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from . import selectors
from .models import Worker


@login_required
def my_page(request):
    """Show the signed-in worker's profile, current posting and posting history."""
    try:
        worker = selectors.worker_profile(request.user.worker.pk)
    except Worker.DoesNotExist:
        raise Http404 from None
    return render(
        request,
        "workforce/my_page.html",
        {"worker": worker, "current_posting": selectors.current_posting(worker)},
    )
