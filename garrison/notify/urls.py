from django.urls import path

from garrison.notify import views

app_name = "notify"

urlpatterns = [
    path("", views.notification_list, name="notification_list"),
    path("<uuid:pk>/read", views.notification_read, name="notification_read"),
    path("read-all", views.notifications_read_all, name="notifications_read_all"),
    path("unread", views.unread_badge, name="unread_badge"),
    path("on-call/", views.oncall, name="oncall"),
    path("on-call/shifts/new", views.shift_create, name="shift_create"),
    path("on-call/shifts/<uuid:pk>/delete", views.shift_delete, name="shift_delete"),
    path("on-call/overrides/new", views.override_create, name="override_create"),
    path("on-call/overrides/<uuid:pk>/delete", views.override_delete, name="override_delete"),
    path("deliveries/", views.delivery_list, name="delivery_list"),
    path("deliveries/<uuid:pk>/retry", views.delivery_retry, name="delivery_retry"),
    path("pages/<uuid:pk>/ack", views.page_ack, name="page_ack"),
]
