from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "garrison.org"
    label = "org"
