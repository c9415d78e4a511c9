from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "garrison.notify"
    label = "notify"
    verbose_name = "Notifications, deliveries and on-call"
    default_auto_field = "django.db.models.BigAutoField"
