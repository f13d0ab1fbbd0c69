"""The person page, the search by citizen ID that keeps the number out of URLs, and the admin's
history of an object."""

from datetime import date

import pytest
from django.test import Client

from people.models import Grant, Person
from tests.api.conftest import ID_WOMAN_1985, Registry, registry  # noqa: F401
from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def web(unit, role: str) -> Client:  # type: ignore[no-untyped-def]
    user = UserFactory()
    grant(user, unit, role)
    client = Client()
    client.force_login(user)
    return client


def test_the_roster_links_each_row_to_the_person_page(registry: Registry, tree):  # noqa: F811
    clerk = web(tree.quan_ba, Grant.Role.CLERK)
    roster = clerk.get("/danh-ba/", {"unit": tree.thanh_van.pk, "as_of": "01/06/2024"})
    url = f"/danh-ba/nguoi/{registry.secretary.pk}/"
    assert url in roster.content.decode()
    page = clerk.get(url).content.decode()
    assert "Thào Thị Thủy" in page and ID_WOMAN_1985 in page
    assert "Bí thư chi bộ" in page and "Chi bộ Nà Mạ" in page
    assert "Lịch sử thay đổi" in page and "Tạo mới" in page
    assert "Mông" not in page  # ethnicity: administrators only


def test_the_person_page_masks_ids_and_hides_people_of_other_units(registry: Registry, tree):  # noqa: F811
    commission = web(tree.quan_ba, Grant.Role.COMMISSION)
    page = commission.get(f"/danh-ba/nguoi/{registry.secretary.pk}/").content.decode()
    assert "002*******21" in page and ID_WOMAN_1985 not in page
    outsider = web(registry.lao_va_chai, Grant.Role.CLERK)
    assert outsider.get(f"/danh-ba/nguoi/{registry.secretary.pk}/").status_code == 404


def test_a_search_by_citizen_id_goes_by_post_and_lands_on_the_person(registry: Registry, tree):  # noqa: F811
    clerk = web(tree.quan_ba, Grant.Role.CLERK)
    found = clerk.post("/danh-ba/tim-cccd/", {"citizen_id": "002 185 054 321"})
    assert found.status_code == 302
    assert found["Location"] == f"/danh-ba/nguoi/{registry.secretary.pk}/"
    assert ID_WOMAN_1985 not in found["Location"]
    missing = clerk.post("/danh-ba/tim-cccd/", {"citizen_id": "002080012345"}, follow=True)
    assert "Không có người mang số này" in missing.content.decode()
    assert (
        web(tree.quan_ba, Grant.Role.COMMISSION)
        .post("/danh-ba/tim-cccd/", {"citizen_id": ID_WOMAN_1985})
        .status_code
        == 403
    )
    assert clerk.get("/danh-ba/tim-cccd/").status_code == 405


def test_the_roster_refuses_a_citizen_id_in_its_query_string(registry: Registry, tree):  # noqa: F811
    clerk = web(tree.quan_ba, Grant.Role.CLERK)
    page = clerk.get("/danh-ba/", {"unit": tree.thanh_van.pk, "q": ID_WOMAN_1985}).content
    text = page.decode()
    assert "Không tìm theo số CCCD trên địa chỉ trang" in text
    assert f'value="{ID_WOMAN_1985}"' not in text  # not written back into the form either
    assert 'id="find-by-id"' in text and 'method="post"' in text


def test_the_admin_refuses_ids_in_its_search_and_offers_the_post_form(registry: Registry):  # noqa: F811
    root = Client()
    root.force_login(UserFactory(is_staff=True, is_superuser=True))
    listing = root.get("/admin/people/person/", {"q": ID_WOMAN_1985}).content.decode()
    assert "Không tìm theo số CCCD trên địa chỉ trang" in listing
    assert "0 người" in listing or "Thào Thị Thủy" not in listing
    assert 'id="find-by-id"' in listing
    found = root.post("/danh-ba/tim-cccd/", {"citizen_id": ID_WOMAN_1985, "target": "admin"})
    assert found["Location"] == f"/admin/people/person/{registry.secretary.pk}/change/"
    records = root.get("/admin/training/trainingrecord/", {"q": ID_WOMAN_1985}).content.decode()
    assert "Không tìm theo số CCCD trên địa chỉ trang" in records
    by_name = root.get("/admin/people/person/", {"q": "Thao Thi"}).content.decode()
    assert "Thào Thị Thủy" in by_name


def test_the_admin_history_shows_the_audit_trail_masked_like_everywhere(registry: Registry, tree):  # noqa: F811
    person = registry.secretary
    person.phone = "0912345678"
    person.save()
    staff = UserFactory(is_staff=True)
    grant(staff, tree.quan_ba, Grant.Role.COMMISSION)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_person"))
    client = Client()
    client.force_login(staff)
    page = client.get(f"/admin/people/person/{person.pk}/history/").content.decode()
    assert "0912345678" in page and "Nhật ký thay đổi" in page
    assert "002*******21" in page and ID_WOMAN_1985 not in page


def test_the_erased_person_page_says_so(registry: Registry, tree):  # noqa: F811
    from audit.erasure import erase_person

    erase_person(person=registry.secretary, reason="Đơn 1")
    admin = web(tree.ha_giang, Grant.Role.ADMINISTRATOR)
    page = admin.get(f"/danh-ba/nguoi/{registry.secretary.pk}/").content.decode()
    assert "Đã xoá theo yêu cầu" in page and "Thào Thị Thủy" not in page
    assert 'id="erase-link"' not in page
    assert Person.objects.get(pk=registry.secretary.pk).birth_date is None
    assert date(2024, 1, 1) == registry.position.start


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_person_page_fits_a_phone_screen(page, login, registry: Registry, tree):  # noqa: F811
    admin = UserFactory()
    grant(admin, tree.ha_giang, Grant.Role.ADMINISTRATOR)
    for n in range(3):
        registry.secretary.email = (
            f"mot.dia.chi.thu.dien.tu.rat.dai.{n}@so-noi-vu.tuyenquang.gov.vn"
        )
        registry.secretary.save()
    page.set_viewport_size({"width": 390, "height": 844})
    login(admin)
    page.goto(page.base_url + f"/danh-ba/nguoi/{registry.secretary.pk}/")
    assert page.locator("#person-name").inner_text() == "Thào Thị Thủy"
    assert page.locator("#export-xlsx").is_visible()
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, wide
    page.click("#erase-link")
    page.fill("#id_reason", "Đơn số 3 ngày 02/01/2026")
    page.check("#id_confirm")
    page.click("#erase-form button[type=submit]")
    page.wait_for_url(f"**/danh-ba/nguoi/{registry.secretary.pk}/")
    assert page.locator("#person-name").inner_text() == "Đã xoá theo yêu cầu"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
