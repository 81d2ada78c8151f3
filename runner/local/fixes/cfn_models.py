"""Registering extra CloudFormation resource types with moto's template engine.

moto discovers resource types through `CloudFormationModel.__subclasses__()` behind `lru_cache`s.
The models here are plain classes turned into subclasses only when a fix is applied, so importing
this package never changes moto by itself.
"""

from __future__ import annotations

import threading
from typing import Any

_registered: dict[str, type] = {}
_lock = threading.Lock()


class ResourceModel:
    """Defaults shared by the models the fixes add; subclasses set `resource_type` and create()."""

    resource_type = ""

    def __init__(self, physical_id: str, properties: dict[str, Any], account_id: str, region_name: str):
        self.physical_id = physical_id
        self.properties = properties
        self.account_id = account_id
        self.region_name = region_name

    @property
    def physical_resource_id(self) -> str:
        return self.physical_id

    @classmethod
    def cloudformation_type(cls) -> str:
        return cls.resource_type

    @staticmethod
    def cloudformation_name_type() -> str:
        return ""

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return False

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        from moto.cloudformation.exceptions import UnformattedGetAttTemplateException

        raise UnformattedGetAttTemplateException()

    def is_created(self) -> bool:
        return True

    @classmethod
    def create_from_cloudformation_json(
        cls,
        resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
        **kwargs: Any,
    ) -> ResourceModel:
        model = cls(resource_name, dict(cloudformation_json.get("Properties") or {}), account_id, region_name)
        model.create()
        return model

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: ResourceModel,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> ResourceModel:
        original_resource.remove()
        return cls.create_from_cloudformation_json(
            original_resource.physical_id, cloudformation_json, account_id, region_name
        )

    @classmethod
    def delete_from_cloudformation_json(
        cls, resource_name: str, cloudformation_json: dict[str, Any], account_id: str, region_name: str
    ) -> None:
        cls(
            resource_name, dict(cloudformation_json.get("Properties") or {}), account_id, region_name
        ).remove()

    def delete(self, account_id: str, region_name: str) -> None:
        self.remove()

    def create(self) -> None:
        """Make the resource exist in moto's backends."""

    def remove(self) -> None:
        """Undo create(); must tolerate targets that are already gone (CloudFormation does)."""


def register_model(implementation: type[ResourceModel]) -> type:
    """Make `implementation` a CloudFormationModel moto's templates resolve (idempotent)."""
    from moto.cloudformation import parsing
    from moto.core.common_models import CloudFormationModel

    with _lock:
        existing = _registered.get(implementation.resource_type)
        if existing is not None:
            return existing
        model: type = type(
            implementation.__name__,
            (implementation, CloudFormationModel),
            {"__module__": implementation.__module__},
        )
        _registered[implementation.resource_type] = model
        # moto caches the subclass list on first template parse.
        parsing.get_model_list.cache_clear()
        parsing.get_model_map.cache_clear()
        parsing.get_name_type_map.cache_clear()
        return model
