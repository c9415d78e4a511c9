"""Settings for the test suite: production settings with a fixed key and fast hashing."""

import os

os.environ.setdefault("GARRISON_SECRET_KEY", "test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz")

from config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["garrison.accounts.hashers.FastArgon2PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# CSAF wants the publisher's https URL (the test base URL is http).
GARRISON_PUBLISHER_NAMESPACE = "https://garrison.example.org"
