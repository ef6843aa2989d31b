"""Deadline clocks (seed 002): assign within 30 min, take into work within 30 min, process in 24 h.

The profile chooses calendar time or the service's working hours (`support.deadlines.clock`).
`due.py` turns the profile's lengths into moments; `sla.py` tells each clock's state. Letters
about missed deadlines are the register's business (webapp/requests/escalation.py).
"""

from .clock import add_service_time, is_open, next_opening, service_time_between
from .due import clock_length, due_for, initial_deadlines

__all__ = [
    "add_service_time", "clock_length", "due_for", "initial_deadlines", "is_open", "next_opening",
    "service_time_between",
]  # fmt: skip
