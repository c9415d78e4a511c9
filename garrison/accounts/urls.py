from django.urls import path

from garrison.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("profile", views.profile, name="profile"),
    path("2fa/setup", views.mfa_setup, name="mfa_setup"),
    path("users/", views.user_list, name="user_list"),
]
