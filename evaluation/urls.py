from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    # Public, no login: the token (or the poster's code) is the only right.
    path("survey/p/<str:code>/", views.poster, name="poster"),
    path("survey/<str:token>/", views.survey, name="survey"),
    # The signed-in worker's confirmed grades.
    path("me/evaluation/", views.my_results, name="my_results"),
]
