"""Slack transport (slack_bolt / slack_sdk): the ``/newsbot`` command and delivery.

Entry points for the app's wiring: :func:`start_slack` (returns a
:class:`SlackHandle` whose ``transport`` goes to the delivery worker), and
:func:`build_app` / :func:`make_client` / :func:`deps_from` for tests.
"""

from .app import (
    SlackConfigError,
    SlackDeps,
    SlackHandle,
    build_app,
    deps_from,
    make_client,
    parse_admins,
    start_slack,
)
from .sender import SlackTransport

__all__ = [
    "SlackConfigError",
    "SlackDeps",
    "SlackHandle",
    "SlackTransport",
    "build_app",
    "deps_from",
    "make_client",
    "parse_admins",
    "start_slack",
]
