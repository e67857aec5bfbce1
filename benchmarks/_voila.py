"""One launcher for the tests and benchmarks: Voila (or any Jupyter server) and Chromium.

``tests/test_browser.py`` and ``benchmarks/bench_explorer.py`` both start the explorer app
(``apps/explorer.ipynb``) exactly as ``make explore`` does (:func:`voila_server`, with the
command of :func:`hinge_utils.widgets.app.voila_command`: 127.0.0.1 only, token authentication
on) and drive
Debian's ``/usr/bin/chromium`` through Playwright (:func:`chromium`). ``tests/test_project.py``
starts ``make lab``'s JupyterLab with the same :func:`serve`.

Why here and not in ``hinge_utils/widgets/``: Chromium is driven through Playwright, which only
the tests install (the ``test`` extra), and the library's wheel carries nothing that only its
tests and benchmarks use. The benchmark scripts import this module by its bare name (a script's
folder comes first on ``sys.path``); the tests put ``benchmarks/`` on ``sys.path``.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "APP_NOTEBOOK",
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "EXPLORER_NOTEBOOK",
    "ServerError",
    "chromium",
    "free_port",
    "kernel_alive",
    "page_kernel_id",
    "missing_browser_stack",
    "require_browser_stack",
    "serve",
    "voila_server",
]

ROOT = Path(__file__).resolve().parents[1]
APP_NOTEBOOK = ROOT / "apps" / "explorer.ipynb"
"""What ``make explore`` serves: the explorers in tabs, on one screen."""
EXPLORER_NOTEBOOK = ROOT / "notebooks" / "08_margin_explorer.ipynb"
"""The explorer lesson, prose included."""
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed as root in a container
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class ServerError(RuntimeError):
    """Voila exited, or did not answer in time; the message holds its log."""


def missing_browser_stack(modules: tuple[str, ...] = ("voila", "playwright")) -> list[str]:
    """What a browser run lacks, each with its fix; empty when Chromium and the Python
    ``modules`` (Voila and Playwright by default) are all there."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (Debian's browser: apt-get install -y chromium)")
    for module in modules:
        if importlib.util.find_spec(module) is None:
            missing.append(f"the Python package {module} (make venv installs it)")
    return missing


def require_browser_stack(what: str, modules: tuple[str, ...] = ("voila", "playwright")) -> None:
    """In a test: skip with the fix when the browser stack is missing, but fail under
    ``CI=true`` (``.ci/run`` provides it, so a browser test never skips in CI)."""
    import pytest

    missing = missing_browser_stack(modules)
    if not missing:
        return
    reason = f"{what} need " + " and ".join(missing)
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI=true: .ci/run must provide it, these tests never skip in CI")
    pytest.skip(reason)


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop(process: subprocess.Popen) -> None:
    """Stop the server and everything it started (its kernels): the whole process group."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def _wait_until_answering(name: str, base: str, process: subprocess.Popen, log_path: Path,
                          seconds: float) -> None:
    """Return once the server answers HTTP (any status: without the token it refuses)."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            raise ServerError(f"{name} exited with {process.returncode}:\n{log_path.read_text()}")
        try:
            urllib.request.urlopen(urllib.request.Request(base + "/", method="HEAD"), timeout=2)
        except urllib.error.HTTPError:
            return  # it answered: a redirect to its login page, or a refusal
        except OSError:
            if time.monotonic() > deadline:
                raise ServerError(
                    f"{name} did not answer within {seconds:g} s:\n{log_path.read_text()}"
                ) from None
            time.sleep(0.2)
        else:
            return


@contextmanager
def serve(name: str, command: list[str], port: int, log_path: str | os.PathLike[str],
          start_seconds: float = 60.0) -> Iterator[str]:
    """Run a server ``command`` that listens on ``port`` of 127.0.0.1; yield its base URL.

    Its output goes to ``log_path``. It runs in its own process group, stopped as a whole on
    leaving (SIGTERM, then SIGKILL after 15 s), so whatever it started (kernels) goes with it. If
    it exits or does not answer within ``start_seconds``, :class:`ServerError` says so, naming
    it ``name``, with the log.
    """
    log = Path(log_path)
    with open(log, "wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_until_answering(name, base, process, log, start_seconds)
        yield base
    finally:
        _stop(process)


@contextmanager
def voila_server(
    notebook: str | os.PathLike[str] = APP_NOTEBOOK,
    *,
    log_path: str | os.PathLike[str] | None = None,
    start_seconds: float = 60.0,
    cull: tuple[int, int] | None = None,
) -> Iterator[str]:
    """Serve ``notebook`` as ``make explore`` does; yield its URL, token included.

    The server gets a free port of 127.0.0.1, a fresh token and a log at ``log_path`` (a
    temporary file if None); see :func:`serve` for the start and the stop. ``cull``, if given,
    is ``(idle seconds, interval seconds)`` of the kernel culling, in place of ``make
    explore``'s, so that a test sees it act within seconds.
    """
    from hinge_utils.widgets.app import voila_command

    with tempfile.TemporaryDirectory(prefix="voila-") as scratch:
        log = Path(log_path) if log_path is not None else Path(scratch) / "voila.log"
        port, token = free_port(), secrets.token_hex(16)
        extra = {} if cull is None else {"cull_idle_seconds": cull[0],
                                         "cull_interval_seconds": cull[1]}
        command = voila_command(notebook, port=port, token=token, open_browser=False, **extra)
        with serve("voila", command, port, log, start_seconds) as base:
            yield f"{base}/?token={token}"


def page_kernel_id(page: Any) -> str:
    """The id of the kernel behind a Voila page (its ``jupyter-config-data``)."""
    return str(page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"))


def kernel_alive(app_url: str, kernel_id: str) -> bool:
    """Whether the server behind ``app_url`` still runs kernel ``kernel_id``.

    Asks the server's kernel API (``GET /api/kernels/<id>``, authenticated by the token of
    ``app_url``): 200 with the kernel's model while it runs, 404 once it is shut down. Voila
    serves no list of kernels, so each page's kernel is asked for by its id.
    """
    base, _, query = app_url.partition("?")
    url = f"{base.rstrip('/')}/api/kernels/{kernel_id}?{query}"
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return bool(response.status == 200)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return False
        raise


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright (no browser is downloaded); yields the
    Playwright ``Browser``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
