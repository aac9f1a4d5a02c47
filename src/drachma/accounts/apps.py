from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "drachma.accounts"
    label = "accounts"
