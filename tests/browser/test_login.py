import pytest

from tests.factories import UserFactory, grant

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_an_anonymous_visitor_lands_on_the_vietnamese_login_page(page):
    page.goto(page.base_url + "/")
    assert "/dang-nhap/" in page.url
    assert page.locator("h1").inner_text() == "Đăng nhập Taphuan"


def test_a_user_signs_in_and_sees_their_units(page, login, tree):
    user = UserFactory(first_name="Hoa")
    grant(user, tree.ha_giang)
    login(user)
    assert "Xin chào" in page.locator("h1").inner_text()
    assert "Tỉnh Hà Giang" in page.locator("main").inner_text()


def test_wrong_password_says_so_in_vietnamese(page):
    UserFactory(username="ai")
    page.goto(page.base_url + "/dang-nhap/")
    page.fill("#id_username", "ai")
    page.fill("#id_password", "sai")
    page.click("button[type=submit]")
    assert "không đúng" in page.locator(".errors").inner_text()
