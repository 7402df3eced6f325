"""moto's server, answering one request at a time.

moto evaluates a DynamoDB ConditionExpression and then writes, with no lock between the two, and its
own server is threaded: two concurrent conditional writes on one item can both pass the same
condition, a lost update real DynamoDB never allows (each item's condition and write are atomic
there). The adapters' conformance suite tests exactly that guarantee, so requests here go through
one lock: atomic like DynamoDB, still threaded so an idle keep-alive connection blocks no one.

Usage: python moto_serialised.py HOST PORT
"""

import sys
import threading

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import run_simple


def main() -> None:
    host, port = sys.argv[1], int(sys.argv[2])
    app = DomainDispatcherApplication(create_backend_app)
    lock = threading.Lock()

    def serialised(environ, start_response):
        with lock:
            # The whole body is made under the lock: moto may build it lazily from live state.
            return [b"".join(app(environ, start_response))]

    run_simple(host, port, serialised, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
