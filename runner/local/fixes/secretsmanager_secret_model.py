"""AWS::SecretsManager::Secret as a real resource.

moto has no CloudFormation model for it and skips it, so a CDK `secretsmanager.Secret` (API keys,
credentials a handler reads at run time) does not exist locally and its Ref is missing.
CloudFormation creates the secret with the given SecretString, or one generated from
GenerateSecretString (optionally merged into SecretStringTemplate under GenerateStringKey);
Ref returns the ARN; updates keep the secret; delete removes it without a recovery window.
"""

from __future__ import annotations

import json
from typing import Any

from runner.local.fixes.cfn_models import ResourceModel, register_model
from runner.local.fixes.fix import Fix


def _generated_secret_string(backend: Any, spec: dict[str, Any]) -> str:
    def flag(name: str, default: bool = False) -> bool:
        return str(spec.get(name, default)).lower() == "true"

    password = json.loads(
        backend.get_random_password(
            password_length=int(spec.get("PasswordLength", 32)),
            exclude_characters=str(spec.get("ExcludeCharacters", "")),
            exclude_numbers=flag("ExcludeNumbers"),
            exclude_punctuation=flag("ExcludePunctuation"),
            exclude_uppercase=flag("ExcludeUppercase"),
            exclude_lowercase=flag("ExcludeLowercase"),
            include_space=flag("IncludeSpace"),
            require_each_included_type=flag("RequireEachIncludedType", True),
        )
    )["RandomPassword"]
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template and key:
        return json.dumps({**json.loads(template), key: password})
    return str(password)


class SecretsManagerSecret(ResourceModel):
    resource_type = "AWS::SecretsManager::Secret"

    def _backend(self) -> Any:
        from moto.secretsmanager.models import secretsmanager_backends

        return secretsmanager_backends[self.account_id][self.region_name]

    def create(self) -> None:
        backend = self._backend()
        secret_string = self.properties.get("SecretString")
        if secret_string is None and "GenerateSecretString" in self.properties:
            secret_string = _generated_secret_string(backend, self.properties["GenerateSecretString"])
        # Without a Name, the generated physical name (<stack>-<logicalId>-<suffix>) names it.
        self.secret_name = str(self.properties.get("Name") or self.physical_id)
        created = backend.create_secret(
            name=self.secret_name,
            secret_string=secret_string,
            secret_binary=None,
            description=self.properties.get("Description"),
            tags=self.properties.get("Tags"),
            kms_key_id=self.properties.get("KmsKeyId"),
            client_request_token=None,
            replica_regions=[],
            force_overwrite=False,
        )
        self.physical_id = str(json.loads(created)["ARN"])

    def remove(self) -> None:
        from moto.secretsmanager.exceptions import SecretNotFoundException

        try:
            self._backend().delete_secret(self.physical_id, None, True)
        except SecretNotFoundException:
            return

    @classmethod
    def update_from_cloudformation_json(
        cls,
        original_resource: ResourceModel,
        new_resource_name: str,
        cloudformation_json: dict[str, Any],
        account_id: str,
        region_name: str,
    ) -> ResourceModel:
        assert isinstance(original_resource, SecretsManagerSecret)
        properties = dict(cloudformation_json.get("Properties") or {})
        if properties.get("Name", original_resource.secret_name) != original_resource.secret_name:
            # A new Name means a new secret (replacement).
            original_resource.remove()
            return cls.create_from_cloudformation_json(
                new_resource_name, cloudformation_json, account_id, region_name
            )
        # Same secret: a generated value is kept, an explicit SecretString replaces it.
        original_resource._backend().update_secret(
            secret_id=original_resource.physical_id,
            secret_string=properties.get("SecretString"),
            description=properties.get("Description"),
        )
        original_resource.properties = properties
        return original_resource

    @classmethod
    def has_cfn_attr(cls, attr: str) -> bool:
        return attr == "Id"

    def get_cfn_attribute(self, attribute_name: str) -> Any:
        if attribute_name == "Id":
            return self.physical_id
        return super().get_cfn_attribute(attribute_name)


def _install() -> None:
    register_model(SecretsManagerSecret)


FIX = Fix(
    name="secretsmanager_secret_model",
    description="AWS::SecretsManager::Secret creates a real secret (moto skipped it)",
    install=_install,
)
