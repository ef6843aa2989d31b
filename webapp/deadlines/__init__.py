"""Deadline clocks (seed 002): assign within 30 min, take into work within 30 min, process in 24 h.

The profile chooses calendar time or the service's working hours (`support.deadlines.clock`).
"""

from .clock import add_service_time, is_open, next_opening, service_time_between

__all__ = ["add_service_time", "is_open", "next_opening", "service_time_between"]
