"""Fixes for the moto gaps an ordinary CDK serverless app hits, one module per gap.

Each module exposes `FIX`, a frozen `Fix` record; `apply_fixes()` installs them all once per
process. The order matters only where fixes wrap the same moto function: later ones wrap
earlier ones (e.g. tags are written after the rollback wrapper decided the stack succeeded).
"""

from __future__ import annotations

from runner.local.fixes import (
    apigateway_method_integration,
    bucket_delete_requires_empty,
    bucket_policy_conditions,
    bucket_versioning_from_template,
    cdk_metadata_model,
    change_set_change_details,
    change_set_execution,
    change_set_lookup_per_stack,
    change_set_tag_changes,
    cloudtrail_lookup_events,
    create_change_set_reuses_review_stack,
    delete_in_dependency_order,
    dynamodb_requests_serialized,
    events_rule_custom_bus,
    export_in_use_blocks_delete,
    failed_resource_rolls_back,
    fifo_generated_names,
    inline_lambda_code_update,
    lambda_code_object_must_exist,
    lambda_layers_and_logging,
    outputs_of_skipped_resources,
    previous_parameter_values,
    s3_bucket_policy_model,
    secretsmanager_secret_model,
    sns_subscription_model,
    sns_topic_policy_model,
    sqs_queue_policy_model,
    ssm_parameter_generated_name,
    stack_delete_failure,
    stack_operations_serialized,
    stack_resource_events,
    stack_resources_listing,
    stack_tags_to_resources,
    unchanged_resources_kept_on_update,
)
from runner.local.fixes.fix import Fix

ALL_FIXES: tuple[Fix, ...] = (
    events_rule_custom_bus.FIX,
    sns_subscription_model.FIX,
    sqs_queue_policy_model.FIX,
    sns_topic_policy_model.FIX,
    s3_bucket_policy_model.FIX,
    bucket_policy_conditions.FIX,
    cdk_metadata_model.FIX,
    secretsmanager_secret_model.FIX,
    fifo_generated_names.FIX,
    ssm_parameter_generated_name.FIX,
    apigateway_method_integration.FIX,
    unchanged_resources_kept_on_update.FIX,
    inline_lambda_code_update.FIX,
    lambda_code_object_must_exist.FIX,
    lambda_layers_and_logging.FIX,
    previous_parameter_values.FIX,
    change_set_lookup_per_stack.FIX,
    change_set_execution.FIX,
    change_set_change_details.FIX,
    create_change_set_reuses_review_stack.FIX,
    change_set_tag_changes.FIX,
    stack_resource_events.FIX,
    stack_resources_listing.FIX,
    outputs_of_skipped_resources.FIX,
    failed_resource_rolls_back.FIX,
    stack_tags_to_resources.FIX,
    delete_in_dependency_order.FIX,
    bucket_versioning_from_template.FIX,
    bucket_delete_requires_empty.FIX,
    stack_delete_failure.FIX,
    export_in_use_blocks_delete.FIX,
    cloudtrail_lookup_events.FIX,
    dynamodb_requests_serialized.FIX,
    stack_operations_serialized.FIX,  # last: it wraps the fixed stack operations
)


def apply_fixes() -> None:
    """Install every fix (idempotent; patches are process-global)."""
    for fix in ALL_FIXES:
        fix.apply()


__all__ = ["ALL_FIXES", "Fix", "apply_fixes"]
