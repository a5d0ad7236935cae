output "permission_boundary_arn" {
  description = "ARN of the permission boundary (<name_prefix>-permission-boundary). Roles created by project templates must carry it (iam:CreateRole is denied otherwise)."
  value       = local.boundary_arn
  depends_on  = [aws_iam_policy.boundary]
}

output "guardrails_policy_arn" {
  description = "ARN of the SageMaker guardrails managed policy (<name_prefix>-sagemaker-guardrails), attached to every role this module creates. Attach it to brought roles as well."
  value       = local.guardrails_arn
  depends_on  = [aws_iam_policy.guardrails]
}

output "instance_types_policy_arn" {
  description = "ARN of the instance-types managed policy (<name_prefix>-instance-types): Studio apps, processing, training, tuning, transform jobs and endpoint configurations only on the instance types of var.instance_types. Attached to every role this module creates; attach it to brought roles as well."
  value       = local.instance_types_arn
  depends_on  = [aws_iam_policy.instance_types]
}

output "role_arns" {
  description = "Map role => ARN for data_science_admin, team_lead, data_scientist, sagemaker_execution, pipeline_execution and launch: the brought ARN (existing_role_arns), else the created role's ARN; null for a persona that is neither brought nor created (no principals)."
  value = {
    data_science_admin  = var.existing_role_arns.data_science_admin != null || local.create_role.data_science_admin ? local.data_science_admin_arn : null
    team_lead           = var.existing_role_arns.team_lead != null || local.create_role.team_lead ? local.team_lead_arn : null
    data_scientist      = var.existing_role_arns.data_scientist != null || local.create_role.data_scientist ? local.data_scientist_arn : null
    sagemaker_execution = local.sagemaker_execution_arn
    pipeline_execution  = local.pipeline_execution_arn
    launch              = local.launch_arn
  }
  depends_on = [aws_iam_role.this]
}

output "deploy_events_role_arn" {
  description = "ARN of the role EventBridge uses to deliver SageMaker project approval events (<name_prefix>-deploy-events, the model-deploy template's DeployEventTargetRoleArn), created by this module: trusted by events.amazonaws.com for rules <name_prefix>-* of this account, may only invoke API destinations and put events on event buses named <name_prefix>-*. The launch role may pass it, and no other role, to EventBridge."
  value       = local.deploy_events_role_arn
  depends_on  = [aws_iam_role.this]
}

output "created_role_names" {
  description = "Map role => name of the roles this module created, deploy_events included (brought roles and personas without principals are absent)."
  value       = local.created_roles
}

output "team_role_arns" {
  description = "Map team => user profile => ARN of the execution role the user's Studio profile runs as (teams): <name_prefix>-team-<team>-execution (per_team) or <name_prefix>-team-<team>-user-<user> (per_user). Empty without teams."
  value = {
    for team in keys(var.teams) : team => merge({}, [
      for role in values(local.team_roles) : { for user in role.users : user => "${local.iam_arn_prefix}:role/${role.name}" } if role.team == team
    ]...)
  }
  depends_on = [aws_iam_role.team]
}

output "team_policy_documents" {
  description = "Map role name => JSON of the inline policy of each team execution role (teams); empty without teams."
  value       = { for key, role in local.team_roles : role.name => jsonencode(local.team_policies[key]) }
}

output "team_persona_role_arns" {
  description = "Map team => persona (data_scientist, team_lead) => ARN of the team's persona role (teams): <name_prefix>-team-<team>-data-scientist or -team-lead, for the personas the team's users have and that have principals. Assumed by the persona's principals with the session tagged with one of the team's users of that persona. Empty without teams."
  value = {
    for team in keys(var.teams) : team => {
      for key, role in local.team_personas : role.persona => "${local.iam_arn_prefix}:role/${role.name}" if role.team == team
    }
  }
  depends_on = [aws_iam_role.team]
}

output "team_persona_policy_documents" {
  description = "Map name => JSON of each team persona role's inline policy (\"<role name>\") and trust policy (\"<role name>-trust\"); empty without teams."
  value = merge(
    { for key, role in local.team_personas : role.name => jsonencode(local.team_persona_policies[key]) },
    { for key, role in local.team_personas : "${role.name}-trust" => jsonencode(local.team_persona_trust_policies[key]) },
  )
}

output "target_model_execution_role_arns" {
  description = "Map stage => ARN of the model execution role in that target account: arn:<partition>:iam::<account>:role/<prefix>-<stage>-model-execution."
  value = {
    for stage, account in var.target_account_ids :
    stage => "arn:${local.partition}:iam::${account}:role/${var.prefix}-${stage}-model-execution"
  }
}

output "packages_policy_arn" {
  description = "ARN of the packages managed policy (<name_prefix>-packages), null without package_repositories: only the environment's CodeArtifact domain, bearer tokens for CodeArtifact only, publishing only by the data science administrator. Attached to every role this module creates; attach it to brought roles as well."
  value       = local.packages_enabled ? local.packages_policy_arn : null
  depends_on  = [aws_iam_policy.packages]
}

output "policy_documents" {
  description = "Map name => JSON of every policy the module applies: \"permission-boundary\", \"sagemaker-guardrails\", \"instance-types\", \"packages\" (with package_repositories) and, for each created role, \"<role>\" (its inline policy) and \"<role>-trust\" (its trust policy), role keys written with hyphens (e.g. \"data-scientist\")."
  value       = local.applied_documents
}
