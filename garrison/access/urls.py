from django.urls import path

from garrison.access import views

app_name = "access"

urlpatterns = [
    path("labels/", views.label_list, name="label_list"),
    path("labels/new", views.label_create, name="label_create"),
    path("labels/<uuid:pk>/edit", views.label_edit, name="label_edit"),
]
