from django.apps import AppConfig


class FindingsConfig(AppConfig):
    name = "garrison.findings"
    label = "findings"
