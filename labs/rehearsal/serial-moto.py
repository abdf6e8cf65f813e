"""moto's server, answering one request at a time.

moto's backends are plain dicts without locks (its docs say the server is not meant for
concurrent use), and `python3 -m moto.server` serves each request on its own thread. The
real AWS provider sends up to ten requests at once; on a loaded machine two of them
interleave inside one backend and terraform sees errors AWS would never send (a role
"already exists" that it created once). Rehearsals start this instead: the same WSGI
application behind one lock, the response body read while the lock is held.

Usage: python3 serial-moto.py HOST PORT
"""

import os
import signal
import sys
import threading

from werkzeug.serving import run_simple

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app


def serialized(app):
    lock = threading.Lock()

    def one_at_a_time(environ, start_response):
        with lock:
            body = app(environ, start_response)
            try:
                chunks = list(body)
            finally:
                close = getattr(body, "close", None)
                if close:
                    close()
        return chunks

    return one_at_a_time


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: serial-moto.py HOST PORT")
    host, port = argv[0], int(argv[1])
    # moto builds some answers (presigned URLs, queue URLs) from MOTO_PORT.
    os.environ.setdefault("MOTO_PORT", str(port))
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: sys.exit(0))
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(host, port, serialized(app), threaded=True)


if __name__ == "__main__":
    main(sys.argv[1:])
