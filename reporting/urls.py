from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("bokslut/", views.index, name="index"),
    path("bokslut/<int:year>/", views.statements, name="statements"),
    path("bokslut/<int:year>/drift/", views.operating, name="operating"),
    path("bokslut/<int:year>/balanser/", views.balances, name="balances"),
    path("bokslut/<int:year>/balanser/ta-bort/", views.balance_delete, name="balance_delete"),
    path("bokslut/<int:year>/uppgifter/", views.year_end_edit, name="year_end_edit"),
    path("bokslut/<int:year>/stang/", views.close_year, name="close_year"),
    path("bokslut/<int:year>/oppna/", views.reopen_year, name="reopen_year"),
    path("bokslut/<int:year>/sie/", views.sie_import, name="sie_import"),
]
