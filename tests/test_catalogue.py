"""The English catalogue is complete, compiled and keeps its placeholders.

The msgids are the Vietnamese originals; English is the one translation (locale/en/LC_MESSAGES).
After marking new strings for translation:

    .venv/bin/python manage.py makemessages -l en --no-obsolete
    # translate every empty msgstr; rewrite every «#, fuzzy» entry (its msgstr is msgmerge's
    # guess from a similar string) and drop the flag and its «#|» lines
    msgfmt --check -o locale/en/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.po

No database: these tests read the two files only.
"""

import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE / "django.po"
MO = LOCALE / "django.mo"
SHOWN = 5  # how many offending msgids a failure names

ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f"}
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")\s*$")
# A printf conversion as Python's % operator reads it: optional (name), flags, width, precision.
CONVERSION = re.compile(r"%(?:\((?P<name>[^)]*)\))?[#0 +-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(.)")


@dataclass
class Entry:
    line: int
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        text = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + "…"
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {text!r}{context}"


def unquote(literal: str) -> str:
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(1)), literal[1:-1])


def parse(path: Path) -> list[Entry]:
    """The entries of a .po file, header first; obsolete («#~») entries are left out."""
    entries: list[Entry] = []
    entry: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int] | None = None  # the field that continuation lines extend
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            assert entry is not None and target is not None, f"{path}:{number}: stray string"
            kind, index = target
            if kind == "msgstr":
                entry.msgstr[index] += unquote(line)
            else:
                setattr(entry, kind, getattr(entry, kind) + unquote(line))
            continue
        match = KEYWORD.match(line)
        assert match, f"{path}:{number}: not understood: {raw!r}"
        keyword, index, literal = match.groups()
        if keyword in ("msgctxt", "msgid") and (entry is None or entry.msgstr):
            entry = Entry(line=number, flags=flags)
            entries.append(entry)
            flags = set()
        assert entry is not None
        if keyword.startswith("msgstr"):
            target = ("msgstr", int(index or 0))
            entry.msgstr[target[1]] = unquote(literal)
        else:
            target = (keyword, 0)
            setattr(entry, keyword, unquote(literal))
    return entries


def messages() -> list[Entry]:
    """The translatable entries of django.po (the header, msgid "", is metadata)."""
    return [e for e in parse(PO) if e.msgid or e.msgctxt is not None]


def names(entries: list[Entry]) -> str:
    shown = "\n  ".join(e.name for e in entries[:SHOWN])
    more = f"\n  … and {len(entries) - SHOWN} more" if len(entries) > SHOWN else ""
    return f"{len(entries)} in {PO.relative_to(PO.parents[3])}:\n  {shown}{more}"


def test_the_catalogue_has_its_strings():
    # A parser that read nothing would pass every other test.
    entries = messages()
    assert len(entries) > 100
    login = [e for e in entries if e.msgid == "Đăng nhập"]
    assert login and login[0].msgstr == {0: "Sign in"}


def test_no_entry_is_fuzzy():
    fuzzy = [e for e in messages() if "fuzzy" in e.flags]
    assert not fuzzy, (
        "Fuzzy entries carry msgmerge's guess from a similar string, and gettext ignores them: "
        "translate the actual msgid, then remove «#, fuzzy» and the «#|» lines. " + names(fuzzy)
    )


def test_no_entry_is_untranslated():
    empty = [e for e in messages() if not e.msgstr or not all(e.msgstr.values())]
    assert not empty, "Entries with an empty msgstr show Vietnamese on English pages. " + names(
        empty
    )


def test_plural_entries_have_both_english_forms():
    # Plural-Forms: nplurals=2 — msgstr[0] (one) and msgstr[1] (other).
    wrong = [
        e
        for e in messages()
        if (e.msgid_plural is not None and sorted(e.msgstr) != [0, 1])
        or (e.msgid_plural is None and sorted(e.msgstr) != [0])
    ]
    assert not wrong, "Plural entries need msgstr[0] and msgstr[1]. " + names(wrong)


def conversions(text: str) -> tuple[Counter[str], tuple[str, ...]]:
    """The named conversions («%(day)s» → «day:s») and, in order, the positional ones."""
    named: Counter[str] = Counter()
    positional: list[str] = []
    for match in CONVERSION.finditer(text):
        kind = match.group(2)
        if kind == "%":
            continue
        if match.group("name") is not None:
            named[f"{match.group('name')}:{kind}"] += 1
        else:
            positional.append(kind)
    return named, tuple(positional)


def placeholder_problems(entries: list[Entry]) -> list[Entry]:
    wrong = []
    for e in entries:
        for index, translation in e.msgstr.items():
            source = e.msgid_plural if index and e.msgid_plural is not None else e.msgid
            named, positional = conversions(source)
            got_named, got_positional = conversions(translation)
            if set(got_named) != set(named):
                wrong.append(e)
                break
            # Outside python-format entries a lone «%» is just text (e.g. «100%»).
            if "python-format" in e.flags and got_positional != positional:
                wrong.append(e)
                break
    return wrong


def test_every_translation_keeps_the_placeholders_of_its_msgid():
    wrong = placeholder_problems(messages())
    details = "; ".join(
        f"{e.msgid!r} has {sorted(conversions(e.msgid)[0])}, "
        f"the English {[sorted(conversions(s)[0]) for s in e.msgstr.values()]}"
        for e in wrong[:SHOWN]
    )
    assert not wrong, (
        "A translation must keep exactly the %(name)s placeholders of its msgid (a missing one "
        "drops a value from the page, an unknown one raises KeyError). "
        + names(wrong)
        + "\n  "
        + details
    )


def catalog(path: Path) -> tuple[dict[object, str], dict[str, str]]:
    with path.open("rb") as handle:
        translations = gettext.GNUTranslations(handle)
    pairs = dict(translations._catalog)  # type: ignore[attr-defined]  # msgid → msgstr
    pairs.pop("", None)  # the header: compared through its parsed fields below
    info = {k: v for k, v in translations.info().items() if k != "pot-creation-date"}
    return pairs, info


def test_the_committed_mo_is_the_compiled_po(tmp_path):
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.skip("msgfmt (GNU gettext) is not installed: cannot compile django.po to compare")
    fresh = tmp_path / "django.mo"
    compiled = subprocess.run(
        [msgfmt, "--check", "-o", str(fresh), str(PO)], capture_output=True, text=True
    )
    assert compiled.returncode == 0, f"msgfmt --check rejects {PO}:\n{compiled.stderr}"
    assert MO.exists(), f"{MO} is missing: compile it with msgfmt"
    expected, expected_info = catalog(fresh)
    committed, committed_info = catalog(MO)
    missing = sorted(str(k) for k in expected.keys() - committed.keys())
    extra = sorted(str(k) for k in committed.keys() - expected.keys())
    both = expected.keys() & committed.keys()
    changed = sorted(str(k) for k in both if expected[k] != committed[k])
    recompile = f"recompile: msgfmt --check -o {MO} {PO}"
    assert not (missing or extra or changed), (
        f"django.mo is stale ({recompile}). "
        f"Not in the .mo: {len(missing)} {missing[:SHOWN]}; "
        f"no longer in the .po: {len(extra)} {extra[:SHOWN]}; "
        f"other English: {len(changed)} {changed[:SHOWN]}"
    )
    assert committed_info == expected_info, f"django.mo has another header ({recompile})"
