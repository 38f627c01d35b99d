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

Nothing here imports Textual; the messages are Danish and name the field
``file`` so a form shows them beside the file name.
"""
from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator

from .base import DomainError, db

SQLITE_MAGIC = b"SQLite format 3\x00"
WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal", ".lock")


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
    raw = Path(path).expanduser()
    if suffix and raw.suffix.lower() != suffix:
        raise DomainError(f"Filnavnet skal ende på {suffix} (fik '{raw.name}').", field="file")
    if raw.name in ("", ".", ".."):
        raise DomainError(f"{path} er ikke et filnavn.", field="file")
    parent = raw.parent
    try:
        parent_real = parent.resolve(strict=True)
    except (OSError, RuntimeError):
        raise DomainError(f"Mappen {parent} findes ikke.", field="file") from None
    if not parent_real.is_dir():
        raise DomainError(f"{parent} er ikke en mappe.", field="file")
    target = parent_real / raw.name
    if target.name.endswith(".bak") or target in _database_paths():
        raise DomainError(f"{path} er Cirkels database eller en kopi af den; vælg et andet filnavn.",
                          field="file")
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise DomainError(f"Kan ikke bruge {path}: {exc.strerror or exc}.", field="file") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise DomainError(f"{path} er et symbolsk link; Cirkel skriver ikke gennem links. "
                              "Vælg et andet filnavn.", field="file")
        if stat.S_ISDIR(info.st_mode):
            raise DomainError(f"{path} er en mappe; skriv et filnavn.", field="file")
        if not stat.S_ISREG(info.st_mode):
            raise DomainError(f"{path} er ikke en almindelig fil.", field="file")
        if _looks_like_database(target):
            raise DomainError(f"{path} findes allerede og er en database; Cirkel overskriver aldrig en database.",
                              field="file")
        if not force:
            raise DomainError(f"{path} findes allerede; vælg et nyt filnavn eller brug --force.",
                              field="file")
    if not os.access(parent_real, os.W_OK | os.X_OK):
        raise DomainError(f"Du må ikke skrive i mappen {parent}.", field="file")
    return target


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
    target = check_target(path, force=force, suffix=suffix)
    try:
        with private_temp(target.parent, prefix=f".{target.stem[:40]}-") as temp:
            write(temp)
            os.chmod(temp, 0o600)
            _fsync(temp)
            check_target(target, force=force, suffix=suffix)  # again, just before the rename
            if force:
                os.replace(temp, target)
            else:
                try:
                    os.link(temp, target, follow_symlinks=False)
                except FileExistsError:
                    raise DomainError(f"{path} findes allerede; vælg et nyt filnavn eller brug --force.",
                                      field="file") from None
            _fsync_dir(target.parent)
    except PermissionError:
        raise DomainError(f"Du må ikke skrive i mappen {target.parent}.", field="file") from None
    except OSError as exc:
        if getattr(exc, "errno", None) == 28:
            raise DomainError(f"Disken er fuld; {path} blev ikke gemt.", field="file") from None
        raise DomainError(f"Kunne ikke skrive {path}: {exc.strerror or exc}.", field="file") from None
    return target
