"""The HTTP worker: the same package served by FastAPI, replicated behind nginx.

``create_app(settings)`` builds the app; ``serve(settings)`` runs it under uvicorn with a
graceful drain on SIGTERM; :class:`Settings` reads the environment.
"""

from __future__ import annotations

from phi_lab.server.app import create_app
from phi_lab.server.runner import serve
from phi_lab.server.settings import Settings

__all__ = ["Settings", "create_app", "serve"]
