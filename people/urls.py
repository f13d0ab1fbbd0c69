from django.contrib.auth import views as auth_views
from django.urls import path

from people import unit_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("don-vi/tim.json", unit_views.unit_search_json, name="unit_search_json"),
    path("don-vi/tim/", unit_views.unit_search_page, name="unit_search"),
]
