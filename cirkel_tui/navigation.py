"""The one registry of places and global actions.

The App's key bindings, the command palette and the help screen are all made
from these two lists, so keys, palette and help cannot drift apart. A new
screen adds one ``Destination``; a new global action one ``GlobalAction``.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable

from models.i18n import _


@dataclass(frozen=True)
class Destination:
    id: str  # the Textual mode name
    title: str
    keys: str  # Textual key list, e.g. "o,f4"
    screen: str  # "module:Class", imported on first use
    help: str
    roles: tuple[str, ...] = ()  # empty: everybody

    @property
    def binding_id(self) -> str:
        """The App binding's stable id, for the [keys] table (issue #15, item 7)."""
        return f"goto-{self.id}"

    def factory(self) -> Callable:
        module, cls = self.screen.split(":")
        return getattr(importlib.import_module(module), cls)


@dataclass(frozen=True)
class GlobalAction:
    id: str
    title: str
    keys: str
    action: str  # the App action, without "app."
    help: str

    @property
    def binding_id(self) -> str:
        """The App binding's stable id, for the [keys] table (issue #15, item 7)."""
        return self.id.replace("_", "-")


DESTINATIONS: list[Destination] = [
    Destination("overblik", _("Overblik"), "o,f4", "screens.dashboard:DashboardScreen",
                _("Puljer, deltagere, ventelister og de næste fællesture pr. distrikt.")),
    Destination("borgere", _("Borgere"), "b,f3", "screens.citizens:CitizensScreen",
                _("Søg borgere; se kort, klip, aftaler og historik.")),
    Destination("aftaler", _("Aftaler"), "a", "screens.agreements:AgreementsScreen",
                _("Aftaler om mere end 10 klip ad gangen (leder)."), roles=("leder",)),
    # --- issue 4: the path into the scheme and back out
    Destination("screening", _("Screening"), "s,f6", "screens.screening:ScreeningScreen",
                _("Screen en borger (målgruppe, baseline) og optag eller sæt på venteliste.")),
    Destination("venteliste", _("Venteliste"), "v,f7", "screens.waitlist:WaitlistScreen",
                _("Ventelisten pr. distrikt; optag den øverste, når der er plads ledig.")),
    Destination("revurdering", _("Revurdering"), "r,f8", "screens.reassessment:ReassessmentScreen",
                _("Deltagere der skal revurderes: nyt klippekort eller afslut. Pause og genoptag.")),
    Destination("resultater", _("Resultater"), "m", "screens.outcomes:OutcomesScreen",
                _("Netværk, WHO-5 og UCLA-3: baseline mod seneste opfølgning pr. distrikt og borger.")),
    Destination("puljer", _("Puljer"), "p,f9", "screens.pools:PoolsScreen",
                _("Årets puljer pr. distrikt i klip og kroner, budget og flytning af klip.")),
    Destination("distrikter", _("Distrikter"), "d", "screens.districts:DistrictsScreen",
                _("Distrikter og antal hjemmehjælpsmodtagere, som puljerne fordeles efter."), roles=("admin",)),
    # issue 6: outings and the catalogue
    Destination("faellesture", _("Fællesture"), "f,f10", "screens.events:EventsScreen",
                _("Kommende og afholdte fællesture: tilmelding, venteliste, fremmøde og deltagerliste.")),
    Destination("katalog", _("Katalog"), "c", "screens.catalogue:CatalogueScreen",
                _("Katalogets tilbud med kategori og foreslåede klip; borgernes egne idéer.")),
    Destination("eksport", _("Eksport"), "e,f11", "screens.excel:ExportScreen",
                _("Excel-dokumentationen for en måned eller et år: Klippekort, Klip, Puljer og Aftaler."),
                roles=("leder",)),
    Destination("import", _("Import"), "i", "screens.excel:ImportScreen",
                _("Indlæs et regneark med klippekort (arket Klippekort); vis først hvad der oprettes."),
                roles=("leder",)),
    # issue #13: follow-up on use
    Destination("opfoelgning", _("Opfølgning"), "w", "screens.followup:FollowUpScreen",
                _("Stille kort, længe åbne kort, ingen kontakt og forbrug mod årets gang pr. distrikt (leder)."),
                roles=("leder",)),
    # issue 14: the Ishøj programmes (R13)
    Destination("projekter", _("Projekter"), "j", "screens.programmes:ProgrammesScreen",
                _("Puljefinansierede projekter: budget, linjer, forbrug, tilmeldte, ugentlig café og resultater.")),
    # issue 16: the printed klippekort
    Destination("udskrivning", _("Udskrivning"), "y", "screens.printing:PrintQueueScreen",
                _("Kort til udskrivning og udlevering: udskriv dem som PDF (fire pr. ark, med stregkode).")),
    # issue 19: the period's evaluation
    Destination("evaluering", _("Evaluering"), "E", "screens.evaluation:EvaluationScreen",
                _("Periodens resultater som planens mål, pr. distrikt og i alt (leder)."), roles=("leder",)),
    # issue #12: data protection
    Destination("log", _("Log"), "L", "screens.logs:LogScreen",
                _("Adgangs- og revisionsloggen: hvem så hvem, hvornår og hvorfor; s: logopfølgning (stikprøver)."),
                roles=("leder",)),
    Destination("medarbejdere", _("Medarbejdere"), "M", "screens.staff:StaffScreen",
                _("Medarbejdere, roller, distrikter og sprog (admin); dine egne indstillinger (sprog, farver).")),
]

GLOBAL_ACTIONS: list[GlobalAction] = [
    GlobalAction("help", _("Hjælp"), "f1,question_mark", "help", _("Vis alle taster.")),
    GlobalAction("quick_punch", _("Registrér klip"), "f2,k", "quick_punch",
                 _("Borger, antal klip, aktivitet, Enter (k uden for tekstfelter).")),
    GlobalAction("undo_punch", _("Fortryd klip"), "u", "undo_punch",
                 _("Tilbagefør det klip, du lige har registreret.")),
    GlobalAction("palette", _("Kommandoer"), "ctrl+p", "command_palette", _("Søg blandt alle skærme og handlinger.")),
    GlobalAction("theme", _("Lyst/mørkt tema"), "ctrl+t", "toggle_theme", _("Skift mellem lyst og mørkt tema.")),
    GlobalAction("quit", _("Afslut"), "ctrl+q", "quit", _("Luk Cirkel.")),
]


def destination(dest_id: str) -> Destination:
    for dest in DESTINATIONS:
        if dest.id == dest_id:
            return dest
    raise KeyError(dest_id)


def key_label(keys: str) -> str:
    labels = {"question_mark": "?", "escape": "Esc", "enter": "Enter", "minus": "-", "plus": "+", "delete": "Delete"}
    parts = []
    for key in keys.split(","):
        key = key.strip()
        label = labels.get(key, key)
        if label.startswith("f") and label[1:].isdigit():
            label = label.upper()
        elif label.startswith("ctrl+"):
            label = "Ctrl+" + label[5:].upper()
        parts.append(label)
    return " / ".join(parts)
