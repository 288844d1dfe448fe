"""Example HoardRun service on datalayer (see README.md)."""

from .app import create_app

__all__ = ["create_app"]
