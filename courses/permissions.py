"""What a user may see of training: the one module that scopes training querysets.

Staff reach the sessions and course pages organised in the federations they manage
(``workforce.permissions`` decides which those are); another federation's session or course is
not in the queryset, so it is a 404.
"""

from django.db.models import Q, QuerySet

from workforce.models import subtree_q
from workforce.permissions import managed_paths

from .models import CoursePage, Session


def sessions_for(user) -> QuerySet[Session]:
    """Return the sessions organised in the federations ``user`` manages."""
    return Session.objects.filter(subtree_q(managed_paths(user), "organizer__"))


def managed_courses_q(user) -> Q:
    """Return a Q matching the course pages organised in the federations ``user`` manages."""
    return subtree_q(managed_paths(user), "organizer__")


def others_courses(user) -> QuerySet[CoursePage]:
    """Return the course pages organised outside the federations ``user`` manages."""
    return CoursePage.objects.exclude(managed_courses_q(user))
