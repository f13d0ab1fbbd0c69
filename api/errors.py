"""Domain errors become HTTP 400 with the service's Vietnamese message."""

from collections.abc import Iterator
from contextlib import contextmanager

from rest_framework import status
from rest_framework.exceptions import APIException


class Refused(APIException):
    """A change the service refused: 400 with the service's Vietnamese message."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Yêu cầu không hợp lệ"
    default_code = "refused"


@contextmanager
def refusing(*errors: type[Exception]) -> Iterator[None]:
    """Turns any of `errors` raised inside the block into `Refused`."""
    try:
        yield
    except errors as e:
        raise Refused(str(e)) from e
