from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "garrison.access"
    label = "access"
