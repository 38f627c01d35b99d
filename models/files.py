"""Every file Cirkel writes goes through here: exports, participant lists, backups, prints.

The rules (hardening issue #10, item 1):

* The target path is never resolved through a symlink. A target that *is* a
  symlink is refused, so ``--out link.xlsx`` pointing at the database cannot
  replace the database.
* The content is written to a temporary file in the target's own directory,
  created with ``O_EXCL | O_NOFOLLOW`` and mode 0600, fsynced, then renamed
  into place; the temporary file is removed on every way out.
* An existing target is refused unless ``force`` is given; with or without
  ``force`` Cirkel never writes onto the open database, its ``-wal``/``-shm``/
  ``.lock``/``.bak`` siblings, or any file that is an SQLite database (which
  covers every backup of it).

On the shared server (issue #20) Cirkel runs as the service account through
sudo, so every file it writes belongs to that account. The files still reach
the staff member who asked, and only them:

* ``-`` as the target writes the content to standard output, so the staff
  member's own shell writes the file (``--out - > ~/november.xlsx``);
* once :func:`hand_files_to` names the staff member, every file gets a POSIX
  ACL entry that lets that one user read it (``user:anna:r--``; the owning
  group and others get nothing, so ``ls`` shows ``-rw-r-----+``), and the
  default folder is their own outbox, ``<outbox>/<login>/``: made by the
  service account, closed to group and others, with an ACL entry that lets
  that staff member (and no one else) list, read and delete its files, to
  fetch them with scp or WinSCP. Through sudo nothing is written into another
  staff member's outbox or the service account's own folders.

The ACL is written as the kernel's ``system.posix_acl_access`` attribute
(``os.setxattr``: no extra package; the owner of a file may set it), read back
and checked; a file system without ACLs refuses the write instead of leaving a
file its maker cannot read.

Nothing here imports Textual; the messages are Danish and name the field
``file`` so a form shows them beside the file name.
"""
from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import socket
import stat
import struct
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from .base import DomainError, db
from .i18n import _

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock")
STDOUT = "-"


# --- handing files to the staff member (issue #20) --------------------------------------

@dataclass(frozen=True)
class HandOver:
    """Whom the files go to when Cirkel runs as the service account for a staff member."""

    uid: int  # the staff member's own OS account (SUDO_UID)
    login: str
    account: str  # the service account Cirkel runs as
    outbox_root: Path  # the root of the outboxes, <outbox_root>/<login>/
    protected: tuple[Path, ...] = ()  # the service account's own folders (its home, the database's folder)


_hand_over: HandOver | None = None


def hand_files_to(hand_over: HandOver | None) -> None:
    """From now on every file Cirkel writes is readable by ``hand_over.uid`` (None: by its owner only)."""
    global _hand_over
    _hand_over = hand_over


ACL_XATTR = "system.posix_acl_access"
_ACL_VERSION = 2
_USER_OBJ, _USER, _GROUP_OBJ, _MASK, _OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
_UNDEFINED_ID = 0xFFFFFFFF


def acl_bytes(owner_perm: int, reader: int, reader_perm: int) -> bytes:
    """The kernel's binary ACL: the owner ``owner_perm``, user ``reader`` ``reader_perm``, group and others nothing."""
    entries = [(_USER_OBJ, owner_perm, _UNDEFINED_ID), (_USER, reader_perm, reader), (_GROUP_OBJ, 0, _UNDEFINED_ID),
               (_MASK, reader_perm, _UNDEFINED_ID), (_OTHER, 0, _UNDEFINED_ID)]
    return struct.pack("<I", _ACL_VERSION) + b"".join(struct.pack("<HHI", *e) for e in entries)


def read_acl(path: str | os.PathLike) -> list[tuple[int, int, int]]:
    """(tag, permission bits, id) of each entry of ``path``'s access ACL; [] when it has none."""
    try:
        raw = os.getxattr(path, ACL_XATTR, follow_symlinks=False)
    except OSError as exc:
        if exc.errno in (errno.ENODATA, errno.ENOTSUP, errno.EOPNOTSUPP):
            return []
        raise
    return [struct.unpack_from("<HHI", raw, offset) for offset in range(4, len(raw), 8)]


