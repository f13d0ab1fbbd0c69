"""The Commission's dashboard and the named lists behind its numbers."""

import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from tests.coverage.conftest_ui import AFTER, BEFORE, ui  # noqa: F401

URL = "/ty-le/"


class Links(HTMLParser):
    """Every <a href> and every inline <svg> of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href", ""))


def svgs(html: str) -> list[ET.Element]:
    found, start = [], 0
    while (i := html.find("<svg", start)) >= 0:
        j = html.index("</svg>", i) + len("</svg>")
        found.append(ET.fromstring(html[i:j]))
        start = j
    return found


def get(client, user, **params):  # type: ignore[no-untyped-def]
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


def column(response, title):  # type: ignore[no-untyped-def]
    """The values of one column of a named list page."""
    i = response.context["headers"].index(title)
    return [row[i] for row in response.context["page"].object_list]


def card(response, code):  # type: ignore[no-untyped-def]
    return next(c for c in response.context["cards"] if c["code"] == code)


def test_it_shows_the_hand_computed_figures(client, ui):  # noqa: F811
    r = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025")
    village = card(r, "nq33-village")
    assert (village["numerator"], village["denominator"], village["percent"]) == (2, 3, "66,7%")
    rep = village["report"]
    assert (rep["persons"], rep["persons_trained"], rep["due"], rep["overdue"], rep["vacant"]) == (
        2, 1, 1, 0, 5,
    )  # fmt: skip
    assert card(r, "nq33-teams")["percent"] == "50,0%"
    assert (card(r, "nq33-boards")["numerator"], card(r, "nq33-boards")["denominator"]) == (0, 1)
    assert card(r, "nq33-agency")["percent"] == "—"
    html = r.content.decode()
    assert "66,7%" in html and "Hạn: 31/12/2025" in html


def test_it_draws_well_formed_svg_with_worst_child_first(client, ui, settings):  # noqa: F811
    settings.COVERAGE_TREND_BUDGET = None
    r = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025")
    charts = [s for s in svgs(r.content.decode()) if s.get("class") == "chart"]
    assert len(charts) == 5  # four bar charts and the trend; nobody to count for nq33-agency
    swatches = [s for s in svgs(r.content.decode()) if s.get("aria-hidden") == "true"]
    assert len(swatches) == 5  # the colour legend
    assert [e["name"] for e in card(r, "nq33-agency")["empty"]] == ["Xã Cán Tỷ", "Xã Thanh Vân"]
    ns = {"s": "http://www.w3.org/2000/svg"}
    village_bars = svgs(card(r, "nq33-village")["chart"])[0]
    labels = [t.text for t in village_bars.findall(".//s:a/s:text", ns)][::2]
    assert labels == ["Xã Cán Tỷ", "Xã Thanh Vân"]
    trend = charts[-1]
    assert len(trend.findall(".//s:g[@class='series']", ns)) == 5
    points = [c.find("s:title", ns).text for c in trend.iter("{http://www.w3.org/2000/svg}circle")]
    assert "Thôn, tổ dân phố 03/25: 66,7%" in points
    assert "Thôn, tổ dân phố 12/24: 100,0%" in points  # Bình was appointed on 15/01/2025
    assert len([p for p in points if p.startswith("Tổ dân vận")]) == 24


def test_it_links_child_bars_one_level_down(client, ui):  # noqa: F811
    r = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025")
    chart = svgs(card(r, "nq33-village")["chart"])[0]
    hrefs = [a.get("href") for a in chart.iter("{http://www.w3.org/2000/svg}a")]
    assert hrefs[0] == f"{URL}?unit={ui.tree.can_ty.pk}&as_of=31%2F03%2F2025"
    down = client.get(hrefs[0])
    assert down.context["scope"].unit == ui.tree.can_ty
    assert card(down, "nq33-village")["report"]["children"][0]["unit"]["name"] == "Thôn Lùng Cúng"


def test_it_links_every_number_to_its_named_list(client, ui):  # noqa: F811
    r = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025")
    links = card(r, "nq33-village")["links"]
    due = client.get(links["due"])
    assert due.status_code == 200
    assert column(due, "Họ và tên") == ["Bùi Văn Bình"]
    # The trained count opens the trained (it opened the untrained list before).
    assert column(client.get(links["numerator"]), "Họ và tên") == ["An Thị Hoa", "An Thị Hoa"]
    assert column(client.get(links["untrained"]), "Họ và tên") == ["Bùi Văn Bình"]
    vacant = client.get(links["vacant"]).context["page"].object_list
    assert len(vacant) == 5
    overdue = client.get(links["overdue"]).context["page"].object_list
    assert list(overdue) == []
    boards = client.get(card(r, "nq33-boards")["links"]["numerator"])
    assert column(boards, "Họ và tên") == ["", "Đỗ Thị Dung"]
    assert "Thôn, tổ dân phố" not in boards.context["headers"]  # empty columns are left out
    teams = client.get(card(r, "nq33-teams")["links"]["numerator"])
    assert column(teams, "Thôn, tổ dân phố") == ["Thôn Lùng Cúng"]


def test_it_masks_citizen_ids_for_the_commission(client, ui):  # noqa: F811
    from people.models import Person

    Person.objects.filter(given_name="Bình").update(citizen_id="002080012345")
    client.force_login(ui.commission)
    r = client.get(
        reverse("coverage:gaps"),
        {
            "target": "nq33-village",
            "unit": ui.tree.quan_ba.pk,
            "as_of": "31/03/2025",
            "kind": "untrained",
        },
    )
    html = r.content.decode()
    assert "002*******45" in html and "002080012345" not in html


def test_it_switches_between_the_old_and_the_new_tree(client, ui):  # noqa: F811
    before = get(client, ui.admin, as_of="31/03/2025")
    assert before.context["scope"].unit == ui.tree.ha_giang
    names = [c["unit"]["name"] for c in card(before, "nq33-village")["report"]["children"]]
    assert names == ["Huyện Quản Bạ"]
    after = get(client, ui.admin, as_of="05/02/2026")
    assert after.context["scope"].unit == ui.tree.tuyen_quang
    village = card(after, "nq33-village")
    names = {c["unit"]["name"] for c in village["report"]["children"]}
    assert names == {"Xã Nghĩa Thuận", "Xã Cán Tỷ"}
    assert (village["report"]["due"], village["report"]["overdue"]) == (0, 1)
    moved = get(client, ui.admin, unit=ui.tree.thanh_van.pk, as_of="05/02/2026")
    assert moved.context["scope"].unit == ui.tree.nghia_thuan
    assert "không tồn tại vào ngày 05/02/2026" in moved.content.decode()


def test_it_reports_the_area_of_a_former_unit(client, ui):  # noqa: F811
    r = get(
        client, ui.admin, unit=ui.tree.tuyen_quang.pk, as_of="05/02/2026",
        area_of=ui.tree.quan_ba.pk,
    )  # fmt: skip
    village = card(r, "nq33-village")
    assert village["report"]["unit"]["name"] == "Địa bàn Huyện Quản Bạ (cũ)"
    assert (village["numerator"], village["denominator"]) == (2, 3)
    assert "area_of=" in village["links"]["due"]
    assert column(client.get(village["links"]["overdue"]), "Họ và tên") == ["Bùi Văn Bình"]


def test_it_shows_users_only_their_units(client, ui):  # noqa: F811
    client.force_login(ui.can_ty_clerk)
    assert client.get(URL, {"unit": ui.tree.thanh_van.pk}).status_code == 404
    assert client.get(URL, {"unit": ui.tree.quan_ba.pk}).status_code == 404
    mine = client.get(URL, {"as_of": "31/03/2025"})
    assert mine.context["scope"].unit == ui.tree.can_ty
    params = {"target": "nq33-village", "kind": "untrained", "unit": ui.tree.thanh_van.pk}
    assert client.get(reverse("coverage:gaps"), params).status_code == 404


def test_it_tells_a_user_without_grants_what_to_do(client, ui):  # noqa: F811
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    r = client.get(URL)
    assert r.status_code == 200 and "chưa được phân quyền" in r.content.decode()


def test_it_asks_anonymous_users_to_log_in(client, ui):  # noqa: F811
    assert client.get(URL).status_code == 302


def test_it_keeps_the_query_count_small(client, ui, settings, django_assert_max_num_queries):  # noqa: F811
    settings.COVERAGE_TREND_BUDGET = None
    client.force_login(ui.admin)
    params = {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    # Cold: five reports, then one aggregate per trend point (5 targets × 23 month ends).
    with django_assert_max_num_queries(60 + 5 * 23):
        assert client.get(URL, params).status_code == 200
    with django_assert_max_num_queries(50):
        assert client.get(URL, params).status_code == 200
    gaps = {"target": "nq33-village", "kind": "vacant", **params}
    with django_assert_max_num_queries(15):
        assert client.get(reverse("coverage:gaps"), gaps).status_code == 200


def test_it_recomputes_the_trend_when_records_change(client, ui, settings):  # noqa: F811
    from datetime import date

    settings.COVERAGE_TREND_BUDGET = None
    from people.models import Person
    from tests.coverage.conftest_ui import _train

    params = {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    client.force_login(ui.admin)
    first = client.get(URL, params).context["trend"]
    _train(Person.objects.get(given_name="Bình"), "xdd-kndv", date(2025, 2, 1))
    second = client.get(URL, params).context["trend"]
    assert "Thôn, tổ dân phố 02/25: 100,0%" in second
    assert "Thôn, tổ dân phố 02/25: 100,0%" not in first


def test_it_shows_older_points_while_a_limited_budget_catches_up(client, ui, settings):  # noqa: F811
    from datetime import date

    from people.models import Person
    from tests.coverage.conftest_ui import _train

    settings.COVERAGE_TREND_BUDGET = None
    params = {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    client.force_login(ui.admin)
    client.get(URL, params)
    _train(Person.objects.get(given_name="Bình"), "xdd-kndv", date(2025, 2, 1))
    settings.COVERAGE_TREND_BUDGET = 0
    stale = client.get(URL, params)
    assert stale.context["trend_pending"] == 5 * 23
    assert "Thôn, tổ dân phố 02/25: 66,7%" in stale.context["trend"]  # the stored value
    assert "đang được tính lại" in stale.content.decode()


def test_the_form_has_one_date_field_typed_the_vietnamese_way(client, ui):  # noqa: F811
    page = get(client, ui.admin, as_of="05/02/2026")
    html = page.content.decode()
    assert page.context["scope"].on.isoformat() == "2026-02-05"
    assert 'name="as_of" id="id_as_of" value="05/02/2026"' in html
    assert 'type="date"' not in html and "as_of_iso" not in html
    # A link saved when the page had a date picker still opens on its date.
    old_link = get(client, ui.admin, as_of_iso="2025-03-31")
    assert old_link.context["scope"].on.isoformat() == "2025-03-31"


def test_it_explains_a_malformed_date(client, ui):  # noqa: F811
    r = get(client, ui.admin, as_of="32/13/2025")
    assert "không phải là ngày hợp lệ" in r.content.decode()


@pytest.mark.parametrize("kind", ["nonsense"])
def test_it_refuses_an_unknown_list(client, ui, kind):  # noqa: F811
    client.force_login(ui.admin)
    assert (
        client.get(reverse("coverage:gaps"), {"target": "nq33-village", "kind": kind}).status_code
        == 404
    )


def test_a_new_commune_before_it_existed_shows_the_old_communes_it_came_from(client, ui):  # noqa: F811
    from people.models import Level, Unit, UnitLineage
    from tests.factories import make_unit

    tung_vai = make_unit(
        name="Xã Tùng Vài", level=Level.COMMUNE, kind=Unit.Kind.XA, code="00886",
        parent=ui.tree.quan_ba, edition=Unit.Edition.LEGACY, valid_to=date(2025, 6, 30),
    )  # fmt: skip
    UnitLineage.objects.create(old=tung_vai, new=ui.tree.nghia_thuan, kind=UnitLineage.Kind.WHOLE)

    r = get(client, ui.admin, unit=ui.tree.nghia_thuan.pk, as_of="31/03/2025")

    html = r.content.decode()
    village = card(r, "nq33-village")
    children = [c["unit"]["name"] for c in village["report"]["children"]]
    assert sorted(children) == ["Xã Thanh Vân", "Xã Tùng Vài"]  # not Huyện Quản Bạ
    assert (village["numerator"], village["denominator"]) == (2, 2)  # An Thị Hoa, Thanh Vân
    assert (
        "Xã Nghĩa Thuận không tồn tại vào ngày 31/03/2025; hiển thị các đơn vị cũ hợp nhất "
        "thành: Xã Tùng Vài, Xã Thanh Vân."
    ) in html
    # The lists behind the numbers keep that area.
    untrained = village["links"]["numerator"]
    assert "Tỷ lệ tập huấn: Xã Nghĩa Thuận — các đơn vị cũ hợp nhất thành</h1>" in html
    assert f"area_of={ui.tree.nghia_thuan.pk}" in untrained
    listed = client.get(untrained)
    assert listed.status_code == 200 and "(các đơn vị cũ hợp nhất thành)" in listed.content.decode()


def test_the_trend_follows_a_changed_record_and_an_ended_position_at_once(client, ui, settings):  # noqa: F811
    """Edits, not only additions, make stored points stale (an end date set on a position, a
    record's date corrected): the next page view shows the new figures."""
    from datetime import date

    from people.models import Person, Position
    from people.services import end_position
    from training.models import TrainingRecord

    settings.COVERAGE_TREND_BUDGET = None
    params = {"unit": ui.tree.quan_ba.pk, "as_of": "31/03/2025"}
    client.force_login(ui.admin)
    assert "Thôn, tổ dân phố 02/25: 66,7%" in client.get(URL, params).context["trend"]
    binh = Position.objects.get(person=Person.objects.get(given_name="Bình"))
    end_position(position=binh, end=date(2025, 1, 31))  # only Hoa, trained, holds seats then
    assert "Thôn, tổ dân phố 02/25: 100,0%" in client.get(URL, params).context["trend"]
    record = TrainingRecord.objects.get(person__given_name="Hoa")
    record.completed_on = date(2025, 3, 15)  # trained after February, not before
    record.save()
    assert "Thôn, tổ dân phố 02/25: 0,0%" in client.get(URL, params).context["trend"]


def test_every_term_of_a_card_explains_itself_and_the_glossary_says_it_all(client, ui):  # noqa: F811
    html = get(client, ui.admin, as_of="31/03/2025").content.decode()
    due = (
        '<abbr title="Chưa được tập huấn nhưng còn hạn: đến hết ngày 31/12/2025 hoặc 180 ngày '
        'sau khi nhận chức danh (tính ngày muộn hơn).">Trong hạn:</abbr>'
    )
    assert due in html
    for term in ("Đã tập huấn:", "Theo người:", "Quá hạn:", "Còn trống:"):
        assert f'">{term}</abbr>' in html, term
    assert 'id="glossary-link"' in html and 'fill="#1e7b34"/></svg> đạt 100%' in html
    page = client.get(reverse("coverage:glossary"))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<dt id="persons">Theo người</dt>' in text
    assert "khác số theo chức danh khi một người giữ nhiều chức danh" in text
    assert "<strong>Thôn, tổ dân phố</strong>" in text  # each target's own due rule
    assert "dưới 50%" in text


def test_the_glossary_speaks_english_too(client, ui):  # noqa: F811
    client.force_login(ui.admin)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    text = client.get(reverse("coverage:glossary")).content.decode()
    assert "Not yet trained but still in time" in text
    assert "Chưa được tập huấn" not in text


def test_a_trend_still_being_computed_completes_itself_without_a_reload(client, ui, settings):  # noqa: F811
    settings.COVERAGE_TREND_BUDGET = 0
    page = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025")
    html = page.content.decode()
    assert page.context["trend_pending"] > 0 and "tải lại" not in html
    poll = html.split('data-trend-poll="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert poll.startswith("/ty-le/xu-huong.json?unit=")
    settings.COVERAGE_TREND_BUDGET = None
    answer = client.get(poll).json()
    assert answer["pending"] == 0 and "trend-pending" not in answer["html"]
    chart = [s for s in svgs(answer["html"]) if s.get("class") == "chart"][0]
    ns = {"s": "http://www.w3.org/2000/svg"}
    titles = {t.get("class"): t.text for t in chart.findall(".//s:text[@class]", ns)}
    assert titles == {"axis-x": "Tháng/năm", "axis-y": "Tỷ lệ (%)"}
    # The same points as a table, the latest month first.
    rows = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025").context["trend_rows"]
    assert len(rows) == 24 and rows[0][0] == "03/25" and rows[-1][0] == "04/23"
    assert rows[0][1][2] == "66,7%"  # Thôn, tổ dân phố on 31/03/2025
    assert client.get("/ty-le/xu-huong.json", {"unit": 999999}).status_code == 404


def test_every_number_of_a_card_opens_the_people_behind_it_with_downloads(client, ui):  # noqa: F811
    import csv
    import io

    from openpyxl import load_workbook

    r = get(client, ui.admin, unit=ui.tree.quan_ba.pk, as_of="31/03/2025")
    links = card(r, "nq33-village")["links"]
    assert "kind=trained" in links["numerator"] and "kind=holders" in links["denominator"]

    def names(url):  # type: ignore[no-untyped-def]
        page = client.get(url)
        assert page.status_code == 200
        at = page.context["headers"].index("Họ và tên")
        return [row[at] for row in page.context["page"].object_list]

    # 3 positions held (An Thị Hoa holds two), 2 trained; Bình is the untrained one.
    assert names(links["numerator"]) == ["An Thị Hoa", "An Thị Hoa"]
    assert sorted(names(links["denominator"])) == ["An Thị Hoa", "An Thị Hoa", "Bùi Văn Bình"]
    assert names(links["due"]) == ["Bùi Văn Bình"]
    page = client.get(links["denominator"]).content.decode()
    assert "Đã tập huấn" in page and 'id="gaps-xlsx"' in page

    query = links["denominator"].split("?", 1)[1]
    book = load_workbook(io.BytesIO(client.get("/ty-le/danh-sach.xlsx?" + query).content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Người giữ chức danh: Thôn, tổ dân phố — Huyện Quản Bạ, ngày 31/03/2025"
    assert rows[2][:3] == ("STT", "Loại", "Họ và tên") and len(rows) == 6  # title, blank, head, 3
    text = client.get("/ty-le/danh-sach.csv?" + query).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0][:3] == ["STT", "Loại", "Họ và tên"] and len(table) == 4
    assert (
        client.get("/ty-le/danh-sach.csv?" + query.replace("nq33-village", "x")).status_code == 404
    )
    # A board- or village-counted target has no holders list.
    boards = client.get("/ty-le/danh-sach/?" + query.replace("nq33-village", "nq33-boards"))
    assert boards.status_code == 200 and list(boards.context["page"].object_list) == []
