"""The web reader: FastAPI + Jinja over :mod:`counterclaim.api` (never around it)."""

from counterclaim.web.app import create_app

__all__ = ["create_app"]
