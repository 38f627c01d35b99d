"""Identity: the real uid's account, never $USER; SUDO_UID only under the service account."""
from __future__ import annotations

import os
import pwd

from cirkel_tui import identity
from tests.helpers import run_cli


def test_login_is_the_real_uid_not_USER(monkeypatch, me):
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    assert identity.current_login() == me


def test_sudo_uid_is_ignored_without_a_configured_service_account(monkeypatch, tmp_path, me):
    monkeypatch.setenv("SUDO_UID", "1")
    assert identity.current_login(tmp_path / "missing.toml") == me


def test_sudo_uid_is_trusted_when_running_as_the_service_account(monkeypatch, tmp_path, me):
    config = tmp_path / "cirkel.toml"
    config.write_text(f'service_account = "{me}"\n')
    monkeypatch.setenv("SUDO_UID", "1")
    assert identity.current_login(config) == pwd.getpwuid(1).pw_name


def test_unregistered_account_is_refused_even_with_USER_set_to_an_admin(tmp_path, me):
    db = str(tmp_path / "c.db")
    from models.staff import init_database
    from models.store import close_database, open_database

    open_database(db)
    init_database("mette", "Mette Kjærgaard")  # an admin who is not the caller
    close_database()
    result = run_cli("staff", "add", "x", "--name", "X", "--role", "terapeut", db=db,
                     env={"USER": "mette", "LOGNAME": "mette"})
    assert result.returncode == 1
    assert f"'{me}' er ikke registreret" in result.stderr
    assert "cirkel staff add" in result.stderr
    assert "Traceback" not in result.stderr
    assert os.environ.get("USER") != "mette"
