"""The audit trail: who changed what, when and from where; import batches; personal data.

Importers and services use only these names:

    with audit.context(source=..., user=...):    # who and from where (audit.contexts)
    with audit.import_batch(kind=..., content=..., file_name=..., user=...) as batch:
        ...write...; audit.tally(batch, read=..., created=..., ...)
    with audit.quiet(): ...                       # no signal entries: logged in bulk below
    audit.log_created(rows); audit.log_updated(zip(before, rows), fields)
    audit.update(queryset, **values)              # an audited queryset.update()
"""

from typing import Any


def __getattr__(name: str) -> Any:
    # Lazy: the app registry must be ready before the modules below import models.
    from audit import batches, contexts, record

    for module in (contexts, record, batches):
        if hasattr(module, name):
            return getattr(module, name)
    raise AttributeError(name)
