"""Pages of course planning and paper attendance (the course pages are in training.urls)."""

from django.urls import path

from training import planning_views as views

app_name = "planning"
urlpatterns = [
    path("lop/lap-ke-hoach/", views.plan, name="plan"),
    path("lop/<int:pk>/moi-nguoi-chua-hoc/", views.invite_gaps_form, name="invite_gaps"),
    path("lop/buoi/<int:session_id>/so-diem-danh.pdf", views.signin_sheet, name="signin_sheet"),
    path(
        "lop/buoi/<int:session_id>/diem-danh-mau.xlsx",
        views.attendance_template,
        name="attendance_template",
    ),
    path(
        "lop/buoi/<int:session_id>/nhap-diem-danh/",
        views.attendance_upload,
        name="attendance_upload",
    ),
]
