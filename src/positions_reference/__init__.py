"""Reference implementation of the Microsoft Graph beta workPosition API (in-memory).

Serve it::

    with ReferenceServer(create_app()) as server:  # server.url == "http://127.0.0.1:PORT/beta"
        ...

Inject a fault by subclassing and overriding one helper, e.g. a PATCH that replaces
instead of merging::

    class ShallowMerge(GraphPositionsApp):
        def merge_update(self, existing, patch):
            return {**existing, **patch}

    server = ReferenceServer(ShallowMerge()).start()
"""

from .app import GraphPositionsApp, create_app
from .errors import GraphError
from .server import ReferenceServer
from .store import DEFAULT_USERS, PositionStore, User

__all__ = [
    "DEFAULT_USERS",
    "GraphError",
    "GraphPositionsApp",
    "PositionStore",
    "ReferenceServer",
    "User",
    "create_app",
]
