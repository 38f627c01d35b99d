"""Need-to-know (issue #12): a terapeut works on the citizens of their own district(s).

A search still finds everybody, but a citizen of another district is shown as
just that (name, masked CPR, district); opening or punching them needs a
reason, which goes into the access log with the read ("break the glass").
Leder and admin see all. A citizen without a district (a screening in
progress) is open to every staff member.
"""
from __future__ import annotations

from .base import DomainError, built_sql, db, log_access
from .entities import Citizen, District, Staff, StaffDistrict
from .i18n import _
from .inputs import clean_text

SEE_ALL_ROLES = ("leder", "admin")


class NeedsReason(DomainError):
    """The citizen belongs to another district: a reason is needed to go on."""

    def __init__(self, citizen_name: str, district: str):
        super().__init__(
            _("{citizen_name} hører til distrikt {district}, som ikke er dit. Angiv en begrundelse for at åbne borgeren; den skrives i adgangsloggen.").format(citizen_name=citizen_name, district=district), field="reason")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)
        self.district = district


def staff_district_ids(staff: Staff) -> set[int]:
    """The districts ``staff`` works in: their ``staff_district`` rows and their primary district.

    Read on every punch by a terapeut (:func:`check_reason`): its SQL is built once (issue #17).
    """
    sql = built_sql("staff_district_ids", lambda: StaffDistrict.select(StaffDistrict.district)
                    .where(StaffDistrict.staff == 0))
    ids = {d for (d,) in db.execute_sql(sql, (staff.id,))}
    if staff.district_id is not None:
        ids.add(staff.district_id)
    return ids


def district_ids(actor: Staff) -> set[int] | None:
    """The districts ``actor`` works in; None when they see all (leder, admin)."""
    if actor is None or actor.role in SEE_ALL_ROLES:
        return None
    return staff_district_ids(actor)


def district_names(staff: Staff) -> list[str]:
    ids = staff_district_ids(staff)
    if not ids:
        return []
    return [name for (name,) in District.select(District.name).where(District.id.in_(list(ids)))
            .order_by(District.name).tuples()]


def own_district(visible: set[int] | None, district_id: int | None) -> bool:
    """True when a citizen of ``district_id`` is within ``visible`` (see :func:`district_ids`)."""
    return visible is None or district_id is None or district_id in visible


def require_own_district(actor: Staff | None, district) -> None:
    """A list of one district's citizens (waitlist, reassessment, results) is for those who work there.

    A terapeut asking for another district's list is refused (leder and admin
    see all); the search still finds that district's citizens, and opening one
    asks for a reason (break the glass).
    """
    visible = district_ids(actor) if actor is not None else None
    if visible is None or district is None:
        return
    district_id = district.id if isinstance(district, District) else district
    if not isinstance(district_id, int):
        row = District.get_or_none(District.name == str(district))
        district_id = row.id if row is not None else None
    if district_id is not None and not own_district(visible, district_id):
        name = District.get_by_id(district_id).name
        raise DomainError(_("Du arbejder ikke i distrikt {name}; dets lister er for medarbejdere i distriktet (en leder ser alle). Søg borgeren under Borgere, hvis du har en grund.").format(name=name), field="district")  # noqa: E501 - a msgid stays one literal (tests/domain/test_i18n.py)


def may_see(actor: Staff, citizen: Citizen) -> bool:
    return own_district(district_ids(actor), citizen.district_id)


def check_reason(actor: Staff, citizen: Citizen, reason: str | None) -> str:
    """'' when ``actor`` may see ``citizen``; else the cleaned reason, or :class:`NeedsReason`."""
    if may_see(actor, citizen):
        return ""
    if not (reason or "").strip():
        district = District.get_by_id(citizen.district_id).name
        raise NeedsReason(citizen.name, district)
    return clean_text(reason, "reason", kind="reason", label=_("Begrundelsen"))


def log_read(actor: Staff, action: str, citizen: Citizen, purpose: str, *, criterion: str | None = None,
             reason: str | None = None) -> None:
    """Log a read of ``citizen`` after the need-to-know check (a reason is logged with the row)."""
    why = check_reason(actor, citizen, reason)
    if why:
        criterion = (f"{criterion}; " if criterion else "") + f"andet distrikt, begrundelse: {why}"
    log_access(actor, action, citizen=citizen, criterion=criterion, purpose=purpose)
