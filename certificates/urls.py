from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("giay-chung-nhan/", views.certificate_list, name="list"),
    path("giay-chung-nhan/cap/", views.certificate_issue, name="issue"),
    path("giay-chung-nhan/so-cap/", views.register, name="register"),
    path("giay-chung-nhan/<int:pk>/", views.certificate_detail, name="detail"),
    path("giay-chung-nhan/<int:pk>/pdf/", views.certificate_pdf, name="pdf"),
    path("giay-chung-nhan/<int:pk>/thu-hoi/", views.certificate_revoke, name="revoke"),
    path("giay-chung-nhan/<int:pk>/cap-lai/", views.certificate_reissue, name="reissue"),
    path("giay-chung-nhan/lop/<int:course_id>/pdf/", views.course_pdf, name="course_pdf"),
    path("giay-chung-nhan/lop/<int:course_id>/zip/", views.course_zip, name="course_zip"),
    path("giay-chung-nhan/lop/<int:course_id>/cap/", views.course_issue, name="course_issue"),
    path("cua-toi/", views.mine, name="mine"),
    path("xac-minh/tra-cuu/", views.lookup, name="lookup"),
    path("xac-minh/<str:code>/", views.verify, name="verify"),
]
