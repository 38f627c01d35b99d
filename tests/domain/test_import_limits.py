"""The import's limits are checked before the file is read (issue #10, item 5)."""
from __future__ import annotations

import datetime as dt
import os
import time
import zipfile

import pytest

from exports import importer
from exports.importer import import_file
from models.base import DomainError
from models.entities import District
from tests.excel_helpers import row_counts, write_sheet

D = dt.date


@pytest.fixture
def leader(admin, frozen_day):
    District.create(name="Tørring", home_help_count=10)
    return admin


def _refused(leader, path) -> str:
    before = row_counts()
    started = time.monotonic()
    with pytest.raises(DomainError) as caught:
        import_file(leader, path, dry_run=True)
    assert time.monotonic() - started < 5, "refused at once, not after reading"
    assert row_counts() == before
    return caught.value.message


def test_a_fifo_a_device_or_a_link_to_one_is_refused_without_hanging(leader, tmp_path):
    fifo = tmp_path / "kanal.xlsx"
    os.mkfifo(fifo)
    assert "ikke en almindelig fil" in _refused(leader, fifo)
    link = tmp_path / "link.xlsx"
    link.symlink_to(fifo)
    assert "ikke en almindelig fil" in _refused(leader, link)
    device = tmp_path / "nul.xlsx"
    device.symlink_to("/dev/zero")
    assert "ikke en almindelig fil" in _refused(leader, device)
    assert "ikke en almindelig fil" in _refused(leader, "/dev/null")


def test_a_link_to_a_regular_file_is_read(leader, tmp_path):
    real = write_sheet(tmp_path / "ægte.xlsx", [("020246-1237", "Bo Holm", "Tørring", 2001, D(2026, 1, 1), 1, None)])
    link = tmp_path / "genvej.xlsx"
    link.symlink_to(real)
    assert len(import_file(leader, link, dry_run=True).new_cards) == 1


def test_a_zip_bomb_is_refused_unread(leader, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = tmp_path / "bombe.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b" " * (3 * 1024 * 1024))
    assert bomb.stat().st_size < 20_000
    assert "udpakket" in _refused(leader, bomb) and "højst være 1 MB" in _refused(leader, bomb)


def test_a_file_over_the_size_limit_is_refused(leader, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_FILE_BYTES", 1000)
    path = write_sheet(tmp_path / "stor.xlsx", [("020246-1237", "Bo Holm", "Tørring", 2001, D(2026, 1, 1), 1, None)])
    assert "højst" in _refused(leader, path)


def test_more_rows_than_the_limit_are_refused(leader, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "MAX_ROWS", 5)
    rows = [(f"0{i}0246-1237", "Bo Holm", "Tørring", 2001 + i, D(2026, 1, 1), 1, D(2026, 2, 1)) for i in range(1, 8)]
    path = write_sheet(tmp_path / "mange.xlsx", rows)
    assert "7 rækker" in _refused(leader, path) and "højst have 5" in _refused(leader, path)


def test_the_limits_are_documented_in_the_readme():
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    assert "200.000 rækker" in readme and "50 MB" in readme and "200 MB udpakket" in readme
