from django.urls import include, path

from garrison.api.api import api

urlpatterns = [
    path("", include("garrison.core.urls")),
    path("account/", include("garrison.accounts.urls")),
    path("org/", include("garrison.org.urls")),
    path("audit/", include("garrison.audit.urls")),
    path("api/v1/", api.urls),
]

handler400 = "garrison.core.errors.bad_request"
handler403 = "garrison.core.errors.permission_denied"
handler404 = "garrison.core.errors.page_not_found"
handler500 = "garrison.core.errors.server_error"
