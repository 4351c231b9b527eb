"""The app's web server: `streamlit run app.py`, with TCP_NODELAY on its listening socket.

    python -m dialogue.serve --server.port 8501 [any other `streamlit run` option]

Why not plain `streamlit run`: Streamlit 1.67 binds its listening socket itself with `socket.socket(family)`,
whose protocol number is 0, and asyncio enables TCP_NODELAY on an accepted connection only when that number is
IPPROTO_TCP (the same trap as uvicorn's pre-bound sockets, uvicorn issue 3149). Nagle's algorithm then holds
the body of every response on a kept-alive connection until the browser's delayed ACK, ~40 ms on Linux: each
of the ~120 code files a first visit loads, every GeoJSON, and the websocket's small frames. Measured on
this machine: a kept-alive `/_stcore/health` 44 ms without the option, 0.3 ms with it. Accepted connections
inherit the option from the listening socket on Linux, so setting it there once is enough.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app.py"


def enable_nodelay() -> bool:
    """Make Streamlit's server bind sockets with TCP_NODELAY; False when this Streamlit has no such binder
    (a later version may bind differently: tests/ops/test_serve.py then fails and says so)."""
    from streamlit.web.server.starlette import starlette_server

    bind = getattr(starlette_server, "_bind_socket", None)
    if bind is None or getattr(bind, "sets_nodelay", False):
        return bind is not None

    def bind_with_nodelay(address: str, port: int, backlog: int) -> socket.socket:
        sock = bind(address, port, backlog)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    bind_with_nodelay.sets_nodelay = True
    starlette_server._bind_socket = bind_with_nodelay
    return True


def enable_resident_static() -> bool:
    """Serve the frontend's hashed files (/static/…, immutable) from memory once each has been read.

    Streamlit 1.67 serves every file through Starlette's StaticFiles: a stat, an open and each 64 KB chunk
    are a trip through anyio's worker threads, about 1.5 ms of server CPU per small file on this machine —
    and a first visit loads ~120 of them, more than the script itself costs. Kept in memory (the files are
    package content, never change while the process runs, and a visit uses a few MB of them), a file costs
    the server a response object. Anything else (the index page, conditional or HEAD requests the first
    time, errors) goes the usual way. False when this Streamlit builds its static handler differently."""
    from starlette.datastructures import Headers
    from starlette.responses import FileResponse, Response
    from starlette.staticfiles import NotModifiedResponse
    from streamlit.web.server.starlette import starlette_static_routes as routes

    create = getattr(routes, "create_streamlit_static_handler", None)
    if create is None or getattr(create, "resident", False):
        return create is not None

    def create_resident(directory: str, base_url: str | None):
        handler = create(directory=directory, base_url=base_url)
        fetch, kept = handler.get_response, {}

        async def get_response(path: str, scope) -> Response:
            if scope["method"] == "GET" and path in kept:
                body, headers = kept[path]
                if handler.is_not_modified(headers, Headers(scope=scope)):
                    return NotModifiedResponse(headers)
                return Response(body, headers=headers)
            response = await fetch(path, scope)
            if (scope["method"] == "GET" and path.startswith("static" + os.sep) and response.status_code == 200
                    and isinstance(response, FileResponse)):
                kept[path] = (Path(response.path).read_bytes(), dict(response.headers))
            return response

        handler.get_response = get_response
        return handler

    create_resident.resident = True
    routes.create_streamlit_static_handler = create_resident
    return True


# ---- app processes on loopback ports, for the tests and the benchmark ----------------------------------------

# The browser the tests and the benchmark drive (Debian's Chromium; no network besides the app).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(warehouse: Path, *options: str, log=subprocess.DEVNULL, **env: str) -> tuple[subprocess.Popen, int]:
    """An app process serving `warehouse` on a free loopback port, headless; not yet waited for."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dialogue.serve", "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false", *options],
        cwd=APP.parent, env={**os.environ, "DIALOGUE_DB": str(warehouse), **env}, stdout=log,
        stderr=subprocess.STDOUT)
    return proc, port


def wait_healthy(proc: subprocess.Popen, port: int, seconds: float = 90) -> None:
    """Poll /_stcore/health until the process answers; raise if it exits or takes longer than `seconds`."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app process on port {port} exited with {proc.returncode}")
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the app process on port {port} did not start in {seconds:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


@contextmanager
def serving(warehouse: Path, *options: str, **env: str) -> Iterator[tuple[str, subprocess.Popen]]:
    """One app process for the duration of the block: (its base URL, the process). If it does not come up,
    the error carries the end of its output."""
    with tempfile.TemporaryFile() as log:
        proc, port = start(warehouse, *options, log=log, **env)
        try:
            try:
                wait_healthy(proc, port)
            except RuntimeError as e:
                log.seek(0)
                raise RuntimeError(f"{e}: {log.read().decode(errors='replace')[-2000:]}") from None
            yield f"http://127.0.0.1:{port}", proc
        finally:
            stop(proc)


def main(options: list[str]) -> int:
    from streamlit.web import cli

    enable_nodelay()
    if not os.environ.get("DIALOGUE_PLAIN_STATIC"):
        enable_resident_static()
    sys.argv = ["streamlit", "run", str(APP), *options]
    return cli.main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
