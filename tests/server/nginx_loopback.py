"""The fleet's real nginx configuration on loopback, for tests: the package's own renderer.

``docker/nginx.conf`` is rendered for Debian's nginx on ``127.0.0.1`` by
:mod:`phi_lab.server.nginx` (the same code ``phi_lab.server.fleet`` and the recipe in
docs/workers.md use); the tests and ``bench/bench_server.py`` import it through here.
"""

from __future__ import annotations

from phi_lab.server.nginx import (
    ACCESS_LOG,
    ERROR_LOG,
    PID_FILE,
    find_nginx,
    render_loopback,
    start_nginx,
    stop_nginx,
)

__all__ = ["ACCESS_LOG", "ERROR_LOG", "PID_FILE", "find_nginx", "render_loopback", "start_nginx", "stop_nginx"]
