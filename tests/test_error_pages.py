import pytest

from tests.factories import UserFactory, grant

pytestmark = pytest.mark.django_db


def test_a_refusal_is_a_vietnamese_page_with_the_reason(client, tree):
    user = UserFactory()
    grant(user, tree.ha_giang, "commission")
    client.force_login(user)
    page = client.get("/danh-ba/nhap/")
    assert page.status_code == 403
    body = page.content.decode()
    assert "Bạn không có quyền làm việc này" in body
    assert "cán bộ nhập liệu" in body


def test_an_unknown_address_is_a_vietnamese_page(client, tree):
    client.force_login(UserFactory())
    page = client.get("/khong-co-trang-nay/")
    assert page.status_code == 404
    assert "Không tìm thấy trang hoặc dữ liệu" in page.content.decode()
