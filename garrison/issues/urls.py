"""/issues/: the list, saved filters, levels and access review (urls_listing) and one issue (urls_detail)."""

from garrison.issues import urls_detail, urls_listing

app_name = "issues"

urlpatterns = [*urls_listing.urlpatterns, *urls_detail.urlpatterns]
