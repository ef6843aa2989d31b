"""Delivery of queued e-mail."""
