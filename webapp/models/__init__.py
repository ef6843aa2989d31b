"""Database models. Timestamps are stored in UTC (timezone-aware) and shown in the school's zone."""

from .audit import AuditEntry
from .mailbox import MailboxReceipt
from .marks import JobMark
from .outbox import OutboxMessage
from .problems import KnownProblem
from .reports import ReportMailing
from .requests import Attachment, HistoryEntry, RequestCounter, SupportRequest
from .staff import SlaAlert, StaffAccount

__all__ = [
    "Attachment",
    "AuditEntry",
    "HistoryEntry",
    "KnownProblem",
    "JobMark",
    "MailboxReceipt",
    "OutboxMessage",
    "ReportMailing",
    "RequestCounter",
    "SlaAlert",
    "StaffAccount",
    "SupportRequest",
]
