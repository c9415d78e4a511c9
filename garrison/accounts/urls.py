from django.urls import path

from garrison.accounts.views import mfa, profile, signin, users

app_name = "accounts"

urlpatterns = [
    path("login", signin.login_view, name="login"),
    path("login/2fa", signin.login_mfa_view, name="login_mfa"),
    path("logout", signin.logout_view, name="logout"),
    path("2fa/setup", mfa.mfa_setup, name="mfa_setup"),
    path("2fa/recovery-codes", mfa.recovery_codes, name="recovery_codes"),
    path("profile", profile.profile, name="profile"),
    path("password", profile.password_change, name="password_change"),
    path("tokens/new", profile.token_create, name="token_create"),
    path("tokens/<uuid:pk>/revoke", profile.token_revoke, name="token_revoke"),
    path("sessions/end", profile.sessions_end, name="sessions_end"),
    path("users/", users.user_list, name="user_list"),
    path("users/new", users.user_create, name="user_create"),
    path("users/<uuid:pk>/", users.user_detail, name="user_detail"),
    path("users/<uuid:pk>/role", users.user_role, name="user_role"),
    path("users/<uuid:pk>/deactivate", users.user_deactivate, name="user_deactivate"),
    path("users/<uuid:pk>/reactivate", users.user_reactivate, name="user_reactivate"),
    path("users/<uuid:pk>/2fa-reset", users.user_mfa_reset, name="user_mfa_reset"),
]
