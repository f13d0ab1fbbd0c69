"""The one domain error of Taphuan. Each app's refusals subclass it in the app's `errors.py`
(`PeopleError`, `TrainingError`, `CoverageError`, `CertificateError`, …); the API's one
exception handler (`api/errors.py`) answers any of them with 400 and the message, in the API's
error shape, so no view catches them by hand."""


class DomainError(Exception):
    """A refusal with a message fit for a user (in Vietnamese)."""

    # The `code` of the API's error body: which kind of refusal, for scripts.
    code = "refused"
    # A refusal because the thing named does not exist (an unknown code): 404, not 400.
    not_found = False

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        # The request field at fault, when there is one (the API names it in `errors`).
        self.field = field
