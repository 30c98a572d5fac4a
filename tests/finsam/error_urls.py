"""The project's URLs plus one view that fails, for testing the 500 page."""

from django.urls import path

from finsam.urls import urlpatterns as project_urlpatterns


def fails(request):
    raise RuntimeError("a failure the page must not show")


urlpatterns = [path("fel-for-test/", fails), *project_urlpatterns]

handler400 = "finsam.views.bad_request"
handler403 = "finsam.views.forbidden"
handler404 = "finsam.views.not_found"
handler500 = "finsam.views.server_error"
