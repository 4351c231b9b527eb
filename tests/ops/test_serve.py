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
