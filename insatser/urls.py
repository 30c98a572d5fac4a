from django.urls import path

from insatser import goal_views, views

app_name = "insatser"

urlpatterns = [
    path("", views.index, name="index"),
    path("ny/", views.insats_create, name="insats_create"),
    path("<int:insats_id>/", views.insats_detail, name="insats_detail"),
    path("<int:insats_id>/andra/", views.insats_edit, name="insats_edit"),
    path("<int:insats_id>/status/", views.insats_status, name="insats_status"),
    path("<int:insats_id>/beslut/", views.decision_add, name="decision_add"),
    path("<int:insats_id>/bemanning/", views.staffing_add, name="staffing_add"),
    path("<int:insats_id>/bemanning/ta-bort/", views.staffing_delete, name="staffing_delete"),
]
urlpatterns += [
    path("<int:insats_id>/deltagare/<year:year>/", views.stats_edit, name="stats_edit"),
]
urlpatterns += [
    path("mal/", goal_views.goal_index, name="goal_index"),
    path("mal/<year:year>/", goal_views.goal_list, name="goal_list"),
    path("mal/<year:year>/nytt/", goal_views.goal_create, name="goal_create"),
    path("mal/<year:year>/kopiera/", goal_views.goal_copy, name="goal_copy"),
    path("mal/andra/<int:goal_id>/", goal_views.goal_edit, name="goal_edit"),
]
urlpatterns += [
    path(
        "<int:insats_id>/deltagare/<year:year>/fordelning/",
        views.breakdown_edit,
        name="breakdown_edit",
    ),
    path("<int:insats_id>/aktiviteter/", views.activity_add, name="activity_add"),
    path("<int:insats_id>/aktiviteter/ta-bort/", views.activity_delete, name="activity_delete"),
]
