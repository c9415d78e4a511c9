from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "garrison.accounts"
    label = "accounts"
