from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "garrison.api"
    label = "api"
