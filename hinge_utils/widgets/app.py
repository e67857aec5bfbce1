"""Serve the explorer notebook as a classroom app with Voila: ``python -m hinge_utils.widgets.app``.

Voila runs the notebook in a fresh kernel per page and shows only its outputs: the explorers,
without code. The command this module builds is the one ``make explore``, the browser test and
the benchmark all use:

* it listens on 127.0.0.1 only, with token authentication on (Voila's default is no token at
  all); the URL it prints carries the token;
* it shuts down kernels idle for 20 minutes, checked every minute, even with a page still
  connected (``MappingKernelManager.cull_*``): Voila asks for a shutdown when a page closes, but
  a browser that crashes or sleeps never sends it.

Voila, unlike JupyterLab, has no ``--allow-root`` option and runs as root without one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = ["CULL_IDLE_SECONDS", "DEFAULT_NOTEBOOK", "voila_command"]

DEFAULT_NOTEBOOK = Path("notebooks") / "08_margin_explorer.ipynb"
"""The explorer lesson, relative to the repository root."""

CULL_IDLE_SECONDS = 1200
"""A kernel idle this long (20 minutes) is shut down; reloading the page starts a new one."""


def voila_command(
    notebook: str | os.PathLike[str] = DEFAULT_NOTEBOOK,
    port: int | None = None,
    token: str | None = None,
    open_browser: bool = True,
) -> list[str]:
    """The ``voila`` command line that serves ``notebook`` on 127.0.0.1 with a token.

    Args:
        notebook: the notebook to serve.
        port: the port; None lets Voila pick (8866, or the next free one).
        token: the token; None makes Voila generate one and print the URL with it.
        open_browser: open the URL in the default browser once the server runs.

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
    command += [
        f"--MappingKernelManager.cull_idle_timeout={CULL_IDLE_SECONDS}",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_connected=True",
    ]
    return command


def main(argv: list[str] | None = None) -> None:
    """Replace this process by Voila serving the notebook given (default: the explorer lesson)."""
    args = sys.argv[1:] if argv is None else argv
    notebook = Path(args[0]) if args else DEFAULT_NOTEBOOK
    if not notebook.is_file():
        sys.exit(f"no notebook at {notebook}: run this from the repository root, or pass its path")
    command = voila_command(notebook)
    sys.stderr.write(" ".join(["python", *command[1:]]) + "\n")
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
