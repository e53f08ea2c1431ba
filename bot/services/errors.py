"""The one exception a user is meant to read."""

from __future__ import annotations


class UserError(Exception):
    """A request that cannot be done, explained in plain words for the user who asked.

    Transports show ``message`` to that user only (ephemeral on Discord and
    Slack) and never log it as a failure of the bot.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
