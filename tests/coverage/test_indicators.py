"""The resolution's other targets: entered in a form or from .xlsx, red where below target."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import Workbook

from coverage.models import Indicator, IndicatorValue
from coverage.services import CoverageError, import_indicator_values, record_indicator_value
from tests.coverage.conftest_ui import ui  # noqa: F401


def sheet(rows: list[list[object]], *, title_rows: int = 2) -> io.BytesIO:
    book = Workbook()
    ws = book.active
    for i in range(title_rows):
        ws.append([f"BÁO CÁO SỐ LIỆU CHỈ TIÊU {i}"])
    ws.append(["Mã xã", "Đơn vị", "Chỉ tiêu", "Năm", "Quý", "Giá trị", "Nguồn"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    return out


def test_it_seeds_the_four_indicators(db):
    found = {i.code: (i.target_value, i.comparison) for i in Indicator.objects.all()}
    assert found == {
        "nq33-dossiers": (Decimal("98.00"), "gte"),
        "nq33-complaints": (Decimal("85.00"), "gt"),
        "nq33-decisions": (Decimal("90.00"), "gt"),
        "nq33-supervision": (Decimal("1.00"), "gte"),
    }


def test_it_compares_strictly_where_the_resolution_says_more_than(db):
    complaints = Indicator.objects.get(code="nq33-complaints")
    dossiers = Indicator.objects.get(code="nq33-dossiers")
    assert not complaints.meets(Decimal("85")) and complaints.meets(Decimal("85.1"))
    assert dossiers.meets(Decimal("98")) and not dossiers.meets(Decimal("97.9"))


def test_it_imports_every_row_resolving_codes_on_the_period(ui):  # noqa: F811
    rows = [
        ["00889", "", "nq33-dossiers", 2024, None, 97.5, "Văn phòng UBND xã"],
        ["889", "", "Tỷ lệ hồ sơ của công dân được trả đúng hạn", 2025, 4, "99,2", "Một cửa"],
        ["", "Xã Cán Tỷ", "nq33-supervision", 2024, "", 2, ""],
    ]  # fmt: skip
    assert import_indicator_values(file=sheet(rows), by=ui.admin) == 3
    values = {(v.unit.name, v.year, v.quarter): v.value for v in IndicatorValue.objects.all()}
    assert values == {
        ("Xã Thanh Vân", 2024, None): Decimal("97.50"),  # 00889 before 1/7/2025
        ("Xã Nghĩa Thuận", 2025, 4): Decimal("99.20"),  # 00889 after
        ("Xã Cán Tỷ", 2024, None): Decimal("2.00"),
    }
    # Replaying the file corrects values, never duplicates them.
    assert import_indicator_values(file=sheet(rows), by=ui.admin) == 3
    assert IndicatorValue.objects.count() == 3


def test_it_imports_nothing_when_a_row_is_wrong(ui):  # noqa: F811
    rows = [
        ["00889", "", "nq33-dossiers", 2024, None, 97.5, ""],
        ["99999", "", "nq33-dossiers", 2024, None, 97.5, ""],
        ["00880", "", "chỉ tiêu lạ", 2024, None, 50, ""],
        ["00880", "", "nq33-complaints", 2024, 5, 50, ""],
        ["00880", "", "nq33-complaints", 2024, None, "nhiều", ""],
    ]
    with pytest.raises(CoverageError) as error:
        import_indicator_values(file=sheet(rows), by=ui.admin)
    assert error.value.errors == [
        "Dòng 5: cột «Mã xã»: không có đơn vị mã 99999 vào ngày 31/12/2024",
        "Dòng 6: cột «Chỉ tiêu»: không có chỉ tiêu «chỉ tiêu lạ»",
        "Dòng 7: Quý 5 không hợp lệ (1–4)",
        "Dòng 8: cột «Giá trị»: «nhiều» không phải là số",
    ]
    assert not IndicatorValue.objects.exists()


def test_it_refuses_figures_for_units_outside_the_users_scope(ui):  # noqa: F811
    rows = [["00889", "", "nq33-dossiers", 2024, None, 97.5, ""]]
    with pytest.raises(CoverageError) as error:
        import_indicator_values(file=sheet(rows, title_rows=0), by=ui.can_ty_clerk)
    assert error.value.errors == ["Dòng 2: bạn không có quyền nhập số liệu cho Xã Thanh Vân"]
    dossiers = Indicator.objects.get(code="nq33-dossiers")
    with pytest.raises(CoverageError):
        record_indicator_value(
            indicator=dossiers, unit=ui.tree.thanh_van, year=2024, quarter=None,
            value=Decimal("99"), source="", by=ui.can_ty_clerk,
        )  # fmt: skip


def test_it_enters_a_value_in_the_form_and_shows_it_red_below_target(client, ui):  # noqa: F811
    client.force_login(ui.commission)
    dossiers = Indicator.objects.get(code="nq33-dossiers")
    r = client.post(
        reverse("coverage:indicators"),
        {"indicator": dossiers.pk, "unit": ui.tree.quan_ba.pk, "year": "2025", "quarter": "1",
         "value": "96,5", "source": "Báo cáo UBND huyện"},
    )  # fmt: skip
    assert r.status_code == 302
    saved = IndicatorValue.objects.get()
    assert (saved.value, saved.quarter, saved.entered_by) == (Decimal("96.50"), 1, ui.commission)
    page = client.get(
        reverse("coverage:dashboard"), {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    )
    html = page.content.decode()
    assert '<td class="num below" title="Báo cáo UBND huyện">96,5</td>' in html
    listing = client.get(reverse("coverage:indicators")).content.decode()
    assert 'class="num below">96,5</td>' in listing


def test_it_shows_values_meeting_the_target_without_red(client, ui):  # noqa: F811
    dossiers = Indicator.objects.get(code="nq33-dossiers")
    record_indicator_value(
        indicator=dossiers, unit=ui.tree.quan_ba, year=2025, quarter=None, value=Decimal("98"),
        source="", by=ui.admin,
    )  # fmt: skip
    record_indicator_value(
        indicator=dossiers, unit=ui.tree.quan_ba, year=2025, quarter=1, value=Decimal("100"),
        source="", by=ui.admin,
    )  # fmt: skip
    client.force_login(ui.admin)
    html = client.get(reverse("coverage:indicators")).content.decode()
    assert 'class="num">98</td>' in html and 'class="num">100</td>' in html


def test_it_reports_import_errors_on_the_page(client, ui):  # noqa: F811
    client.force_login(ui.admin)
    data = sheet([["99999", "", "nq33-dossiers", 2024, None, 97.5, ""]])
    data.name = "chi-tieu.xlsx"
    r = client.post(reverse("coverage:indicator_import"), {"file": data})
    assert r.status_code == 200
    assert "Dòng 4: cột «Mã xã»: không có đơn vị mã 99999" in r.content.decode()


def test_it_lists_values_in_few_queries(client, ui, django_assert_max_num_queries):  # noqa: F811
    for ind in Indicator.objects.all():
        for q in (1, 2, 3, 4):
            record_indicator_value(
                indicator=ind, unit=ui.tree.quan_ba, year=2025, quarter=q, value=Decimal(50),
                source="", by=ui.admin,
            )  # fmt: skip
    client.force_login(ui.commission)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("coverage:indicators")).status_code == 200
