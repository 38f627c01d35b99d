"""Cirkel — the terminal application for a municipal klippekort scheme."""

__version__ = "0.1.0"
