"""The report officials send upward, as .xlsx and .csv, parsed back."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from tests.coverage.conftest_ui import ui  # noqa: F401

PARAMS = {"as_of": "31/03/2025"}


def download(client, user, name, **params):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response


def test_it_writes_a_summary_and_a_gap_sheet_per_target(client, ui):  # noqa: F811
    r = download(client, ui.admin, "coverage:report_xlsx", unit=ui.tree.quan_ba.pk, **PARAMS)
    assert r["Content-Disposition"].endswith('bao-cao-tap-huan-027-20250331.xlsx"')
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == [
        "Tổng hợp",
        "TH Cơ quan, đơn vị", "DS Cơ quan, đơn vị",
        "TH MTTQ, đoàn thể", "DS MTTQ, đoàn thể",
        "TH Thôn, tổ dân phố", "DS Thôn, tổ dân phố",
        "TH Ban TTND, Ban GSĐTCĐ", "DS Ban TTND, Ban GSĐTCĐ",
        "TH Tổ dân vận", "DS Tổ dân vận",
        "Giải thích",
    ]  # fmt: skip
    explained = {r[0]: r[1] for r in book["Giải thích"].iter_rows(min_row=2, values_only=True)}
    assert explained["Trong hạn"].startswith("Chưa được tập huấn nhưng còn hạn")
    assert "một người giữ nhiều chức danh" in explained["Theo người"]
    ws = book["TH Thôn, tổ dân phố"]
    assert ws["A1"].value == "BÁO CÁO KẾT QUẢ TẬP HUẤN"
    assert ws["A3"].value == "Đơn vị: Huyện Quản Bạ"
    assert ws["A4"].value == "Số liệu tính đến ngày 31 tháng 03 năm 2025"
    header = [c.value for c in ws[6]]
    assert header == [
        "STT", "Đơn vị", "Số người giữ chức danh", "Đã tập huấn", "Tỷ lệ (%)",
        "Chưa tập huấn trong hạn", "Quá hạn", "Chức danh còn trống",
    ]  # fmt: skip
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=7)]
    assert rows == [
        [1, "Xã Cán Tỷ", 1, 0, 0.0, 1, 0, 3],
        [2, "Xã Thanh Vân", 2, 2, 100.0, 0, 0, 2],
        [None, "Tổng cộng", 3, 2, 66.7, 1, 0, 5],
    ]


def test_it_names_the_people_behind_the_gaps(client, ui):  # noqa: F811
    r = download(client, ui.admin, "coverage:report_xlsx", unit=ui.tree.quan_ba.pk, **PARAMS)
    book = load_workbook(io.BytesIO(r.content))
    ws = book["DS Thôn, tổ dân phố"]
    assert [c.value for c in ws[6]][:3] == ["STT", "Loại", "Họ và tên"]
    names = [row[2].value for row in ws.iter_rows(min_row=7)]
    assert "Bùi Văn Bình" in names and len(names) == 6  # one untrained holder, five vacancies
    boards = book["TH Ban TTND, Ban GSĐTCĐ"]
    assert [c.value for c in boards[6]] == [
        "STT",
        "Đơn vị",
        "Số ban",
        "Số ban đạt",
        "Tỷ lệ (%)",
        "Xã chưa có Ban thanh tra nhân dân",
    ]
    assert [c.value for c in boards[9]] == [None, "Tổng cộng", 1, 0, 0.0, 1]
    teams = book["TH Tổ dân vận"]
    assert [c.value for c in teams[9]][2:] == [2, 1, 50.0]


def test_it_writes_one_target_as_csv(client, ui):  # noqa: F811
    r = download(
        client, ui.admin, "coverage:report_csv", unit=ui.tree.quan_ba.pk, target="nq33-village",
        **PARAMS,
    )  # fmt: skip
    text = r.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["Đơn vị"] for r in rows] == ["Huyện Quản Bạ", "Xã Cán Tỷ", "Xã Thanh Vân"]
    total = rows[0]
    assert (total["Số người giữ chức danh"], total["Đã tập huấn"], total["Tỷ lệ (%)"]) == (
        "3", "2", "66.7",
    )  # fmt: skip
    assert {r["Chỉ tiêu"] for r in rows} == {"nq33-village"}


def test_it_keeps_report_queries_bounded(client, ui, django_assert_max_num_queries):  # noqa: F811
    client.force_login(ui.admin)
    params = {"unit": ui.tree.quan_ba.pk, **PARAMS}
    with django_assert_max_num_queries(90):
        assert client.get(reverse("coverage:report_xlsx"), params).status_code == 200
    with django_assert_max_num_queries(45):
        assert client.get(reverse("coverage:report_csv"), params).status_code == 200


def test_it_refuses_a_unit_outside_the_users_scope(client, ui):  # noqa: F811
    client.force_login(ui.can_ty_clerk)
    params = {"unit": ui.tree.thanh_van.pk, **PARAMS}
    assert client.get(reverse("coverage:report_xlsx"), params).status_code == 404
