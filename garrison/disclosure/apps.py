from django.apps import AppConfig


class DisclosureConfig(AppConfig):
    name = "garrison.disclosure"
    label = "disclosure"
    verbose_name = "Coordinated disclosure"
    default_auto_field = "django.db.models.BigAutoField"
