"""Roster pages (danh bạ): list, import with preview, template, export."""

from django.urls import path

from people import person_views, views

app_name = "people"

urlpatterns = [
    path("danh-ba/", views.roster, name="roster"),
    path("danh-ba/nhap/", views.roster_import, name="import"),
    path("danh-ba/mau.xlsx", views.roster_template, name="template"),
    path("danh-ba/xuat.xlsx", views.roster_export, name="export"),
    path("danh-ba/nguoi/<int:pk>/", person_views.person, name="person"),
    path("danh-ba/tim-cccd/", person_views.find_by_id, name="find_by_id"),
]
