from django.urls import path

from coverage import views

app_name = "coverage"
urlpatterns = [
    path("ty-le/", views.dashboard, name="dashboard"),
    path("ty-le/danh-sach/", views.gap_list, name="gaps"),
    path("ty-le/danh-sach.xlsx", views.gap_xlsx, name="gaps_xlsx"),
    path("ty-le/danh-sach.csv", views.gap_csv, name="gaps_csv"),
    path("ty-le/bao-cao.xlsx", views.report_xlsx, name="report_xlsx"),
    path("ty-le/bao-cao.csv", views.report_csv, name="report_csv"),
    path("ty-le/chot/", views.freeze, name="freeze"),
    path("ty-le/giai-thich/", views.glossary_page, name="glossary"),
    path("ty-le/xu-huong.json", views.trend_fragment, name="trend"),
    path("ty-le/da-chot/", views.frozen_list, name="frozen_list"),
    path("ty-le/da-chot/<int:pk>/", views.frozen_compare, name="frozen_compare"),
    path("ty-le/da-chot/<int:pk>/xuat.xlsx", views.frozen_xlsx, name="frozen_xlsx"),
    path("ty-le/chi-tieu/", views.indicators, name="indicators"),
    path("ty-le/chi-tieu/nhap/", views.indicator_import, name="indicator_import"),
]
