"""The Chinese catalogues: complete, consistent across product areas, and compiled.

Each product area keeps its own catalogue under ``sunshine/locale/parts/``.
Django searches them in order, so two areas translating one message
differently would make the wording depend on folder names.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "sunshine"
CATALOGUES = sorted(PACKAGE.glob("locale/**/zh_Hans/LC_MESSAGES/django.po"))
# Text shaped like a project code, and the form a project code takes. A code
# is the county's letters, the year and a four-digit serial number.
CODE_LIKE = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{2,}-\d{4}-\d+(?![0-9])")
PROJECT_CODE = re.compile(r"[A-Z]{2,}-\d{4}-\d{4}")


def translations() -> dict[tuple[str | None, str], dict[str, str]]:
    found: dict[tuple[str | None, str], dict[str, str]] = {}
    for path in CATALOGUES:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            text = text_of(entry)
            if text.strip():
                found.setdefault((entry.msgctxt, entry.msgid), {})[str(path)] = text
    return found


def extracted_messages(tmp_path: Path) -> list[polib.POEntry]:
    copy = tmp_path / "sunshine"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete",
         "--no-location"],
        cwd=copy, check=True, capture_output=True,
    )
    return list(polib.pofile(str(copy / "locale/zh_Hans/LC_MESSAGES/django.po")))


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext's xgettext")
def test_every_message_has_a_chinese_translation(tmp_path):
    known = translations()

    missing = [e.msgid for e in extracted_messages(tmp_path) if (e.msgctxt, e.msgid) not in known]

    assert missing == []


def test_areas_agree_on_each_translation():
    conflicts = {
        key: found for key, found in translations().items() if len(set(found.values())) > 1
    }

    assert conflicts == {}


def text_of(entry: polib.POEntry) -> str:
    return entry.msgstr or " | ".join(v for _, v in sorted(entry.msgstr_plural.items()))


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parts[-4])
def test_compiled_catalogue_matches_source(path):
    source = {(e.msgctxt, e.msgid): text_of(e) for e in polib.pofile(str(path))
              if not e.obsolete and "fuzzy" not in e.flags and text_of(e)}
    compiled = {(e.msgctxt, e.msgid): text_of(e)
                for e in polib.mofile(str(path.with_suffix(".mo"))) if e.msgid}

    assert compiled == source


def test_example_project_codes_have_four_digits():
    examples = {code for path in CATALOGUES for entry in polib.pofile(str(path))
                for code in CODE_LIKE.findall(f"{entry.msgid} {text_of(entry)}")}

    assert examples, "no example project code found in the catalogues"
    assert sorted(code for code in examples if not PROJECT_CODE.fullmatch(code)) == []
