from django.urls import path

from garrison.org import views

app_name = "org"

urlpatterns = [
    path("teams/", views.team_list, name="team_list"),
    path("teams/new", views.team_create, name="team_create"),
    path("teams/<uuid:pk>/", views.team_detail, name="team_detail"),
    path("teams/<uuid:pk>/edit", views.team_edit, name="team_edit"),
    path("teams/<uuid:pk>/members/add", views.team_member_add, name="team_member_add"),
    path("teams/<uuid:pk>/members/<uuid:user_pk>/remove", views.team_member_remove, name="team_member_remove"),
    path("components/", views.component_list, name="component_list"),
    path("components/new", views.component_create, name="component_create"),
    path("components/<uuid:pk>/", views.component_detail, name="component_detail"),
    path("components/<uuid:pk>/edit", views.component_edit, name="component_edit"),
    path("release-lines/", views.release_line_list, name="release_line_list"),
    path("release-lines/new", views.release_line_create, name="release_line_create"),
    path("release-lines/<uuid:pk>/", views.release_line_detail, name="release_line_detail"),
    path("release-lines/<uuid:pk>/edit", views.release_line_edit, name="release_line_edit"),
    path("release-lines/<uuid:pk>/releases/new", views.release_create, name="release_create"),
    path("releases/<uuid:pk>/edit", views.release_edit, name="release_edit"),
    path("clients/", views.client_list, name="client_list"),
    path("clients/new", views.client_create, name="client_create"),
    path("clients/<uuid:pk>/", views.client_detail, name="client_detail"),
    path("clients/<uuid:pk>/edit", views.client_edit, name="client_edit"),
]
