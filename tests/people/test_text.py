import unicodedata
from datetime import date

from people.ids import check_citizen_id, mask
from people.text import match_key, name_sort_key


def test_it_folds_tone_placement_case_and_normal_form():
    nfd = unicodedata.normalize("NFD", "Thủy")
    assert match_key("Thuỷ") == match_key("THỦY") == match_key(nfd) == match_key(" thủy ")
    assert match_key("Hoá") == match_key("Hòa".replace("ò", "ó"))
    assert match_key("Thuy") != match_key("Thủy")
    assert match_key("Dung") != match_key("Đung")


def test_it_sorts_by_given_then_middle_then_family_the_vietnamese_way():
    names = [
        ("Trần", "Văn", "Đức"),
        ("Lê", "Thị", "Dung"),
        ("Nguyễn", "Thị", "Ánh"),
        ("Phạm", "Văn", "An"),
        ("Hoàng", "Thị", "Ân"),
        ("Vũ", "Văn", "Ăn"),
        ("Bùi", "Văn", "Ơn"),
        ("Đỗ", "Văn", "Ôn"),
        ("Đặng", "Văn", "On"),
    ]
    ordered = sorted(names, key=lambda n: name_sort_key(*n))
    assert [n[2] for n in ordered] == ["An", "Ánh", "Ăn", "Ân", "Dung", "Đức", "On", "Ôn", "Ơn"]
    # Same given name: the middle name decides, then the family name.
    assert name_sort_key("A", "Thị", "Hoa") < name_sort_key("A", "Văn", "Hoa")
    assert name_sort_key("Bế", "Văn", "Hoa") < name_sort_key("Đào", "Văn", "Hoa")
    assert name_sort_key("Đào", "Văn", "Hoa") < name_sort_key("Dương", "Xuân", "Hoa")


def test_it_checks_a_citizen_id_against_sex_and_birth_year():
    assert check_citizen_id("002185001234", sex="F", birth_date=date(1985, 3, 2)) == []
    assert check_citizen_id("002085001234", sex="M", birth_date=date(1985, 3, 2)) == []
    assert check_citizen_id("008301001234", sex="F", birth_date=date(2001, 1, 1)) == []
    assert any("giới tính" in p for p in check_citizen_id("002085001234", sex="F"))
    assert any(
        "năm sinh" in p for p in check_citizen_id("002085001234", birth_date=date(1986, 1, 1))
    )
    assert any("mã tỉnh" in p for p in check_citizen_id("003085001234"))
    assert check_citizen_id("12345") == ["Số CCCD phải gồm đúng 12 chữ số"]


def test_it_masks_a_citizen_id():
    assert mask("002185001245") == "002*******45"
    assert mask("") == ""
