from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "garrison.core"
    label = "core"
