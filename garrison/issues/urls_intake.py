"""The public intake, mounted at the site root: the report form and the reporter's private tracking pages."""

from django.urls import path

from garrison.issues.views import intake

app_name = "intake"

urlpatterns = [
    path("report", intake.report, name="report"),
    path("track/<str:token>", intake.track, name="track"),
    path("track/<str:token>/reply", intake.track_reply, name="track_reply"),
    path("track/<str:token>/files/<uuid:pk>", intake.track_file, name="track_file"),
]
