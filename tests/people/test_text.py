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


def test_it_refuses_a_century_digit_of_the_2100s_to_2300s():
    # 4/5, 6/7, 8/9 are the 2100s, 2200s, 2300s (the 22nd to 24th centuries); 8 was once read
    # as the 1800s, so 002885001234 passed for someone born in 1885.
    assert check_citizen_id("002885001234", sex="M", birth_date=date(1885, 1, 1)) == [
        "chữ số thứ 4 (8) chỉ thế kỷ 24 — không thể là người đang sống"
    ]
    centuries = {d: check_citizen_id(f"002{d}85001234") for d in "456789"}
    assert centuries == {
        d: [f"chữ số thứ 4 ({d}) chỉ thế kỷ {20 + int(d) // 2} — không thể là người đang sống"]
        for d in "456789"
    }


def test_it_refuses_a_birth_year_still_to_come():
    assert check_citizen_id("002299001234") == ["năm sinh trong số CCCD là 2099, ở tương lai"]


def test_the_demo_never_makes_an_impossible_citizen_id():
    import random

    from people.demo import People

    people = People(rng=random.Random(7))
    for year in range(1930, date.today().year + 1):
        for sex in "MF":
            number = people._citizen_id(sex, date(year, 6, 1))
            assert number[3] in "0123"
            assert check_citizen_id(number, sex=sex, birth_date=date(year, 6, 1)) == []
