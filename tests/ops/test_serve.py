"""The app's server sets TCP_NODELAY (dialogue.serve): without it every response on a kept-alive connection
waits ~40 ms for the browser's delayed ACK."""

from __future__ import annotations

import socket

from streamlit.web.server.starlette import starlette_server

from dialogue import serve


def test_streamlit_binds_through_the_function_we_wrap():
    # If a Streamlit upgrade renames or drops its binder, this fails: check whether the new version sets
    # TCP_NODELAY itself before removing dialogue.serve's wrapper.
    assert serve.enable_nodelay()
    assert getattr(starlette_server._bind_socket, "sets_nodelay", False)


def test_wrapping_twice_wraps_once():
    serve.enable_nodelay()
    wrapped = starlette_server._bind_socket
    serve.enable_nodelay()
    assert starlette_server._bind_socket is wrapped


def test_accepted_connections_have_nodelay():
    serve.enable_nodelay()
    listener = starlette_server._bind_socket("127.0.0.1", 0, 8)
    listener.setblocking(True)
    try:
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
        # What the app relies on: a connection accepted from it inherits the option (asyncio would not set it,
        # the listener's protocol number being 0).
        assert listener.proto == 0
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()


def test_a_plain_socket_of_the_same_kind_lacks_it():
    # The control: without the wrapper the accepted connection has Nagle's algorithm on.
    with socket.socket(socket.AF_INET) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        with socket.create_connection(listener.getsockname()):
            accepted, _ = listener.accept()
            with accepted:
                assert not accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)


# ---- the frontend's files from memory --------------------------------------------------------------------------

def _get(app, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET through an ASGI app, as the server would pass it: (status, headers, body)."""
    import asyncio
    import concurrent.futures

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    sent, asked = [], []

    async def receive():   # the request, then (as a server would) a disconnect once the answer is complete
        asked.append(1)
        if len(asked) == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        while not any(m["type"] == "http.response.body" and not m.get("more_body") for m in sent):
            await asyncio.sleep(0.001)
        return {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    # In a thread of its own: a worker that ran a browser test may have an event loop running in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, app(scope, receive, send)).result()
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


def test_the_frontend_files_come_from_memory_with_the_same_bytes_and_headers(monkeypatch, tmp_path):
    """A hashed file is read once, then answered from memory: same body, same headers (long-lived caching), a
    304 for a browser that has it; the index page is never kept (it must not be cached)."""
    from streamlit.web.server.starlette import starlette_static_routes as routes

    site = tmp_path / "static"
    (site / "static" / "js").mkdir(parents=True)
    (site / "index.html").write_text("<html>one</html>")
    code = site / "static" / "js" / "main.abc123.js"
    code.write_text("console.log(1)")
    monkeypatch.setattr(routes, "create_streamlit_static_handler", routes.create_streamlit_static_handler)
    plain = routes.create_streamlit_static_handler(str(site), None)
    assert serve.enable_resident_static()
    resident = routes.create_streamlit_static_handler(str(site), None)

    first = _get(resident, "/static/js/main.abc123.js")
    code.write_text("console.log(2)")   # not what happens in a served package: shows the second answer is kept
    second = _get(resident, "/static/js/main.abc123.js")
    assert first[0] == second[0] == 200 and first[2] == second[2] == b"console.log(1)"
    assert first[1] == second[1] and "immutable" in second[1]["cache-control"]
    assert _get(plain, "/static/js/main.abc123.js")[2] == b"console.log(2)"
    assert _get(resident, "/static/js/main.abc123.js", {"If-None-Match": first[1]["etag"]})[0] == 304
    assert _get(resident, "/")[2] == b"<html>one</html>"
    (site / "index.html").write_text("<html>two</html>")
    assert _get(resident, "/") == (200, _get(resident, "/")[1], b"<html>two</html>")
    assert _get(resident, "/static/js/missing.js")[2] == b"<html>two</html>"   # Streamlit's own fallback


def test_resident_serving_wraps_once(monkeypatch):
    from streamlit.web.server.starlette import starlette_static_routes as routes

    monkeypatch.setattr(routes, "create_streamlit_static_handler", routes.create_streamlit_static_handler)
    assert serve.enable_resident_static()
    wrapped = routes.create_streamlit_static_handler
    assert serve.enable_resident_static() and routes.create_streamlit_static_handler is wrapped
