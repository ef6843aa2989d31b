"""Reports on how the service works (issue 12; seed 002: the head controls execution; seed 004:
the school evaluates its interaction with families regularly).

`period` turns "this month", "this school term" or two dates into moments in the school's time
zone; `compute` counts a period's requests and measures its clocks; `export` writes a report or
the register of a period as XLSX (streamed, write-only) or CSV. No Flask here: views and
commands hand in the profile and the period.
"""
