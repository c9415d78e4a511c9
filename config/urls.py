from django.conf import settings
from django.urls import include, path

from garrison.api.api import api

urlpatterns = [
    path("", include("garrison.core.urls")),
    path("account/", include("garrison.accounts.urls")),
    path("org/", include("garrison.org.urls")),
    path("audit/", include("garrison.audit.urls")),
    path("access/", include("garrison.access.urls")),
    path("findings/", include("garrison.findings.urls")),
    path("issues/", include("garrison.issues.urls")),
    path("intake/", include("garrison.issues.urls_mail")),
    path("notify/", include("garrison.notify.urls")),
    path("disclosure/lists/", include("garrison.disclosure.urls_lists")),
    path("disclosure/", include("garrison.disclosure.urls_staff")),
    path("advisories/", include("garrison.disclosure.urls_public")),
    path(".well-known/", include("garrison.disclosure.urls_wellknown")),
    path("", include("garrison.issues.urls_intake")),
    path("api/v1/", api.urls),
]

if settings.GARRISON_OIDC_ENABLED:
    from mozilla_django_oidc.views import OIDCAuthenticationRequestView, OIDCLogoutView

    from garrison.accounts.oidc import GarrisonOIDCCallbackView

    urlpatterns += [
        path("oidc/authenticate/", OIDCAuthenticationRequestView.as_view(), name="oidc_authentication_init"),
        path("oidc/callback/", GarrisonOIDCCallbackView.as_view(), name="oidc_authentication_callback"),
        path("oidc/logout/", OIDCLogoutView.as_view(), name="oidc_logout"),
    ]

handler400 = "garrison.core.errors.bad_request"
handler403 = "garrison.core.errors.permission_denied"
handler404 = "garrison.core.errors.page_not_found"
handler500 = "garrison.core.errors.server_error"
