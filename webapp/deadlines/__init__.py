"""Deadline clocks (seed 002): assign within 30 min, take into work within 30 min, process in 24 h.

Each clock runs in the mode the profile chooses for it (calendar time, the service's working
hours, or round the clock on working days only), or not at all where the profile sets no such
deadline. `due.py` turns the profile's lengths into moments; `sla.py` tells each clock's state.
Letters about missed deadlines are the register's business (webapp/requests/escalation.py).
"""

from .clock import add_service_time, is_open, next_opening, service_time_between
from .due import clock_length, clock_mode, clock_time_between, due_for, initial_deadlines

__all__ = [
    "add_service_time", "clock_length", "clock_mode", "clock_time_between", "due_for",
    "initial_deadlines", "is_open", "next_opening", "service_time_between",
]  # fmt: skip
