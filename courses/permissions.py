"""What a user may see of training: the one module that scopes training querysets.

Staff reach the sessions organised in the federations they manage (``workforce.permissions``
decides which those are); another federation's session is not in the queryset, so it is a 404.
"""

from django.db.models import QuerySet

from workforce.models import subtree_q
from workforce.permissions import managed_paths

from .models import Session


def sessions_for(user) -> QuerySet[Session]:
    """Return the sessions organised in the federations ``user`` manages."""
    return Session.objects.filter(subtree_q(managed_paths(user), "organizer__"))
