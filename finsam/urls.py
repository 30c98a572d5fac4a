from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from finsam import converters, views
from members import access_views

# <year:…> in every app's addresses; registered before the includes below read them.
register_converter(converters.YearConverter, "year")

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "konto/logga-in/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("konto/logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "konto/inbjudan/<uidb64>/<token>/",
        access_views.invitation_accept,
        name="invitation_accept",
    ),
    path("nytt-forbund/", access_views.association_create, name="association_create"),
    path("admin/", admin.site.urls),
    path("<slug:slug>/", include("members.urls")),
    path("<slug:slug>/budget/", include("budgets.urls")),
    path("<slug:slug>/insatser/", include("insatser.urls")),
    path("<slug:slug>/", include("insatser.public_urls")),
    path("<slug:slug>/", include("reporting.urls")),
    path("<slug:slug>/underskrifter/", include("signing.urls")),
]

handler400 = "finsam.views.bad_request"
handler403 = "finsam.views.forbidden"
handler404 = "finsam.views.not_found"
handler500 = "finsam.views.server_error"
