from django.urls import path

from insatser import views

app_name = "public"

urlpatterns = [
    path("resultat/", views.public_results, name="results"),
]
