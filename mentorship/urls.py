from django.urls import path

from . import views

app_name = "mentorship"

PAIRING = "me/mentoring/pairings/<int:pk>/"

urlpatterns = [
    path("me/mentoring/", views.my_mentor, name="my_mentor"),
    path("me/mentoring/apprentices/", views.my_apprentices, name="my_apprentices"),
    path(PAIRING, views.pairing_page, name="pairing"),
    # One small POST-only URL per action (mentorship/views.py).
    path(PAIRING + "accept/", views.accept, name="accept"),
    path(PAIRING + "decline/", views.decline, name="decline"),
    path(PAIRING + "dissolve/", views.dissolve, name="dissolve"),
    path(PAIRING + "extension/", views.request_extension, name="request_extension"),
    path(
        PAIRING + "extension/<int:extension>/answer/",
        views.answer_extension,
        name="answer_extension",
    ),
    path(PAIRING + "goals/", views.add_goal, name="add_goal"),
    path(PAIRING + "goals/from-gaps/", views.goals_from_gaps, name="goals_from_gaps"),
    path(PAIRING + "goals/<int:goal>/progress/", views.report_progress, name="report_progress"),
    path(PAIRING + "goals/<int:goal>/assess/", views.assess_goal, name="assess_goal"),
    path(PAIRING + "logs/", views.add_log, name="add_log"),
    path(PAIRING + "logs/<int:log>/confirm/", views.confirm_log, name="confirm_log"),
    path(PAIRING + "logs/<int:log>/dispute/", views.dispute_log, name="dispute_log"),
    path(PAIRING + "logs/<int:log>/cancel/", views.cancel_log, name="cancel_log"),
    path(PAIRING + "reviews/", views.submit_review, name="submit_review"),
]
