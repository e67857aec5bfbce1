"""Serve the explorer app with Voila: ``python -m hinge_utils.widgets.app``.

``make explore`` serves ``apps/explorer.ipynb`` (:data:`DEFAULT_NOTEBOOK`): the explorers of
lesson 8 in tabs, laid out for one projector screen (:mod:`hinge_utils.widgets.app_view`). Voila
runs the notebook in a fresh kernel per page and shows only its outputs. The command this module
builds is the one ``make explore``, the browser test and the benchmark all use:

* it listens on 127.0.0.1 only, with token authentication on (Voila's default is no token at
  all); the URL it prints carries the token;
* one kernel per open page: a kernel that no page is connected to is shut down once it has been
  idle for :data:`CULL_IDLE_SECONDS`, checked every :data:`CULL_INTERVAL_SECONDS`
  (``MappingKernelManager.cull_connected=False``). Reloading the page, closing it, or a browser
  that crashes or sleeps closes the page's connection, and its kernel (about 325 MB) goes
  within a minute. Voila's own request to shut a kernel down when a page closes is refused
  by the server for want of an XSRF cookie; the culling does not depend on it. A page still
  open keeps its kernel however long the lecturer pauses.

Voila, unlike JupyterLab, has no ``--allow-root`` option and runs as root without one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CULL_IDLE_SECONDS", "CULL_INTERVAL_SECONDS", "DEFAULT_NOTEBOOK", "voila_command"]

DEFAULT_NOTEBOOK = Path("apps") / "explorer.ipynb"
"""The explorer app, relative to the repository root."""

CULL_IDLE_SECONDS = 30
"""A kernel with no page connected, idle this long, is shut down."""

CULL_INTERVAL_SECONDS = 10
"""How often the server looks for such kernels."""


def voila_command(
    notebook: str | os.PathLike[str] = DEFAULT_NOTEBOOK,
    port: int | None = None,
    token: str | None = None,
    open_browser: bool = True,
    cull_idle_seconds: int = CULL_IDLE_SECONDS,
    cull_interval_seconds: int = CULL_INTERVAL_SECONDS,
) -> list[str]:
    """The ``voila`` command line that serves ``notebook`` on 127.0.0.1 with a token.

    Args:
        notebook: the notebook to serve.
        port: the port; None lets Voila pick (8866, or the next free one).
        token: the token; None makes Voila generate one and print the URL with it.
        open_browser: open the URL in the default browser once the server runs.
        cull_idle_seconds: shut down a kernel with no page connected after this long idle.
        cull_interval_seconds: look for such kernels this often.

    Returns:
        The argument list, starting with this Python running ``-m voila``.

    Example::

        >>> cmd = voila_command("lesson.ipynb", port=8899, token="abc", open_browser=False)
        >>> cmd[1:4], "--token=abc" in cmd, "--Voila.ip=127.0.0.1" in cmd
        (['-m', 'voila', 'lesson.ipynb'], True, True)
    """
    if token is not None and not token:
        raise ValueError(
            "token must not be empty: an empty token turns authentication off; "
            "pass token=None to let Voila generate one"
        )
    command = [sys.executable, "-m", "voila", os.fspath(notebook), "--Voila.ip=127.0.0.1"]
    command.append("--token" if token is None else f"--token={token}")
    if port is not None:
        command += [f"--port={port}", "--Voila.port_retries=0"]
    if not open_browser:
        command.append("--no-browser")
    if cull_idle_seconds <= 0 or cull_interval_seconds <= 0:
        raise ValueError(
            f"cull_idle_seconds and cull_interval_seconds must be positive; got "
            f"{cull_idle_seconds} and {cull_interval_seconds}: 0 turns culling off, and every "
            "reload would leave a kernel running"
        )
    command += [
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_interval_seconds}",
        "--MappingKernelManager.cull_connected=False",
    ]
    return command


def main(argv: list[str] | None = None) -> None:
    """Replace this process by Voila serving the notebook given (default: the explorer app)."""
    args = sys.argv[1:] if argv is None else argv
    notebook = Path(args[0]) if args else DEFAULT_NOTEBOOK
    if not notebook.is_file():
        sys.exit(f"no notebook at {notebook}: run this from the repository root, or pass its path")
    command = voila_command(notebook)
    sys.stderr.write(" ".join(["python", *command[1:]]) + "\n")
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
