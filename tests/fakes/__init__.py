"""Loopback fakes of the chat platforms, for end-to-end tests with the real client libraries."""
