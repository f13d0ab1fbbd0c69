from django.urls import path

from training import feed_views, views

app_name = "training"
urlpatterns = [
    path("lop/", views.course_list, name="course_list"),
    path("lop/them/", views.course_edit, name="course_create"),
    path("lop/<int:pk>/", views.course_detail, name="course_detail"),
    path("lop/<int:pk>/sua/", views.course_edit, name="course_edit"),
    path("lop/<int:pk>/moi/", views.invite_person, name="invite"),
    path("lop/<int:pk>/xac-nhan/", views.confirm_course, name="confirm_course"),
    path("lop/<int:pk>/bat-dau/", views.start_course, name="start_course"),
    path("lop/<int:pk>/ket-thuc/", views.close_course, name="close_course"),
    path("lop/<int:pk>/giay-moi.pdf", views.invitations_pdf, name="invitations_pdf"),
    path(
        "lop/<int:pk>/giay-moi/<int:enrollment_pk>.pdf",
        views.invitation_pdf,
        name="invitation_pdf",
    ),
    path("lop/<int:pk>/moi-theo-danh-sach/", views.invite_file, name="invite_file"),
    path("lop/<int:pk>/buoi-hoc/", views.add_session, name="add_session"),
    path("lop/<int:pk>/buoi/<int:session_pk>/xoa/", views.delete_session, name="delete_session"),
    path(
        "lop/<int:pk>/hoc-vien/<int:enrollment_pk>/<str:verb>/",
        views.enrollment_action,
        name="enrollment_action",
    ),
    path("lop/<int:pk>/buoi/<int:session_pk>/diem-danh/", views.attendance, name="attendance"),
    path("lop/<int:pk>/ket-qua/", views.results, name="results"),
    path("lop/<int:pk>/ket-qua/<int:enrollment_pk>/dieu-chinh/", views.override, name="override"),
    path("lich/", views.month_calendar, name="calendar"),
    path("lich/feed/<str:token>.ics", feed_views.feed, name="calendar_feed"),
    path("lich/feed/tao-moi/", feed_views.feed_renew, name="calendar_feed_renew"),
    path("lich/feed/thu-hoi/", feed_views.feed_revoke, name="calendar_feed_revoke"),
    path("ket-qua-tap-huan/nhap/", views.records_import, name="records_import"),
    path("ket-qua-tap-huan/mau.xlsx", views.records_template, name="records_template"),
]
