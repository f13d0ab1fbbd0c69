"""How long a training stays valid: its own module so that the records import and the services
share it without importing each other."""

from datetime import date

from dateutil.relativedelta import relativedelta

from training.models import Programme


def expiry(programme: Programme, completed_on: date) -> date | None:
    """When a record completed on `completed_on` expires (None: it never does)."""
    if not programme.validity_months:
        return None
    return completed_on + relativedelta(months=programme.validity_months)
