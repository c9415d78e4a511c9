from django.urls import path

from garrison.disclosure.views import lists

app_name = "distribution"

urlpatterns = [
    path("", lists.list_index, name="index"),
    path("new", lists.list_create, name="list_create"),
    path("<uuid:pk>/delete", lists.list_delete, name="list_delete"),
    path("<uuid:pk>/recipients/new", lists.recipient_create, name="recipient_create"),
    path("recipients/<uuid:pk>/delete", lists.recipient_delete, name="recipient_delete"),
    path("send/<str:identifier>", lists.send, name="send"),
]
