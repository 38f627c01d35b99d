"""Who is at the keyboard: the OS account of the real uid, never $USER.

On the recommended shared server, staff run Cirkel through ``sudo -u cirkel``
(the service account that owns the database). Only in that case — the
process runs as the configured service account and was started by sudo — is
``SUDO_UID`` trusted to name the staff member.
"""
from __future__ import annotations

import os
import pwd
from pathlib import Path

from .config import SYSTEM_CONFIG, ConfigError, demo_allowed, read_system_config


def _login_of(uid: int) -> str:
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


def service_account(config_path: Path = SYSTEM_CONFIG) -> str | None:
    """The service account named in the root-owned system config (never the environment)."""
    value = read_system_config(config_path).get("service_account")
    return str(value) if value else None


def current_login(config_path: Path = SYSTEM_CONFIG) -> str:
    """The login of the person running the program."""
    uid = os.getuid()
    login = _login_of(uid)
    account = service_account(config_path)
    sudo_uid = os.environ.get("SUDO_UID")
    if account and login == account and sudo_uid and sudo_uid.isdigit():
        return _login_of(int(sudo_uid))
    return login


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
        raise ConfigError("Demo er slået fra på den fælles konto. Prøv demoen som dig selv, uden sudo: "
                          "cirkel --demo (en administrator kan tillade den med allow_demo = true "
                          "i /etc/cirkel.toml).")
