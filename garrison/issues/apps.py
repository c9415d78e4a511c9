from django.apps import AppConfig


class IssuesConfig(AppConfig):
    name = "garrison.issues"
    label = "issues"
    verbose_name = "Security issues"
    default_auto_field = "django.db.models.BigAutoField"
