"""/.well-known/: security.txt (RFC 9116) and the CSAF 2.0 provider layout (directory-based, TLP:WHITE)."""

from django.urls import path, re_path

from garrison.disclosure.views import public_wellknown as views

app_name = "wellknown"

_FILE = r"(?P<year>[0-9]{4})/(?P<filename>[+\-a-z0-9_]+\.json)"

urlpatterns = [
    path("security.txt", views.security_txt, name="security_txt"),
    path("csaf/provider-metadata.json", views.csaf_provider_metadata, name="csaf_provider_metadata"),
    path("csaf/white/index.txt", views.csaf_index, name="csaf_index"),
    path("csaf/white/changes.csv", views.csaf_changes, name="csaf_changes"),
    re_path(rf"^csaf/white/{_FILE}$", views.csaf_document, name="csaf_document"),
    re_path(rf"^csaf/white/{_FILE}\.(?P<algorithm>sha256|sha512)$", views.csaf_hash, name="csaf_hash"),
]
