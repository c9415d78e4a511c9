from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "garrison.audit"
    label = "audit"