def grant_reader(path: Path, uid: int, *, directory: bool = False) -> None:
    """Let user ``uid`` read ``path`` (a directory: list, enter and change it); nobody else but the owner."""
    value = acl_bytes(7 if directory else 6, uid, 7 if directory else 4)
    try:
        os.setxattr(path, ACL_XATTR, value, follow_symlinks=False)
        if os.getxattr(path, ACL_XATTR, follow_symlinks=False) != value:
            raise OSError(errno.EIO, "ACL")
    except OSError as exc:
        if exc.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise DomainError(_("Filsystemet under {parent} kan ikke give filen til dig alene (ingen ACL). Brug --out - og omdirigér til en fil.").format(parent=path.parent), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        raise


_LOGIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")


def outbox_path(hand_over: HandOver | None = None) -> Path:
    """Where the staff member's outbox is (nothing is created)."""
    hand_over = hand_over or _hand_over
    if hand_over is None:
        raise DomainError(_("Der er ingen udbakke, når Cirkel ikke kører som den fælles konto."), field="file")
    if not _LOGIN.fullmatch(hand_over.login):
        raise DomainError(_("Brugernavnet '{login}' kan ikke bruges som mappenavn.").format(login=hand_over.login), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return hand_over.outbox_root / hand_over.login


def outbox(hand_over: HandOver | None = None) -> Path:
    """The staff member's own outbox ``<root>/<login>/``, created on first use; only they can read it."""
    hand_over = hand_over or _hand_over
    box = outbox_path(hand_over)
    root = hand_over.outbox_root
    if not root.is_dir():
        raise DomainError(_("Udbakken {root} findes ikke; en administrator opretter den (install -d -o {account} -m 711 {root}).").format(root=root, account=hand_over.account), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    try:
        os.mkdir(box, 0o700)
    except FileExistsError:
        pass
    except PermissionError:
        raise DomainError(_("Cirkel må ikke oprette din udbakke i {root}; den skal ejes af {account}.").format(root=root, account=hand_over.account), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    info = os.lstat(box)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.geteuid():
        raise DomainError(_("{box} er ikke Cirkels udbakke; en administrator fjerner den.").format(box=box), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    os.chmod(box, 0o700)
    grant_reader(box, hand_over.uid, directory=True)
    return box


def default_directory() -> Path:
    """Where a file goes when no folder is named: the outbox under the service account, else here."""
    if _hand_over is None:
        return Path.cwd()
    try:
        return outbox()
    except DomainError:  # the write names the problem where the staff member sees it
        return _hand_over.outbox_root / _hand_over.login


def fetch_hint(path: str | os.PathLike) -> str | None:
    """How the staff member gets a file from their outbox to their own PC (None outside an outbox)."""
    if _hand_over is None:
        return None
    path = Path(path)
    if path.parent != outbox_path():
        return None
    return (_("Hent den til din pc med: scp {login}@{gethostname}:{path} . (eller WinSCP: samme sti)").format(login=_hand_over.login, gethostname=socket.gethostname(), path=path))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _database_paths() -> set[Path]:
    """The open database file and its companions, as absolute paths (symlinks resolved)."""
    name = getattr(db.obj, "database", None) if db.obj is not None else None
    if not name or name == ":memory:" or "://" in str(name):
        return set()
    base = Path(name).expanduser().resolve()
    return {base.with_name(base.name + suffix) for suffix in DATABASE_SUFFIXES}


def _looks_like_database(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        head = os.read(fd, 16)
    finally:
        os.close(fd)
    return head == SQLITE_MAGIC or head[:4] in WAL_MAGIC


def check_target(path: str | os.PathLike, *, force: bool = False, suffix: str | None = None) -> Path:
    """The absolute target for a new file, or a Danish refusal naming why.

    The directory part may be reached through symlinks (``/tmp`` often is);
    the last component never is.
    """
    if str(path) == STDOUT:
        return Path(STDOUT)  # standard output: write_to_stdout checks it
    raw = Path(path).expanduser()
    if _hand_over is not None and raw.parent.absolute() == outbox_path():
        outbox()  # made on first use, and its access checked every time
    if suffix and raw.suffix.lower() != suffix:
        raise DomainError(_("Filnavnet skal ende på {suffix} (fik '{name}').").format(suffix=suffix, name=raw.name), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if raw.name in ("", ".", ".."):
        raise DomainError(_("{path} er ikke et filnavn.").format(path=path), field="file")
    parent = raw.parent
    try:
        parent_real = parent.resolve(strict=True)
    except (OSError, RuntimeError):
        raise DomainError(_("Mappen {parent} findes ikke.").format(parent=parent), field="file") from None
    if not parent_real.is_dir():
        raise DomainError(_("{parent} er ikke en mappe.").format(parent=parent), field="file")
    target = parent_real / raw.name
    if _hand_over is not None:
        _refuse_service_folders(parent_real)
    if target.name.endswith(".bak") or target in _database_paths():
        raise DomainError(_("{path} er Cirkels database eller en kopi af den; vælg et andet filnavn.").format(path=path),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="file")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise DomainError(_("Kan ikke bruge {path}: {value}.").format(path=path, value=exc.strerror or exc), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise DomainError(_("{path} er et symbolsk link; Cirkel skriver ikke gennem links. Vælg et andet filnavn.").format(path=path), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if stat.S_ISDIR(info.st_mode):
            raise DomainError(_("{path} er en mappe; skriv et filnavn.").format(path=path), field="file")
        if not stat.S_ISREG(info.st_mode):
            raise DomainError(_("{path} er ikke en almindelig fil.").format(path=path), field="file")
        if _looks_like_database(target):
            raise DomainError(_("{path} findes allerede og er en database; Cirkel overskriver aldrig en database.").format(path=path),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                              field="file")
        if not force:
            raise DomainError(_("{path} findes allerede; vælg et nyt filnavn eller brug --force.").format(path=path),
                              field="file")
    if not os.access(parent_real, os.W_OK | os.X_OK):
        raise DomainError(_not_writable(parent), field="file")
    return target


def _within(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _refuse_service_folders(parent: Path) -> None:
    """Through sudo a staff member never writes into another's outbox or the service account's own folders."""
    box = outbox_path().resolve()
    if _within(parent, box):
        return
    if _within(parent, _hand_over.outbox_root.resolve()):
        raise DomainError(_("Cirkel gemmer kun i din egen udbakke: {value}").format(value=_hand_over.outbox_root / _hand_over.login),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="file")
    if any(_within(parent, Path(folder).resolve()) for folder in _hand_over.protected):
        raise DomainError(_("Cirkel gemmer ikke filer i {parent}, som hører til kontoen {account}. Gem i din udbakke {value}.").format(parent=parent, account=_hand_over.account, value=_hand_over.outbox_root / _hand_over.login), field="file")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def _not_writable(parent: Path) -> str:
    if _hand_over is None:
        return _("Du må ikke skrive i mappen {parent}.").format(parent=parent)
    return _("Cirkel kører som {account} og må ikke skrive i {parent}. Gem i din udbakke {outbox}, eller brug --out - og omdirigér: --out - > fil.xlsx").format(account=_hand_over.account, parent=parent, outbox=_hand_over.outbox_root / _hand_over.login)  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


@contextlib.contextmanager
def private_temp(directory: Path, prefix: str = ".cirkel-") -> Iterator[Path]:
    """A new empty 0600 file in ``directory`` (never through a symlink), removed on every way out."""
    fd, name = tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        os.close(fd)
        yield Path(name)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_private(path: str | os.PathLike, write: Callable[[Path], object], *, force: bool = False,
                  suffix: str | None = None) -> Path:
    """Write a file with personal data safely and return its absolute path.

    ``write(temp_path)`` fills a fresh 0600 temporary file beside the target;
    it is then fsynced and renamed into place. Without ``force`` the rename is a
    hard link that fails if the target appeared meanwhile, so nothing is ever
    overwritten by a race.
    """
    if str(path) == STDOUT:
        return write_to_stdout(write)
    target = check_target(path, force=force, suffix=suffix)
    try:
        with private_temp(target.parent, prefix=f".{target.stem[:40]}-") as temp:
            write(temp)
            os.chmod(temp, 0o600)
            if _hand_over is not None:
                grant_reader(temp, _hand_over.uid)
            _fsync(temp)
            check_target(target, force=force, suffix=suffix)  # again, just before the rename
            if force:
                os.replace(temp, target)
            else:
                try:
                    os.link(temp, target, follow_symlinks=False)
                except FileExistsError:
                    raise DomainError(_("{path} findes allerede; vælg et nyt filnavn eller brug --force.").format(path=path),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                                      field="file") from None
            _fsync_dir(target.parent)
    except PermissionError:
        raise DomainError(_not_writable(target.parent), field="file") from None
    except OSError as exc:
        if getattr(exc, "errno", None) == 28:
            raise DomainError(_("Disken er fuld; {path} blev ikke gemt.").format(path=path), field="file") from None
        raise DomainError(_("Kunne ikke skrive {path}: {value}.").format(path=path, value=exc.strerror or exc), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return target


def write_to_stdout(write: Callable[[Path], object]) -> Path:
    """``write`` fills a private temporary file, which is then copied to standard output.

    Nothing reaches standard output unless the whole file was made. Standard
    output that is a terminal is refused (a workbook would garble it).
    """
    out = sys.__stdout__  # the process's own standard output, never a TUI's captured print()
    if out is None or out.isatty():
        raise DomainError(_("Standard output er en terminal; send filen til en fil: --out - > fil.xlsx"), field="file")
    folder = Path(tempfile.mkdtemp(prefix="cirkel-"))  # 0700, in $TMPDIR or /tmp
    try:
        with private_temp(folder) as temp:
            write(temp)
            out.flush()
            with open(temp, "rb") as source:
                shutil.copyfileobj(source, out.buffer, 1 << 20)
            out.buffer.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        if getattr(exc, "errno", None) == errno.ENOSPC:
            raise DomainError(_("Disken er fuld; filen blev ikke lavet."), field="file") from None
        raise DomainError(_("Kunne ikke skrive til standard output: {value}.").format(value=exc.strerror or exc), field="file") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return Path(STDOUT)


@contextlib.contextmanager
def stdin_copy(suffix: str = ".xlsx") -> Iterator[Path]:
    """Standard input saved to a private temporary file (``cirkel import - < fil.xlsx``), removed after.

    On the shared server the service account cannot read the staff member's
    files; their own shell can hand the content over on standard input.
    """
    source = sys.__stdin__
    if source is None or source.isatty():
        raise DomainError(_("Send filen på standard input: cirkel import - < fil.xlsx"), field="file")
    folder = Path(tempfile.mkdtemp(prefix="cirkel-"))
    try:
        with private_temp(folder, prefix=".stdin-") as temp:
            with open(temp, "wb") as target:
                shutil.copyfileobj(source.buffer, target, 1 << 20)
            named = temp.with_name(f"standard-input{suffix}")
            os.rename(temp, named)
            yield named
    finally:
        shutil.rmtree(folder, ignore_errors=True)
