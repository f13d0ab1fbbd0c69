"""Serializers of the registry API. They shape and type-check data; writes go through
people.services (called by the viewsets), never through `serializer.save()` for people and
positions."""

from typing import Any

from rest_framework import serializers

from access.drf import ScopedModelSerializer, VisibleRelated
from people.ids import mask
from people.models import Level, Organisation, Person, Position, Role, Unit


class UnitSerializer(ScopedModelSerializer):
    # The metaclass pops declared fields, so `parent` does not shadow Field.parent.
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id_on",
        read_only=True,
        allow_null=True,
        help_text="Id đơn vị cha vào ngày as_of (mặc định hôm nay)",
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "level",
            "kind",
            "edition",
            "parent",
            "valid_from",
            "valid_to",
        ]
        read_only_fields = fields


class VillageCreateSerializer(serializers.Serializer):
    """A new village (thôn, bản, tổ dân phố) under a commune."""

    name = serializers.CharField(max_length=200)
    parent = VisibleRelated(  # type: ignore[assignment]
        queryset=Unit.objects.filter(level=Level.COMMUNE), help_text="Id đơn vị cấp xã"
    )


class OrganisationSerializer(ScopedModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "kind", "name", "unit", "start", "end"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        start = attrs.get("start", getattr(self.instance, "start", None))
        end = attrs.get("end", getattr(self.instance, "end", None))
        if start and end and end < start:
            raise serializers.ValidationError({"end": "Ngày kết thúc trước ngày bắt đầu"})
        return attrs


class RoleSerializer(ScopedModelSerializer):
    class Meta:
        model = Role
        fields = [
            "id",
            "code",
            "label",
            "org_kinds",
            "level",
            "single_seat",
            "min_holders",
            "is_head",
            "order",
        ]


class PersonSerializer(ScopedModelSerializer):
    """A person. `citizen_id` is masked and `ethnicity` left out unless the viewer may see
    them (the view passes `show_ids` and `show_ethnicity` in the context)."""

    # Declared by hand so input like "002 085 012 345" reaches the service's normaliser.
    citizen_id = serializers.CharField(
        max_length=20, required=False, allow_blank=True, allow_null=True
    )
    ethnicity = serializers.CharField(
        max_length=50,
        required=False,
        allow_blank=True,
        help_text="Dữ liệu nhạy cảm: chỉ quản trị viên được xem",
    )
    full_name = serializers.CharField(max_length=255, required=False, allow_blank=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "full_name",
            "family_name",
            "middle_name",
            "given_name",
            "birth_date",
            "sex",
            "ethnicity",
            "citizen_id",
            "phone",
            "email",
            "home_unit",
        ]

    def to_representation(self, instance: Person) -> dict[str, Any]:
        data = super().to_representation(instance)
        if not self.context.get("show_ids"):
            data["citizen_id"] = mask(instance.citizen_id) or None
        if not self.context.get("show_ethnicity"):
            data.pop("ethnicity", None)
        return data

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if self.instance is None and not (attrs.get("full_name") or attrs.get("given_name")):
            raise serializers.ValidationError({"full_name": "Thiếu họ và tên"})
        return attrs


class PositionSerializer(ScopedModelSerializer):
    person_name = serializers.CharField(source="person.full_name", read_only=True)
    role = serializers.SlugRelatedField(
        slug_field="code", queryset=Role.objects.all(), help_text="Mã chức danh"
    )
    unit = serializers.IntegerField(
        source="organisation.unit_id", read_only=True, help_text="Id đơn vị của tổ chức"
    )

    class Meta:
        model = Position
        fields = [
            "id",
            "person",
            "person_name",
            "role",
            "organisation",
            "unit",
            "start",
            "end",
            "legal_basis",
        ]


class PositionEndSerializer(serializers.Serializer):
    """Ending a position is the one change allowed after an appointment."""

    end = serializers.DateField()
