"""Chat transports: Discord, Slack and the local console.

Each turns the platform-neutral views of :mod:`bot.services.views` into its
own messages and implements :class:`bot.services.transport.Transport`; the
domain services never import a transport.
"""
