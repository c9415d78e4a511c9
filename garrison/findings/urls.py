from django.urls import path

from garrison.findings import views

app_name = "findings"

urlpatterns = [
    path("", views.finding_list, name="finding_list"),
    path("bulk", views.finding_bulk, name="finding_bulk"),
    path("<uuid:pk>/", views.finding_detail, name="finding_detail"),
    path("<uuid:pk>/decision", views.finding_decide, name="finding_decide"),
    path("scans/", views.scan_list, name="scan_list"),
    path("scans/upload", views.scan_upload, name="scan_upload"),
    path("scans/<uuid:pk>/", views.scan_detail, name="scan_detail"),
    path("components/<uuid:pk>/history", views.component_history, name="component_history"),
    path("suppressions/", views.suppression_list, name="suppression_list"),
    path("suppressions/new", views.suppression_create, name="suppression_create"),
    path("suppressions/<uuid:pk>/revoke", views.suppression_revoke, name="suppression_revoke"),
]
