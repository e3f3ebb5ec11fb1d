"""Every rule module; importing this package registers all rules."""

from .. import codes  # noqa: F401 - the reader's, normaliser's and schema's codes
from . import certificate, dates, discipline, duplicates, eligibility, hours, identity, procedure, seniority  # noqa: F401
from . import title_names  # noqa: F401
