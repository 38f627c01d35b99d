"""Files reach the staff member who asked, and only them (issue #20, item 2).

Under the service account every file gets an ACL entry for the sudo caller and
the default folder is their own outbox. The real thing, with real users and
sudo, is .ci/shared_server_check.sh; here the rules of models.files.
"""
from __future__ import annotations

import os
import shutil
import stat
import subprocess

import pytest

from models import files
from models.base import DomainError

READER = 4242  # a uid with no account: the ACL names it all the same


@pytest.fixture
def hand_over(tmp_path):
    root = tmp_path / "outbox"
    root.mkdir(mode=0o711)
    (tmp_path / "service-home").mkdir()
    given = files.HandOver(uid=READER, login="anna", account="cirkel", outbox_root=root,
                           protected=(tmp_path / "service-home",))
    files.hand_files_to(given)
    yield given
    files.hand_files_to(None)


def _write(path, force=False):
    return files.write_private(path, lambda temp: temp.write_bytes(b"personal data"), force=force)


def test_without_a_hand_over_a_file_is_its_owners_alone(tmp_path):
    made = _write(tmp_path / "a.xlsx")
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o600
    assert files.read_acl(made) == []


def test_a_file_gets_read_access_for_the_sudo_caller_and_nobody_else(tmp_path, hand_over):
    made = _write(tmp_path / "a.xlsx")
    assert files.read_acl(made) == [
        (0x01, 6, 0xFFFFFFFF),  # owner (the service account): rw-
        (0x02, 4, READER),      # the staff member: r--
        (0x04, 0, 0xFFFFFFFF),  # owning group: ---
        (0x10, 4, 0xFFFFFFFF),  # mask: r--
        (0x20, 0, 0xFFFFFFFF),  # others: ---
    ]
    assert stat.S_IMODE(os.stat(made).st_mode) == 0o640  # the group bits show the mask: -rw-r-----+
    if shutil.which("getfacl"):
        shown = subprocess.run(["getfacl", "-cnp", str(made)], capture_output=True, text=True).stdout.split()
        assert shown == ["user::rw-", f"user:{READER}:r--", "group::---", "mask::r--", "other::---"]


def test_forced_overwrite_keeps_the_acl(tmp_path, hand_over):
    _write(tmp_path / "a.xlsx")
    made = _write(tmp_path / "a.xlsx", force=True)
    assert (0x02, 4, READER) in files.read_acl(made)


def test_the_outbox_is_made_on_first_use_for_that_staff_member_only(hand_over):
    box = files.default_directory()
    assert box == hand_over.outbox_root / "anna"
    info = os.lstat(box)
    assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
    assert files.read_acl(box) == [(0x01, 7, 0xFFFFFFFF), (0x02, 7, READER), (0x04, 0, 0xFFFFFFFF),
                                   (0x10, 7, 0xFFFFFFFF), (0x20, 0, 0xFFFFFFFF)]
    os.chmod(box, 0o777)  # loosened by hand: put right on the next use
    made = _write(box / "cirkel-2026-11.xlsx")
    assert stat.S_IMODE(os.stat(box).st_mode) == 0o770  # owner rwx, the mask (the staff member) rwx, others ---
    assert (0x02, 4, READER) in files.read_acl(made)


def test_an_outbox_that_is_a_symlink_is_refused(hand_over, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (hand_over.outbox_root / "anna").symlink_to(elsewhere)
    with pytest.raises(DomainError, match="ikke Cirkels udbakke"):
        files.outbox()
    with pytest.raises(DomainError):
        _write(hand_over.outbox_root / "anna" / "x.xlsx")
    assert list(elsewhere.iterdir()) == []


def test_a_missing_outbox_root_tells_the_administrator_what_to_make(tmp_path):
    gone = files.HandOver(uid=READER, login="anna", account="cirkel", outbox_root=tmp_path / "none")
    with pytest.raises(DomainError, match="install -d -o cirkel -m 711"):
        files.outbox(gone)


def test_a_login_that_is_no_folder_name_is_refused(tmp_path):
    odd = files.HandOver(uid=READER, login="../root", account="cirkel", outbox_root=tmp_path)
    with pytest.raises(DomainError, match="mappenavn"):
        files.outbox(odd)


def test_the_fetch_hint_names_scp_for_outbox_files_only(hand_over, tmp_path):
    inside = files.default_directory() / "cirkel-2026.xlsx"
    hint = files.fetch_hint(inside)
    assert hint and hint.startswith("Hent den til din pc med: scp anna@") and str(inside) in hint
    assert files.fetch_hint(tmp_path / "x.xlsx") is None
    files.hand_files_to(None)
    assert files.fetch_hint(inside) is None


def test_an_export_without_a_file_name_lands_in_the_outbox(admin, frozen_day, hand_over):
    from exports.excel import export, year_period

    result = export(admin, year_period(2026))
    assert result.path == hand_over.outbox_root / "anna" / "cirkel-2026.xlsx"
    assert (0x02, 4, READER) in files.read_acl(result.path)


def test_the_participant_list_goes_to_the_outbox_too(demo, hand_over):
    from exports.participant_list import write_participant_list
    from models.entities import Event, Staff

    event = Event.select().first()
    made = write_participant_list(Staff.get(), event.id, files.default_directory())
    assert made.parent == hand_over.outbox_root / "anna"
    assert (0x02, 4, READER) in files.read_acl(made)


def test_nothing_is_written_to_standard_output_when_it_is_a_terminal(monkeypatch):
    import pty
    import sys

    main, side = pty.openpty()
    try:
        with open(side, "w", closefd=False) as terminal:
            monkeypatch.setattr(sys, "__stdout__", terminal)
            with pytest.raises(DomainError, match="--out - > fil.xlsx"):
                files.write_private(files.STDOUT, lambda temp: temp.write_bytes(b"x"))
    finally:
        os.close(main)
        os.close(side)


def test_nobody_writes_into_another_outbox_or_the_service_accounts_folders(hand_over, tmp_path):
    bo = hand_over.outbox_root / "bo"
    bo.mkdir()
    (bo / "cirkel-2026-11.xlsx").write_bytes(b"bo's own export")
    for target in (bo / "cirkel-2026-11.xlsx", hand_over.outbox_root / "x.xlsx"):
        with pytest.raises(DomainError, match="kun i din egen udbakke"):
            _write(target, force=True)
    assert (bo / "cirkel-2026-11.xlsx").read_bytes() == b"bo's own export"
    for target in (tmp_path / "service-home" / "cirkel.log", tmp_path / "service-home" / "sub" / "x.xlsx"):
        (target.parent).mkdir(exist_ok=True)
        with pytest.raises(DomainError, match="hører til kontoen cirkel"):
            _write(target, force=True)
    assert _write(files.default_directory() / "mine.xlsx").exists()  # their own outbox: fine
