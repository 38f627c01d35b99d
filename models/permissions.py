"""Who may do what: one table of actions and the roles that may do them (issue #11, item 4).

Every role rule in the TUI and the CLI asks :func:`can` (to show or hide a
key) or :func:`require` (inside the operation, which is what really decides).
An admin may do everything. Issues add their actions to :data:`ACTIONS`.
"""
from __future__ import annotations

from .base import DomainError
from .i18n import _

ROLE_LABELS = {"terapeut": "terapeut", "leder": "leder", "admin": "administrator"}

# action -> the roles (besides admin) that may do it
ACTIONS: dict[str, tuple[str, ...]] = {
    "staff.manage": (),
    "district.manage": (),
    "budget.set": ("leder",),
    "pool.move": ("leder",),
    "admission.override": ("leder",),
    "reassessment.interval": ("leder",),
    "agreement.write": ("leder",),
    "export": ("leder",),
    "import": ("leder",),
    "backup": ("leder",),
    "settings.write": ("leder",),
    "signup.override": ("leder",),
    # issue #13: follow-up on use
    "followup.view": ("leder",),
    # issue 14: programmes (budget, lines, expenses, enrolment, results, planning a café) and café attendance
    "programme.write": ("leder",),
    "programme.attendance": ("terapeut", "leder"),
    # issue 16: printed cards and paper lists
    "card.print": ("terapeut", "leder"),
    "card.replace": ("terapeut", "leder"),
    "card.setup": ("leder",),
    # issue #10: cirkel check
    "database.check": ("leder",),
    # issue 19: the period's evaluation (screen, summary and workbook)
    "evaluation": ("leder",),
    # issue #12: data protection
    "log.read": ("leder",),
    "log.review": ("leder",),
    "retention.apply": ("leder",),
    "insight": ("leder",),
}


def allowed(actor, roles: tuple[str, ...]) -> bool:
    """The one role rule: an admin may do everything, anyone else when their role is in ``roles``."""
    return actor is not None and (actor.role == "admin" or actor.role in roles)


def can(actor, action: str) -> bool:
    """True when ``actor`` may do ``action`` (an unknown action is a programming error)."""
    return allowed(actor, ACTIONS[action])


def require(actor, action: str) -> None:
    """Refuse with a Danish line naming who may do it."""
    require_roles(actor, ACTIONS[action])


def require_roles(actor, roles: tuple[str, ...]) -> None:
    """Refuse unless :func:`allowed`; for rules whose roles are data (a setting, a destination)."""
    if allowed(actor, roles):
        return
    names = [role_label(r) for r in roles if r != "admin"] + [role_label("admin")]
    you = role_label(getattr(actor, "role", "")) or getattr(actor, "role", "?")
    raise DomainError(_("Kun {names} må gøre dette (du er {you}).").format(names=_(" eller ").join(names), you=you))


def role_label(role: str) -> str:
    """A role in the user's language (ROLE_LABELS keeps the Danish words)."""
    return {"terapeut": _("terapeut"), "leder": _("leder"), "admin": _("administrator")}.get(role, role)
