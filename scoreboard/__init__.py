"""Scoreboard: a self-hosted live feedback scoreboard for talks."""

__version__ = "0.1.0"
