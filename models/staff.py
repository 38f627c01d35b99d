"""Staff and identity: who may do what."""
from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from .base import DomainError, audit, operation, snapshot
from .entities import ROLES, District, Staff
from .i18n import _
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
            _('Brugeren \'{login}\' er ikke registreret som medarbejder i Cirkel. En administrator kan tilføje dig med: cirkel staff add {login} --name "Dit navn" --role terapeut').format(login=login))  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return staff


def require_role(actor: Staff, *roles: str) -> None:
    """Kept for callers not converted yet (the import): :func:`models.permissions.require_roles`."""
    require_roles(actor, roles)


def _district_by_name(name: str | None) -> District | None:
    if not name:
        return None
    district = District.get_or_none(District.name == name.strip())
    if district is None:
        raise DomainError(_("Distriktet '{name}' findes ikke.").format(name=name), field="district")
    return district


@operation
def init_database(login: str, name: str) -> Staff:
    """A new database: the calling OS user becomes its first admin."""
    if Staff.select().exists():
        raise DomainError(_("Databasen er allerede oprettet (der findes medarbejdere)."))
    staff = Staff.create(login=login, name=name or login, role="admin")
    audit(staff, "init", "staff", staff.id, None, snapshot(staff))
    return staff


def clean_login(login) -> str:
    """A new staff login (issue #10, item 7): within the limit, no spaces, not taken in any case,
    and an OS account on this server (``pwd.getpwnam``)."""
    import pwd

    text = clean_text(login, "login", kind="login", label=_("Brugernavnet"))
    if any(ch.isspace() for ch in text):
        raise DomainError(_("Brugernavnet må ikke indeholde mellemrum."), field="login")
    if Staff.select().where(fn.LOWER(Staff.login) == text.lower()).exists():
        raise DomainError(_("Brugeren '{text}' findes allerede (store og små bogstaver regnes for ens).").format(text=text),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="login")
    try:
        pwd.getpwnam(text)
    except KeyError:
        raise DomainError(_("'{text}' er ikke en brugerkonto på denne server; opret kontoen først (brugernavnet er det, medarbejderen logger ind med).").format(text=text), field="login") from None  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    return text


@operation
def add_staff(actor: Staff, login: str, name: str, role: str, district: str | None = None) -> Staff:
    require(actor, "staff.manage")
    login = clean_login(login)
    name = clean_text(name, "name", kind="name", label=_("Navnet"))
    if role not in ROLES:
        raise DomainError(_("Ukendt rolle '{role}'; vælg terapeut, leder eller admin.").format(role=role), field="role")
    staff = Staff.create(login=login, name=name, role=role, district=_district_by_name(district))
    if staff.district_id is not None:  # issue #12: a staff member's districts are staff_district rows
        from .entities import StaffDistrict

        StaffDistrict.create(staff=staff, district=staff.district_id)
    audit(actor, "staff.add", "staff", staff.id, None, snapshot(staff))
    return staff


# --- issue #12: staff management (and #20: each staff member's language and colours) -----

LANGUAGES = {"da": "dansk", "en": "english"}
COLOR_SYSTEMS = {"standard": "16 farver", "256": "256 farver", "truecolor": "alle farver"}


@dataclass(frozen=True)
class StaffLine:
    id: int
    login: str
    name: str
    role: str
    districts: list[str]
    language: str  # '' = Danish (default)
    color_system: str  # '' = what the terminal says
    active: bool


def staff_lines(actor: Staff, include_inactive: bool = True) -> list[StaffLine]:
    """Every staff member (admin); anybody else sees only themselves."""
    from .access import district_names

    query = Staff.select().order_by(Staff.active.desc(), Staff.name, Staff.login)
    if actor.role != "admin":
        query = query.where(Staff.id == actor.id)
    elif not include_inactive:
        query = query.where(Staff.active == True)  # noqa: E712
    return [StaffLine(s.id, s.login, s.name, s.role, district_names(s), s.language or "", s.color_system or "",
                      s.active) for s in query.limit(10_000)]


def _districts_named(names) -> list[District]:
    found = []
    for name in names:
        district = _district_by_name(name)
        if district is not None and district not in found:
            found.append(district)
    return found


def _check_language(language: str | None) -> str | None:
    if language is None:
        return None
    language = language.strip().lower()
    if language not in LANGUAGES:
        raise DomainError(_("Ukendt sprog '{language}'; vælg da eller en.").format(language=language), field="language")
    return language


