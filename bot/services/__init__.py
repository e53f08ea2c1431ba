"""Domain services shared by every chat transport (Discord, Slack, console).

Nothing in this package imports discord or slack: transports call these
services and deliver what they produce through :class:`bot.services.transport.Transport`.
"""
