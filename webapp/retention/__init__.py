"""Personal data kept only as long as promised (152-ФЗ): anonymisation by the retention rule
and on withdrawal of consent, a person's copy of their data, and the audit log of access."""
