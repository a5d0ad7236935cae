"""Extensions of the stock moto emulator, registered before the server starts.

This package is the one place where gaps of the emulator are closed: one module per AWS service,
one function per gap, each with its own test under tests/orchestrator/emulator/. They are written
against moto's public model and response classes so that each could be offered upstream as a fix.
Every function is listed in EXTENSIONS; `register_all()` applies them once per process.
"""

from __future__ import annotations

from collections.abc import Callable

from orchestrator.emulator.extensions.cloudtrail import lookup_events_are_answered_from_the_record
from orchestrator.emulator.extensions.event_targets import rules_deliver_to_sns_topics
from orchestrator.emulator.extensions.events import connection_updates_reach_the_secret, connections_keep_their_kms_key
from orchestrator.emulator.extensions.hosting import (
    endpoints_answer_with_the_deployed_model,
    endpoints_can_be_updated,
    registry_reads_across_accounts_follow_the_group_policy,
)
from orchestrator.emulator.extensions.iam import (
    attached_managed_policies_cannot_be_deleted,
    attaching_an_attached_policy_changes_nothing,
)
from orchestrator.emulator.extensions.kms import kms_rotation_period_is_kept
from orchestrator.emulator.extensions.monitoring import (
    baseline_jobs_run_the_analyzer,
    monitoring_schedules_are_supported,
)
from orchestrator.emulator.extensions.pipelines import (
    pipeline_execution_steps_are_listed,
    pipeline_executions_run_their_steps,
)
from orchestrator.emulator.extensions.projects import (
    model_package_groups_and_bucket_policies_in_cloudformation,
    projects_are_launched_from_s3_templates,
    retain_except_on_create_is_kept_on_delete,
    ssm_dynamic_references_are_resolved,
    stack_resources_are_created_as_the_launch_role,
)
from orchestrator.emulator.extensions.s3 import (
    bucket_policy_conditions_follow_iam_semantics,
    public_access_blocks_are_honoured,
    s3_logging_target_accepts_any_policy_shape,
)
from orchestrator.emulator.extensions.s3_versions import versions_in_a_suspended_bucket_can_be_deleted
from orchestrator.emulator.extensions.sagemaker import (
    add_tags_overwrites_existing_keys,
    domain_delete_follows_aws,
    domain_ids_urls_and_home_efs_follow_aws,
    domain_update_is_supported,
    model_package_group_policies_are_supported,
    model_package_groups_can_be_deleted,
    model_package_updates_keep_customer_metadata,
    model_packages_can_be_deleted,
    models_keep_network_isolation,
    servicecatalog_portfolio_status_is_kept,
    studio_lifecycle_configs_are_supported,
    studio_resources_can_be_tagged,
    user_profiles_are_supported,
)
from orchestrator.emulator.extensions.scheduler import one_time_schedules_invoke_their_target
from orchestrator.emulator.extensions.securityhub import (
    hub_configuration_is_kept,
    standards_subscriptions_are_supported,
)
from orchestrator.emulator.extensions.servicecatalog import (
    constraints_are_managed,
    deletes_refuse_resources_in_use,
    portfolio_update_and_missing_portfolio,
    principals_associate_with_portfolios,
    product_versions_status_and_admin_view,
    products_associate_with_portfolios,
    provisioning_artifacts_are_managed,
)
from orchestrator.emulator.extensions.sqs import kms_encrypted_queues_are_not_sqs_managed

EXTENSIONS: tuple[Callable[[], None], ...] = (
    s3_logging_target_accepts_any_policy_shape,
    bucket_policy_conditions_follow_iam_semantics,
    public_access_blocks_are_honoured,
    kms_rotation_period_is_kept,
    kms_encrypted_queues_are_not_sqs_managed,
    portfolio_update_and_missing_portfolio,
    product_versions_status_and_admin_view,
    provisioning_artifacts_are_managed,
    products_associate_with_portfolios,
    principals_associate_with_portfolios,
    constraints_are_managed,
    deletes_refuse_resources_in_use,
    domain_ids_urls_and_home_efs_follow_aws,
    domain_delete_follows_aws,
    domain_update_is_supported,
    user_profiles_are_supported,
    studio_lifecycle_configs_are_supported,
    studio_resources_can_be_tagged,
    add_tags_overwrites_existing_keys,
    servicecatalog_portfolio_status_is_kept,
    model_package_groups_can_be_deleted,
    model_packages_can_be_deleted,
    model_package_group_policies_are_supported,
    model_package_updates_keep_customer_metadata,
    connections_keep_their_kms_key,
    connection_updates_reach_the_secret,
    rules_deliver_to_sns_topics,
    endpoints_can_be_updated,
    registry_reads_across_accounts_follow_the_group_policy,
    endpoints_answer_with_the_deployed_model,
    ssm_dynamic_references_are_resolved,
    model_package_groups_and_bucket_policies_in_cloudformation,
    retain_except_on_create_is_kept_on_delete,
    stack_resources_are_created_as_the_launch_role,
    projects_are_launched_from_s3_templates,
    pipeline_executions_run_their_steps,
    pipeline_execution_steps_are_listed,
    lookup_events_are_answered_from_the_record,
    attached_managed_policies_cannot_be_deleted,
    attaching_an_attached_policy_changes_nothing,
    versions_in_a_suspended_bucket_can_be_deleted,
    hub_configuration_is_kept,
    standards_subscriptions_are_supported,
    baseline_jobs_run_the_analyzer,
    monitoring_schedules_are_supported,
    one_time_schedules_invoke_their_target,
    models_keep_network_isolation,
)

_registered = False


def register_all() -> None:
    """Register every extension (idempotent)."""
    global _registered
    if _registered:
        return
    for extension in EXTENSIONS:
        extension()
    _registered = True
