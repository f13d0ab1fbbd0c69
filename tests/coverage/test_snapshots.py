"""Freezing a report as it was sent, and comparing it with the live figures."""

from datetime import date

import pytest
from django.urls import reverse

from coverage.models import FrozenReport
from coverage.services import CoverageError, freeze_report
from people.models import Person
from tests.coverage.conftest_ui import BEFORE, _train, ui  # noqa: F401


def test_it_freezes_the_figures_with_who_and_note(ui):  # noqa: F811
    frozen = freeze_report(
        target_code="nq33-village", unit=ui.tree.quan_ba, on=BEFORE, by=ui.commission,
        note="Số 12-BC/BTGDV",
    )  # fmt: skip
    frozen.refresh_from_db()
    assert frozen.figures["holders"] == 3 and frozen.figures["percent"] == 66.7
    assert frozen.frozen_by == ui.commission and frozen.note == "Số 12-BC/BTGDV"
    assert [c["unit"]["name"] for c in frozen.figures["children"]] == ["Xã Cán Tỷ", "Xã Thanh Vân"]


def test_it_lets_only_the_commission_freeze(ui):  # noqa: F811
    with pytest.raises(CoverageError, match="Chỉ Ban Tuyên giáo và Dân vận"):
        freeze_report(
            target_code="nq33-village", unit=ui.tree.can_ty, on=BEFORE, by=ui.can_ty_clerk, note=""
        )
    assert not FrozenReport.objects.exists()


def test_it_refuses_an_unknown_target(ui):  # noqa: F811
    with pytest.raises(CoverageError, match="Không có chỉ tiêu"):
        freeze_report(target_code="x", unit=ui.tree.quan_ba, on=BEFORE, by=ui.admin, note="")


def test_it_highlights_rows_that_changed_since_freezing(client, ui):  # noqa: F811
    client.force_login(ui.commission)
    params = {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    r = client.post(
        reverse("coverage:freeze") + f"?unit={ui.tree.quan_ba.pk}&as_of=31/03/2025",
        {"target": "nq33-village", "note": "Báo cáo quý I"},
    )
    frozen = FrozenReport.objects.get()
    assert r.status_code == 302 and r["Location"] == reverse(
        "coverage:frozen_compare", args=[frozen.pk]
    )
    same = client.get(r["Location"])
    assert same.context["changed"] == 0
    # A late record of Bình's training, completed before the date: Cán Tỷ's figures change.
    _train(Person.objects.get(given_name="Bình"), "xdd-kndv", date(2025, 3, 1))
    page = client.get(r["Location"])
    assert page.context["changed"] == 2  # Quản Bạ itself and Cán Tỷ; Thanh Vân unchanged
    rows = {row["name"]: row for row in page.context["rows"]}
    assert not rows["Xã Thanh Vân"]["changed"]
    headers = page.context["headers"]
    trained = rows["Xã Cán Tỷ"]["cells"][headers.index("Đã tập huấn")]
    assert (trained["frozen"], trained["live"]) == (0, 1)
    html = page.content.decode()
    assert 'class="num diff">66,7 → 100,0' in html
    # Only the changed rows unless all are asked for.
    assert [r["name"] for r in page.context["shown"]] == ["Huyện Quản Bạ", "Xã Cán Tỷ"]
    assert "Xã Thanh Vân" not in html and "Hiện tất cả 3 dòng" in html
    every = client.get(r["Location"], {"all": "1"})
    assert len(every.context["shown"]) == 3 and "Xã Thanh Vân" in every.content.decode()
    listing = client.get(reverse("coverage:frozen_list"))
    assert "Báo cáo quý I" in listing.content.decode()
    assert client.get(reverse("coverage:dashboard"), params).status_code == 200


def test_it_hides_other_units_frozen_reports(client, ui):  # noqa: F811
    frozen = freeze_report(
        target_code="nq33-village", unit=ui.tree.quan_ba, on=BEFORE, by=ui.admin, note=""
    )
    client.force_login(ui.can_ty_clerk)
    assert client.get(reverse("coverage:frozen_compare", args=[frozen.pk])).status_code == 404
    assert "Huyện Quản Bạ" not in client.get(reverse("coverage:frozen_list")).content.decode()


def test_it_lists_frozen_reports_in_few_queries(client, ui, django_assert_max_num_queries):  # noqa: F811
    for note in ("a", "b", "c"):
        freeze_report(
            target_code="nq33-teams", unit=ui.tree.quan_ba, on=BEFORE, by=ui.admin, note=note
        )
    client.force_login(ui.commission)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("coverage:frozen_list")).status_code == 200


def test_it_downloads_the_frozen_report_as_sent_and_names_its_target(client, ui):  # noqa: F811
    import io

    from openpyxl import load_workbook

    frozen = freeze_report(
        target_code="nq33-village", unit=ui.tree.quan_ba, on=BEFORE, by=ui.commission,
        note="=Số 12-BC/BTGDV",
    )  # fmt: skip
    # Figures change after freezing: the download keeps those that were sent.
    _train(Person.objects.get(given_name="Bình"), "xdd-kndv", date(2025, 3, 1))
    client.force_login(ui.commission)
    listing = client.get(reverse("coverage:frozen_list")).content.decode()
    assert "Thôn, tổ dân phố" in listing  # the target's name, not only nq33-village
    response = client.get(reverse("coverage:frozen_xlsx", args=[frozen.pk]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "Thôn, tổ dân phố — Huyện Quản Bạ"
    assert rows[1][0] == "Tính đến ngày 31/03/2025"
    assert rows[2][1] == "Số văn bản, ghi chú: =Số 12-BC/BTGDV"  # text, never a formula
    header = rows[4]
    assert header[:3] == ["Đơn vị", "Mã đơn vị", "Số người giữ chức danh"]
    by_name = {r[0]: dict(zip(header, r, strict=False)) for r in rows[5:]}
    assert list(by_name) == ["Huyện Quản Bạ", "Xã Cán Tỷ", "Xã Thanh Vân"]
    assert by_name["Xã Cán Tỷ"]["Đã tập huấn"] == 0  # as frozen, not today's 1
    assert by_name["Huyện Quản Bạ"]["Tỷ lệ (%)"] == 66.7
    client.force_login(ui.can_ty_clerk)
    assert client.get(reverse("coverage:frozen_xlsx", args=[frozen.pk])).status_code == 404
