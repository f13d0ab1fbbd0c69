import pytest
from django.urls import reverse

from tests.training.conftest import make_course, past_sessions
from training.models import Attendance
from training.services import invite

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_it_marks_attendance_on_a_phone_sized_screen(page, login, place, programme, organiser):
    course = make_course(place, programme)
    (session,) = past_sessions(course, 1)
    first, second = (invite(course=course, person=p) for p in place.holders)
    login(organiser)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(page.base_url + reverse("training:attendance", args=[course.pk, session.pk]))
    late = page.locator(f'fieldset[data-enrollment="{second.pk}"] label.mark-late')
    box = late.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb-sized target
    page.click("#all-present")
    late.click()
    page.click("button.save")
    page.wait_for_load_state()
    assert "Đã lưu điểm danh (2 thay đổi)" in page.content()
    marks = dict(Attendance.objects.values_list("enrollment_id", "status"))
    assert marks == {first.pk: "present", second.pk: "late"}
    checked = page.locator(f'input[name="m{second.pk}"]:checked').get_attribute("value")
    assert checked == "late"
