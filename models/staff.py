"""Staff and identity: who may do what."""
from __future__ import annotations

from peewee import fn

from .base import DomainError, audit, operation, snapshot
from .entities import ROLES, District, Staff
from .inputs import clean_text
from .permissions import ROLE_LABELS, require, require_roles  # noqa: F401 - ROLE_LABELS: callers read it here


class NotRegistered(DomainError):
    """The OS account is not a staff member."""


def find_staff(login: str) -> Staff | None:
    return Staff.get_or_none((Staff.login == login) & (Staff.active == True))  # noqa: E712


def staff_by_id(staff_id: int) -> Staff:
    return Staff.get_by_id(staff_id)


def require_staff(login: str) -> Staff:
    staff = find_staff(login)
    if staff is None:
        raise NotRegistered(
            f"Brugeren '{login}' er ikke registreret som medarbejder i Cirkel. "
            f"En administrator kan tilføje dig med: cirkel staff add {login} --name \"Dit navn\" --role terapeut")
    return staff


def require_role(actor: Staff, *roles: str) -> None:
    """Kept for callers not converted yet (the import): :func:`models.permissions.require_roles`."""
    require_roles(actor, roles)


def _district_by_name(name: str | None) -> District | None:
    if not name:
        return None
    district = District.get_or_none(District.name == name.strip())
    if district is None:
        raise DomainError(f"Distriktet '{name}' findes ikke.", field="district")
    return district


@operation
def init_database(login: str, name: str) -> Staff:
    """A new database: the calling OS user becomes its first admin."""
    if Staff.select().exists():
        raise DomainError("Databasen er allerede oprettet (der findes medarbejdere).")
    staff = Staff.create(login=login, name=name or login, role="admin")
    audit(staff, "init", "staff", staff.id, None, snapshot(staff))
    return staff


def clean_login(login) -> str:
    """A new staff login (issue #10, item 7): within the limit, no spaces, not taken in any case,
    and an OS account on this server (``pwd.getpwnam``)."""
    import pwd

    text = clean_text(login, "login", kind="login", label="Brugernavnet")
    if any(ch.isspace() for ch in text):
        raise DomainError("Brugernavnet må ikke indeholde mellemrum.", field="login")
    if Staff.select().where(fn.LOWER(Staff.login) == text.lower()).exists():
        raise DomainError(f"Brugeren '{text}' findes allerede (store og små bogstaver regnes for ens).",
                          field="login")
    try:
        pwd.getpwnam(text)
    except KeyError:
        raise DomainError(f"'{text}' er ikke en brugerkonto på denne server; opret kontoen først "
                          "(brugernavnet er det, medarbejderen logger ind med).", field="login") from None
    return text


@operation
def add_staff(actor: Staff, login: str, name: str, role: str, district: str | None = None) -> Staff:
    require(actor, "staff.manage")
    login = clean_login(login)
    name = clean_text(name, "name", kind="name", label="Navnet")
    if role not in ROLES:
        raise DomainError(f"Ukendt rolle '{role}'; vælg terapeut, leder eller admin.", field="role")
    staff = Staff.create(login=login, name=name, role=role, district=_district_by_name(district))
    audit(actor, "staff.add", "staff", staff.id, None, snapshot(staff))
    return staff
