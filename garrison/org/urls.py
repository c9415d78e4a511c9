from django.urls import path

from garrison.org import views

app_name = "org"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("components/", views.component_list, name="component_list"),
    path("release-lines/", views.release_line_list, name="release_line_list"),
    path("clients/", views.client_list, name="client_list"),
]
