from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("danh-ba/nguoi/<int:pk>/xuat.<str:fmt>", views.export, name="export"),
    path("danh-ba/nguoi/<int:pk>/xoa/", views.erase, name="erase"),
    path("nhap-lieu/lo/", views.batches, name="batches"),
    path("nhap-lieu/lo/<int:pk>/", views.batch, name="batch"),
    path("nhap-lieu/lo/<int:pk>/tep/", views.batch_file, name="batch_file"),
]
