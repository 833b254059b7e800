"""The API's documentation pages, ``/docs`` (Swagger UI) and ``/redoc``, with every file served by the worker.

FastAPI's own pages load Swagger UI and ReDoc from a CDN, so on a machine without internet they
are blank.  This is FastAPI's "self-hosting JavaScript and CSS for docs" recipe, with the files
that the ``fastapi-offline`` package ships (Swagger UI 5, Apache-2.0; ReDoc 2, MIT) mounted at
:data:`DOCS_ASSETS`.  A Content-Security-Policy keeps both pages on this worker even on a
connected machine: ReDoc's footer logo, the one thing it would fetch from elsewhere, is refused
and simply not shown.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

__all__ = ["DOCS_ASSETS", "DOCS_POLICY", "add_docs"]

#: Where ``/docs`` and ``/redoc`` load their scripts, styles and icon from (this worker, not a CDN).
DOCS_ASSETS = "/docs/assets"
#: Everything the docs pages load comes from this worker (inline scripts and styles are the
#: pages' own; ``data:`` and ``blob:`` are images and ReDoc's search worker, made in the page).
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; frame-ancestors 'self'"
)


def add_docs(app: FastAPI) -> None:
    """Serve ``/docs``, ``/redoc`` and their files on ``app``, which was made with ``docs_url=None, redoc_url=None``."""
    app.mount(DOCS_ASSETS, StaticFiles(packages=[("fastapi_offline", "static")]), name="docs-assets")
    openapi_url = app.openapi_url or "/openapi.json"

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_swagger_ui_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}{DOCS_ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{root}{DOCS_ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            swagger_ui_parameters=app.swagger_ui_parameters,
        )
        page.headers["Content-Security-Policy"] = DOCS_POLICY
        return page

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        page = get_redoc_html(
            openapi_url=root + openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}{DOCS_ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{root}{DOCS_ASSETS}/favicon.png",
            with_google_fonts=False,
        )
        page.headers["Content-Security-Policy"] = DOCS_POLICY
        return page
