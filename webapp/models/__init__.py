"""Database models. Timestamps are stored in UTC (timezone-aware) and shown in the school's zone."""

from .mailbox import MailboxReceipt
from .outbox import OutboxMessage
from .requests import Attachment, HistoryEntry, RequestCounter, SupportRequest
from .staff import SlaAlert, StaffAccount

__all__ = [
    "Attachment",
    "HistoryEntry",
    "MailboxReceipt",
    "OutboxMessage",
    "RequestCounter",
    "SlaAlert",
    "StaffAccount",
    "SupportRequest",
]
