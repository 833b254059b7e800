"""The browser tests' fixtures: a headless chromium page, a JupyterLab server, a worker (all on loopback).

Every process (chromium, ``jupyter lab`` and its kernels, the worker) is ended in the
fixture's teardown, also on failure.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("playwright.sync_api", reason="the browser tests need playwright (the 'test' extra)")

from playwright.sync_api import ConsoleMessage, sync_playwright

from tests.browser.pages import CHROMIUM, CHROMIUM_ARGS, BrowserPage, JupyterLab, stop_session, wait_lab_ready
from tests.server.processes import Worker, free_port, start_workers, stop_workers


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    """Where screenshots go: ``$PHI_LAB_ARTIFACTS`` if set, else the test's ``tmp_path``."""
    folder = Path(os.environ.get("PHI_LAB_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser_page() -> Iterator[BrowserPage]:
    """A fresh page of a headless chromium (1400×1000), its console errors collected."""
    with sync_playwright() as playwright:  # on exit: the driver stops, and any browser it still runs
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.set_default_timeout(30_000)
            result = BrowserPage(page)

            def on_console(message: ConsoleMessage) -> None:
                if message.type == "error":
                    result.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

            page.on("console", on_console)
            yield result
        finally:
            browser.close()


@pytest.fixture
def jupyterlab(tmp_path: Path) -> Iterator[JupyterLab]:
    """A JupyterLab server on ``127.0.0.1`` serving ``tmp_path / "notebooks"`` (empty at first).

    Its configuration, data, runtime, settings and workspaces live under ``tmp_path``, so the
    user's own JupyterLab setup neither leaks in nor is touched (the environment's kernel spec
    and widget extension, under ``sys.prefix``, are still found); news and update checks are
    off, and every cell stays in the page (``windowingMode: none``), so the page's text is the
    whole notebook's.  Kernels run with ``PHI_LAB_DEVICE=cpu``.
    """
    root, home = tmp_path / "notebooks", tmp_path / "jupyter"
    settings = home / "lab-settings" / "@jupyterlab"
    for folder in (root, settings / "apputils-extension", settings / "notebook-extension"):
        folder.mkdir(parents=True)
    (settings / "apputils-extension" / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False})
    )
    (settings / "notebook-extension" / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    environ = {key: value for key, value in os.environ.items() if not key.startswith(("PHI_LAB_", "JUPYTER"))}
    environ.update(
        {
            "PHI_LAB_DEVICE": "cpu",
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings.parent),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "IPYTHONDIR": str(home / "ipython"),
            "MPLCONFIGDIR": str(home / "matplotlib"),
        }
    )
    port, token = free_port(), secrets.token_hex(16)
    command = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    log = tmp_path / "jupyterlab.log"
    with log.open("wb") as output:
        # A session of its own, so that teardown can end the server and every kernel it started.
        proc = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environ,
            start_new_session=True,
        )
    lab = JupyterLab(proc, port, token, root, log)
    try:
        wait_lab_ready(lab)
        yield lab
    finally:
        stop_session(proc)


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[Worker]:
    """One real ``phi-lab serve`` on a free port of 127.0.0.1 (``PHI_LAB_DEVICE=cpu``), stopped after the test."""
    (started,) = start_workers(1, tmp_path)
    try:
        yield started
    finally:
        stop_workers([started])
