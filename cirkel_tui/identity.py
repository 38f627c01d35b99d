"""Who is at the keyboard: the OS account of the real uid, never $USER.

On the recommended shared server, staff run Cirkel through ``sudo -u cirkel``
(the service account that owns the database). Only in that case — the
process runs as the configured service account and was started by sudo — is
``SUDO_UID`` trusted to name the staff member.
"""
from __future__ import annotations

import os
import pwd
import re
import secrets
import shlex
import sys
from pathlib import Path

from models.i18n import _

from .config import SYSTEM_CONFIG, ConfigError, demo_allowed, log_path, read_system_config

DEFAULT_OUTBOX = Path("/var/lib/cirkel-outbox")


def _login_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def service_account(config_path: Path = SYSTEM_CONFIG) -> str | None:
    """The service account named in the root-owned system config (never the environment)."""
    value = read_system_config(config_path).get("service_account")
    return str(value) if value else None


def sudo_caller_uid(config_path: Path = SYSTEM_CONFIG) -> int | None:
    """The staff member's own uid when running as the service account through sudo, else None."""
    account = service_account(config_path)
    sudo_uid = os.environ.get("SUDO_UID")
    if account and _login_of(os.getuid()) == account and sudo_uid and sudo_uid.isdigit():
        return int(sudo_uid)
    return None


def current_login(config_path: Path = SYSTEM_CONFIG) -> str:
    """The login of the person running the program."""
    caller = sudo_caller_uid(config_path)
    return _login_of(os.getuid() if caller is None else caller)


def running_as_service_account(config_path: Path = SYSTEM_CONFIG) -> bool:
    """True when this process runs as the service account named in the system config."""
    account = service_account(config_path)
    return bool(account) and _login_of(os.getuid()) == account


def require_demo_allowed(config_path: Path = SYSTEM_CONFIG) -> None:
    """Under the service account ``--demo`` and ``demo`` are refused unless the config allows a demo.

    Through sudo every staff member is the service account, so a demo there
    would make them admin of whatever database it opened (issue #20).
    """
    if running_as_service_account(config_path) and not demo_allowed(config_path):
        raise ConfigError(_("Demo er slået fra på den fælles konto. Prøv demoen som dig selv, uden sudo: cirkel --demo (en administrator kan tillade den med allow_demo = true i /etc/cirkel.toml).")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          )


# --- the shared server (issue #20) ------------------------------------------------------

def hand_over_files(config_path: Path = SYSTEM_CONFIG) -> None:
    """Under the service account through sudo, every file goes to the staff member (ACL, outbox)."""
    from models.files import HandOver, hand_files_to

    caller = sudo_caller_uid(config_path)
    if caller is None:
        hand_files_to(None)
        return
    settings = read_system_config(config_path)
    root = settings.get("outbox") or DEFAULT_OUTBOX
    protected = [Path(pwd.getpwuid(os.getuid()).pw_dir)]
    if settings.get("database"):
        protected.append(Path(str(settings["database"])).parent)
    hand_over = HandOver(uid=caller, login=_login_of(caller), account=str(service_account(config_path)),
                         outbox_root=Path(str(root)), protected=tuple(protected))
    hand_files_to(hand_over)


def require_configured_database(cli_value: str | None, config_path: Path = SYSTEM_CONFIG) -> None:
    """Under the service account only the configured database is opened: never ``--db`` or ``CIRKEL_DB``.

    Otherwise a staff member could open an old backup in which they still had a
    higher role, or make the service account create databases where it can write.
    """
    if not running_as_service_account(config_path):
        return
    chosen = cli_value or os.environ.get("CIRKEL_DB")
    configured = read_system_config(config_path).get("database")
    if chosen and not (configured and os.path.realpath(chosen) == os.path.realpath(str(configured))):
        raise ConfigError(" ".join((
            _("Cirkel kører som den fælles konto {account} og åbner kun databasen fra {config}.").format(
                account=service_account(config_path), config=config_path),
            _("--db og CIRKEL_DB kan ikke bruges her."))))


def require_sudo_where_needed(db_path: str, config_path: Path = SYSTEM_CONFIG) -> None:
    """On the shared server the configured database is opened only by the service account.

    Started without sudo, a staff member would meet SQLite's "unable to open
    database file"; root would leave files behind that the service account
    cannot write. Both are told how Cirkel is run here, with the command.
    """
    account = service_account(config_path)
    configured = read_system_config(config_path).get("database")
    if not account or not configured or running_as_service_account(config_path):
        return
    if os.path.realpath(db_path) != os.path.realpath(str(configured)):
        return  # their own database (--db, CIRKEL_DB, --demo): theirs to open
    program = sys.argv[0] if os.path.basename(sys.argv[0]) == "cirkel" else "cirkel"
    words = ["sudo", "-u", account, os.path.abspath(program) if os.sep in program else program, *sys.argv[1:]]
    command = " ".join(w if re.fullmatch(r"[\w@%+=:,./-]+", w) else shlex.quote(w) for w in words)
    raise ConfigError(" ".join((
        _("Databasen {path} åbnes kun af den fælles konto {account}.").format(path=db_path, account=account),
        _("På denne server kører Cirkel gennem sudo: {command}").format(command=command))))


def error_reference() -> str:
    """A short id for one unexpected error, written in the log line and shown to the user."""
    return secrets.token_hex(3)


def unexpected_error_text(reference: str, config_path: Path = SYSTEM_CONFIG) -> str:
    """What a user reads about an unexpected error: under the service account they cannot read the log."""
    if running_as_service_account(config_path):
        return " ".join((_("uventet fejl (reference {ref}).").format(ref=reference),
                         _("Kontakt en administrator og oplys referencen; den står i Cirkels log.")))
    return _("uventet fejl (reference {ref}); detaljerne står i {path}").format(ref=reference, path=log_path())
