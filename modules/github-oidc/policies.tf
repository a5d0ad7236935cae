# The CI roles' inline policy documents (roles.tf applies them).

locals {
  plan_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.read_regional,
      local.statements.read_global,
      local.statements.read_iam,
      local.statements.read_buckets,
      local.statements.read_tables,
      local.statements.read_parameters,
      local.statements.read_queues,
      local.statements.read_package_group_policies,
      local.statements.read_packages,
      local.statements.read_managed_objects,
      local.statements.lookup_events,
      local.statements.state_list,
      local.statements.state_read,
      local.statements.state_digest_read,
      local.statements.state_key,
    ]
  }

  # The apply role's statements are split over two inline policies: each must render below
  # checkov's 10,000-character limit (CHECKOV_RENDER_MAX_LEN) or checkov skips it silently.
  apply_read_state_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.read_regional,
      local.statements.read_global,
      local.statements.read_iam,
      local.statements.read_buckets,
      local.statements.read_tables,
      local.statements.read_parameters,
      local.statements.read_queues,
      local.statements.read_package_group_policies,
      local.statements.state_list,
      local.statements.state_read,
      local.statements.state_lockfile,
      local.statements.state_lock_table,
      local.statements.state_digest_read,
      local.statements.state_key,
      local.statements.state_write,
    ]
  }

  apply_manage_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.manage_buckets,
      local.statements.manage_bounded_roles,
      local.statements.manage_roles,
      local.statements.manage_policies,
      local.statements.pass_roles,
      local.statements.service_linked_roles,
      local.statements.create_keys,
      local.statements.manage_keys,
      local.statements.encrypt_objects_via_s3,
      local.statements.grants_for_aws_resources,
      local.statements.manage_network,
      local.statements.manage_log_groups,
      local.statements.manage_parameters,
      local.statements.manage_sagemaker,
      local.statements.sagemaker_projects_portfolio,
      local.statements.manage_catalog,
      local.statements.manage_catalog_unscoped,
      local.statements.manage_rules,
      local.statements.manage_queues,
      local.statements.deny_state_bucket_changes,
      local.statements.deny_state_key_changes,
      local.statements.deny_key_lockout_bypass,
      local.statements.deny_guardrails_detach,
      local.statements.deny_presigned_urls,
    ]
  }

  # All statements of the apply role in one document (the permission_policies output): its two
  # inline policies and its managed policy <name_prefix>-ci-packages (packages.tf).
  apply_policy = {
    Version   = "2012-10-17"
    Statement = concat(local.apply_read_state_policy.Statement, local.apply_manage_policy.Statement, [local.statements.manage_packages])
  }
}
