"""The 54 ethnic groups of Viet Nam (danh mục các dân tộc Việt Nam, GSO)."""

from people.text import match_key

ETHNICITIES = [
    "Kinh", "Tày", "Thái", "Hoa", "Khơ-me", "Mường", "Nùng", "Mông", "Dao", "Gia-rai", "Ngái",
    "Ê-đê", "Ba-na", "Xơ-đăng", "Sán Chay", "Cơ-ho", "Chăm", "Sán Dìu", "Hrê", "Mnông",
    "Ra-glai", "Xtiêng", "Bru-Vân Kiều", "Thổ", "Giáy", "Cơ-tu", "Gié-Triêng", "Mạ", "Khơ-mú",
    "Co", "Ta-ôi", "Chơ-ro", "Kháng", "Xinh-mun", "Hà Nhì", "Chu-ru", "Lào", "La Chí", "La Ha",
    "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn", "Cơ Lao", "Cống", "Bố Y",
    "Si La", "Pu Péo", "Brâu", "Ơ-đu", "Rơ-măm",
]  # fmt: skip
ALIASES = {"hmông": "Mông", "h'mông": "Mông", "mèo": "Mông", "khmer": "Khơ-me", "mán": "Dao"}


def _key(name: str) -> str:
    return match_key(name.replace("-", " "))


_BY_KEY = {_key(name): name for name in ETHNICITIES} | {
    _key(alias): name for alias, name in ALIASES.items()
}


def canonical_ethnicity(name: str) -> str:
    """The catalogue spelling of an ethnic group typed any common way; '' when unknown."""
    return _BY_KEY.get(_key(name), "") if name else ""
