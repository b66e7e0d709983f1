"""The project's URLs and the pairing page's name, for tests of code that links to a pairing
(emails, "my training") while the mentorship pages are not in ``lms/urls.py`` yet.

Use with ``@pytest.mark.urls("tests.mentorship.urls")``; once ``lms/urls.py`` includes
``mentorship.urls`` this module can go.
"""

from django.http import HttpResponse
from django.urls import include, path

from lms.urls import urlpatterns as project


def _pairing(request, pk):
    return HttpResponse()


mentorship = ([path("me/mentoring/pairings/<int:pk>/", _pairing, name="pairing")], "mentorship")
urlpatterns = [path("", include(mentorship)), *project]
