"""``demo`` and ``--demo`` never grant a role on a real database (issues #10 item 2, #20 item 1)."""
from __future__ import annotations

import sqlite3

import pytest

from tests.helpers import run_cli


def _staff(db) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select login, role from staff order by id").fetchall()
    finally:
        conn.close()


def test_demo_refuses_a_database_made_by_init(tmp_path):
    db = str(tmp_path / "real.db")
    assert run_cli("init", db=db).returncode == 0
    before = _staff(db)
    result = run_cli("demo", "--citizens", "5", db=db)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "ikke en demodatabase" in result.stderr
    assert _staff(db) == before
    conn = sqlite3.connect(db)
    assert conn.execute("select count(*) from citizen").fetchone()[0] == 0


def test_demo_refuses_an_empty_file_someone_else_made(tmp_path):
    db = tmp_path / "other.db"
    sqlite3.connect(db).execute("create table x(y)").connection.close()
    result = run_cli("demo", "--citizens", "5", db=str(db))
    assert result.returncode == 1 and "ikke en demodatabase" in result.stderr


def test_demo_creates_and_fills_a_new_database(tmp_path):
    db = str(tmp_path / "new.db")
    result = run_cli("demo", "--citizens", "30", db=db)
    assert result.returncode == 0, result.stderr
    assert ("admin" in {role for _, role in _staff(db)})


def test_demo_option_never_opens_a_named_database(tmp_path):
    real = tmp_path / "real.db"
    assert run_cli("init", db=str(real)).returncode == 0
    before = _staff(real)
    refused = run_cli("--demo", "pools", db=str(real))
    assert refused.returncode == 2 and "--db" in refused.stderr
    data = tmp_path / "data"
    env = {"CIRKEL_DB": str(real), "CIRKEL_DATA_DIR": str(data)}
    shown = run_cli("--demo", "pools", env=env)
    assert shown.returncode == 0, shown.stderr
    assert (data / "demo.db").exists()
    assert _staff(real) == before


def test_demo_is_refused_under_the_service_account_unless_allowed(tmp_path):
    """The process runs as the configured service account (here: ourselves, as sudo would make it)."""
    import getpass

    from cirkel_tui.config import ConfigError
    from cirkel_tui.identity import require_demo_allowed

    me = getpass.getuser()
    config = tmp_path / "cirkel.toml"
    config.write_text(f'service_account = "{me}"\n')
    with pytest.raises(ConfigError, match="Demo er slået fra"):
        require_demo_allowed(config)
    config.write_text(f'service_account = "{me}"\nallow_demo = true\n')
    require_demo_allowed(config)
    config.write_text('service_account = "somebody-else"\n')
    require_demo_allowed(config)