def _check_colors(color_system: str | None) -> str | None:
    if color_system is None:
        return None
    color_system = color_system.strip().lower()
    if color_system in ("", "auto"):
        return ""
    if color_system not in COLOR_SYSTEMS:
        raise DomainError(_("Ukendt farvedybde '{color_system}'; vælg standard, 256, truecolor eller auto.").format(color_system=color_system),  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
                          field="color_system")
    return color_system


def _set_preferences(staff: Staff, language: str | None, color_system: str | None) -> None:
    """Language and colour depth, checked (None: unchanged; colours "auto"/"": the terminal's)."""
    language = _check_language(language)
    if language is not None:
        staff.language = language
    colors = _check_colors(color_system)
    if colors is not None:
        staff.color_system = colors or None


def _staff_snapshot(staff: Staff) -> dict:
    from .access import district_names

    return {**snapshot(staff, ["login", "name", "role", "active", "language", "color_system"]),
            "districts": district_names(staff)}


def _other_active_admins(staff: Staff) -> int:
    return Staff.select().where((Staff.role == "admin") & (Staff.active == True)  # noqa: E712
                                & (Staff.id != staff.id)).count()


@operation
def set_staff(actor: Staff, login: str, *, name: str | None = None, role: str | None = None,
              districts: list[str] | None = None, language: str | None = None,
              color_system: str | None = None) -> Staff:
    """Change a staff member (admin): name, role, districts (replaces them all), language, colours.

    The last active admin keeps the role (someone must be able to manage staff).
    """
    from .entities import StaffDistrict
    from .inputs import clean_text
    from .permissions import require

    require(actor, "staff.manage")
    staff = Staff.get_or_none(Staff.login == (login or "").strip())
    if staff is None:
        raise DomainError(_("Brugeren '{login}' findes ikke.").format(login=login), field="login")
    before = _staff_snapshot(staff)
    if name is not None:
        staff.name = clean_text(name, "name", kind="name", label=_("Navnet"))
    if role is not None:
        if role not in ROLES:
            raise DomainError(_("Ukendt rolle '{role}'; vælg terapeut, leder eller admin.").format(role=role), field="role")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        if staff.role == "admin" and role != "admin" and not _other_active_admins(staff):
            raise DomainError(_("Den sidste administrator kan ikke miste rollen."), field="role")
        staff.role = role
    _set_preferences(staff, language, color_system)
    if districts is not None:
        chosen = _districts_named(districts)
        staff.district = chosen[0] if chosen else None
        StaffDistrict.delete().where(StaffDistrict.staff == staff).execute()
        for district in chosen:
            StaffDistrict.create(staff=staff, district=district)
    staff.save()
    audit(actor, "staff.set", "staff", staff.id, before, _staff_snapshot(staff))
    return staff


@operation
def set_own_preferences(actor: Staff, *, language: str | None = None, color_system: str | None = None) -> Staff:
    """A staff member's own language and colour depth (applied at the next start)."""
    staff = Staff.get_by_id(actor.id)
    before = _staff_snapshot(staff)
    _set_preferences(staff, language, color_system)
    staff.save()
    audit(actor, "staff.preferences", "staff", staff.id, before, _staff_snapshot(staff))
    return staff


@operation
def deactivate_staff(actor: Staff, login: str) -> Staff:
    """A staff member leaves: the login is refused from now on like an unknown one; the row and
    their name stay, so the history (audit, punches, logs) keeps saying who did what."""
    from .permissions import require

    require(actor, "staff.manage")
    staff = Staff.get_or_none(Staff.login == (login or "").strip())
    if staff is None:
        raise DomainError(_("Brugeren '{login}' findes ikke.").format(login=login), field="login")
    if not staff.active:
        raise DomainError(_("{name} ({login}) er allerede deaktiveret.").format(name=staff.name, login=staff.login), field="login")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
    if staff.role == "admin" and not _other_active_admins(staff):
        raise DomainError(_("Den sidste administrator kan ikke deaktiveres."), field="login")
    before = _staff_snapshot(staff)
    staff.active = False
    staff.save(only=[Staff.active])
    audit(actor, "staff.deactivate", "staff", staff.id, before, _staff_snapshot(staff))
    return staff
