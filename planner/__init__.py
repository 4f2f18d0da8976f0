"""Offline-mode licence reservation planner for Cisco estates."""

__version__ = "0.1.0"
