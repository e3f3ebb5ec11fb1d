"""Every rule module; importing this package registers all rules."""

from . import certificate, dates, discipline, duplicates, eligibility, hours, identity, procedure, seniority  # noqa: F401
from . import structure, title_names  # noqa: F401
