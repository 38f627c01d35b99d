"""Where things live: the database, the log file, the demo database."""
from __future__ import annotations

import os
import tomllib
from pathlib import Path

from platformdirs import user_data_dir

from models.i18n import _

SYSTEM_CONFIG = Path("/etc/cirkel.toml")
APP_NAME = "cirkel"


class ConfigError(Exception):
    """The configuration cannot be read; the message is Danish and shown as is."""


def data_dir() -> Path:
    override = os.environ.get("CIRKEL_DATA_DIR")
    return Path(override) if override else Path(user_data_dir(APP_NAME, appauthor=False))


def read_system_config(path: Path = SYSTEM_CONFIG) -> dict:
    if not path.exists():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(_("Kan ikke læse {path}: {exc}").format(path=path, exc=exc)) from None


def database_path(cli_value: str | None = None, config_path: Path = SYSTEM_CONFIG) -> str:
    """``--db``, else ``CIRKEL_DB``, else ``database`` in /etc/cirkel.toml, else the data dir."""
    if cli_value:
        return cli_value
    env = os.environ.get("CIRKEL_DB")
    if env:
        return env
    configured = read_system_config(config_path).get("database")
    if configured:
        return str(configured)
    return str(data_dir() / "cirkel.db")


def demo_database_path(login: str | None = None) -> str:
    """The demo database in the caller's data directory (one per staff login under the service account)."""
    return str(data_dir() / (f"demo-{login}.db" if login else "demo.db"))


def demo_allowed(config_path: Path = SYSTEM_CONFIG) -> bool:
    """``allow_demo = true`` in the root-owned system config lets the service account run a demo."""
    return read_system_config(config_path).get("allow_demo") is True


def log_path() -> Path:
    return data_dir() / "cirkel.log"
