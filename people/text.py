"""Vietnamese text: NFC storage, matching keys and collation keys.

Text arrives precomposed and decomposed, with tone marks placed two ways (Thuỷ/Thủy, Hoá/Hòa).
We store NFC, match on a key that folds case and tone placement, and sort on a digits-only key
that orders names the Vietnamese way in every database collation.
"""

import re
import unicodedata

# Tone marks (dấu thanh) as combining characters, in dictionary order: ngang, huyền, hỏi, ngã,
# sắc, nặng. Letter marks (breve, circumflex, horn) are part of the letter and stay.
TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
DIGITS = "0123456789"
# Two digits per character so the key is digits only: identical order under any DB collation.
_PRIMARY = {ch: f"{i + 30:02d}" for i, ch in enumerate(ALPHABET)}
_PRIMARY.update({ch: f"{i + 11:02d}" for i, ch in enumerate(DIGITS)})
_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """NFC, trimmed, inner white space collapsed."""
    if not text:
        return ""
    return _SPACE.sub(" ", unicodedata.normalize("NFC", str(text))).strip()


def _split_tones(word: str) -> tuple[str, str]:
    """Base letters (NFC, lower case, no tone) and the word's tone digit."""
    tone = "0"
    letters = []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in TONES:
            tone = TONES[ch]
        else:
            letters.append(ch)
    return unicodedata.normalize("NFC", "".join(letters)), tone


def match_key(text: str | None) -> str:
    """Folds case and tone placement: 'Thuỷ' and 'THỦY' give the same key; 'Thuy' does not."""
    words = []
    for word in clean(text).split(" "):
        base, tone = _split_tones(word)
        words.append(base + (tone if tone != "0" else ""))
    return " ".join(w for w in words if w)


def fold(text: str | None) -> str:
    """Accent-insensitive search key: no diacritics at all, đ → d, lower case."""
    decomposed = unicodedata.normalize("NFD", clean(text).lower().replace("đ", "d"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _primary(text: str) -> tuple[str, str]:
    keys, tones = [], []
    for i, word in enumerate(clean(text).split(" ")):
        if not word:
            continue
        base, tone = _split_tones(word)
        if i:
            keys.append("01")
        keys.extend(_PRIMARY.get(ch, "99") for ch in base)
        tones.append(tone)
    return "".join(keys), "".join(tones)


def split_full_name(full_name: str) -> tuple[str, str, str]:
    """Family, middle, given derived from one 'Họ và tên' string (for sorting only)."""
    words = clean(full_name).split(" ")
    if len(words) == 1:
        return "", "", words[0]
    return words[0], " ".join(words[1:-1]), words[-1]


def name_sort_key(family: str, middle: str, given: str) -> str:
    """Vietnamese order: Tên, then chữ đệm, then Họ; tone marks only break ties."""
    parts = [_primary(given), _primary(middle), _primary(family)]
    primary = "00".join(p for p, _ in parts)
    secondary = "".join(t for _, t in parts)
    return f"{primary}00{secondary}"


def unit_name_key(name: str, *, village: bool = True) -> str:
    """Match key of a unit name without its kind word ('Thôn Nà Mạ' = 'Nà Mạ' = 'na ma').
    Village kind words (Thôn, Bản, Tổ...) are kind words of villages only: «Xã Bản Máy» is the
    commune Bản Máy, sorted under B (`village=False` for communes, districts, provinces)."""
    key = match_key(name)
    for prefix in (VILLAGE_PREFIXES if village else []) + UNIT_PREFIXES:
        if key.startswith(prefix + " "):
            return key[len(prefix) + 1 :]
    return key


VILLAGE_PREFIXES = [match_key(p) for p in ("Tổ dân phố", "Thôn", "Bản", "Tổ", "Xóm", "Làng")]
UNIT_PREFIXES = [
    match_key(p)
    for p in ("Thành phố", "Thị trấn", "Thị xã", "Đặc khu", "Tỉnh", "Huyện", "Quận", "Xã", "Phường")
]
