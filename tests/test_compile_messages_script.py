"""scripts/compile-messages, run on a copy of the repository layout in a temporary folder."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parent.parent


def make_layout(root: Path) -> Path:
    (root / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "compile-messages", root / "scripts")
    folder = root / "sunshine/locale/parts/sample/zh_Hans/LC_MESSAGES"
    folder.mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    catalogue.append(polib.POEntry(msgid="Search projects", msgstr="搜索项目"))
    catalogue.append(polib.POEntry(msgid="Draft", msgstr="草稿", flags=["fuzzy"]))
    catalogue.save(str(folder / "django.po"))
    return folder / "django.mo"


def run_script(root: Path) -> subprocess.CompletedProcess:
    venv = Path(sys.executable).parent.parent
    return subprocess.run([str(root / "scripts" / "compile-messages")], capture_output=True,
                          text=True, env={**os.environ, "VENV": str(venv)}, check=False)


def test_script_compiles_translated_entries(tmp_path):
    target = make_layout(tmp_path)

    result = run_script(tmp_path)

    assert result.returncode == 0, result.stderr
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(target)) if e.msgid}
    assert compiled == {"Search projects": "搜索项目"}
    assert "compiled" in result.stdout


def test_script_leaves_matching_file_alone(tmp_path):
    target = make_layout(tmp_path)
    run_script(tmp_path)
    before = target.stat().st_mtime_ns

    result = run_script(tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"unchanged {target.relative_to(tmp_path)}" in result.stdout
    assert target.stat().st_mtime_ns == before


def test_script_fails_without_catalogues(tmp_path):
    (tmp_path / "scripts").mkdir()
    shutil.copy(REPO / "scripts" / "compile-messages", tmp_path / "scripts")

    result = run_script(tmp_path)

    assert result.returncode != 0
    assert "no catalogue found" in result.stderr
