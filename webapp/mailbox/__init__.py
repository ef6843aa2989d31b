"""Answers fetched from the support mailbox."""
