from django.contrib.auth.hashers import Argon2PasswordHasher


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 with tiny costs, for the test suite only (config/test_settings.py)."""

    time_cost = 1
    memory_cost = 256
    parallelism = 1
