"""/intake/: the dead letters of the email intake (INTAKE_MANAGE)."""

from django.urls import path

from garrison.issues.views import mail

app_name = "mail"

urlpatterns = [
    path("dead-letters/", mail.dead_letter_list, name="dead_letter_list"),
    path("dead-letters/<uuid:pk>/", mail.dead_letter_detail, name="dead_letter_detail"),
    path("dead-letters/<uuid:pk>/retry", mail.dead_letter_retry, name="dead_letter_retry"),
    path("dead-letters/<uuid:pk>/discard", mail.dead_letter_discard, name="dead_letter_discard"),
    path("dead-letters/<uuid:pk>/raw", mail.dead_letter_raw, name="dead_letter_raw"),
]
