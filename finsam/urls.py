from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from finsam import converters, views

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
