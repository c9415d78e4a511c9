"""Published advisories, for everyone: /advisories/ (page, machine-readable exports, Atom feeds)."""

from django.urls import path, re_path

from garrison.disclosure.views import public

app_name = "public"

_ID = r"(?P<identifier>[A-Za-z0-9][A-Za-z0-9_-]*)"

urlpatterns = [
    path("", public.advisory_list, name="advisory_list"),
    path("feed.atom", public.feed, name="feed"),
    path("components/<str:component>/feed.atom", public.component_feed, name="component_feed"),
    path("components/<str:component>/vex.json", public.component_vex, name="component_vex"),
    re_path(rf"^{_ID}\.(?P<suffix>csaf|vex|openvex|osv|cve5)\.json$", public.advisory_export, name="advisory_export"),
    re_path(rf"^{_ID}$", public.advisory_detail, name="advisory_detail"),
]
