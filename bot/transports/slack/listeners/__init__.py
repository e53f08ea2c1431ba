"""The ``/newsbot`` slash command: one listener module per sub-command group.

Slack apps usually own one command; ``/newsbot who Peskov``, ``/newsbot
subscribe nato`` … are routed here by the first word of the text. Each module
has ``register(app)`` adding its listeners with a matcher on that word; the
usage listener is registered last and answers anything the others did not.
Bolt runs the first listener whose matchers accept a request, so the order of
:data:`MODULES` is the routing order.
"""

from __future__ import annotations

from typing import Any

from . import digest, search, subscriptions, topics, usage, who, why

COMMAND = "/newsbot"
MODULES = (who, search, why, topics, digest, subscriptions, usage)


def register_all(app: Any) -> None:
    for module in MODULES:
        module.register(app)
