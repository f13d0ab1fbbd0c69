"""No template of ours carries inline script or style: the Content-Security-Policy would block
it in the browser (the browser test visits some pages; this reads every template)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
INLINE = re.compile(r"<style|\sstyle=\"|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=\"", re.I)


def test_no_template_has_inline_script_or_style():
    offenders = []
    for template in ROOT.glob("*/templates/**/*.html"):
        if ".venv" in template.parts:
            continue
        for number, line in enumerate(template.read_text().splitlines(), start=1):
            if INLINE.search(line):
                offenders.append(f"{template.relative_to(ROOT)}:{number}: {line.strip()[:80]}")
    assert not offenders, "\n".join(offenders)
