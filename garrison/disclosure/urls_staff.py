app_name = "advisories"

urlpatterns: list = []
