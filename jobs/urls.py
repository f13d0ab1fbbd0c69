from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("cong-viec/", views.job_list, name="list"),
    path("cong-viec/<int:pk>/", views.job_detail, name="detail"),
    path("cong-viec/<int:pk>.json", views.job_json, name="json"),
    path("cong-viec/<int:pk>/tep/", views.job_file, name="file"),
    path("cong-viec/bao-cao/", views.report_job, name="report"),
]
