from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request

BAD_PAGE_SIZE = "page_size phải là số nguyên từ 1 (tối đa 500 dòng một trang)"


class PageNumberPagination(pagination.PageNumberPagination):
    """`{count, next, previous, results}`, with `?page_size=` from 1 up to 500 (a larger size
    is cut to 500; anything but a whole number from 1 is refused, not silently ignored)."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise ValidationError({self.page_size_query_param: [BAD_PAGE_SIZE]})
        return super().get_page_size(request)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
