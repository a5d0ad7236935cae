# Identity of an environment: permission boundary, SageMaker guardrails, execution roles and the
# persona roles. Reads the foundation stack through its SSM contract (no shared state).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name_prefix = "${var.prefix}-${var.environment}"
  ssm_prefix  = "/${var.prefix}/${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  region      = data.aws_region.current.name
  # A stage's first account in rollout order (its only one when env.yaml gives one id).
  first_target_accounts = { for stage, accounts in var.target_accounts : stage => accounts[0] }

  contract_keys = [
    "network/private-subnet-ids",
    "network/sagemaker-security-group-id",
    "kms/data-key-arn",
    "kms/ebs-key-arn",
    "kms/studio-key-arn",
    "kms/logs-key-arn",
    "storage/data-bucket",
    "storage/models-bucket",
    "storage/access-log-bucket",
  ]
  # Contract parameters are plain String identifiers (the provider marks every value sensitive).
  contract = { for key, p in data.aws_ssm_parameter.contract : key => nonsensitive(p.value) }

  # Roles that exist (created or brought): keys known at plan time, so they can key for_each.
  present_roles = concat(
    ["sagemaker_execution", "pipeline_execution", "launch"],
    [for persona, principals in var.identity.persona_principals : persona if length(principals) > 0 || contains(keys(var.identity.existing_role_arns), persona)],
  )
}

data "aws_ssm_parameter" "contract" {
  for_each = toset(local.contract_keys)
  name     = "${local.ssm_prefix}/${each.key}"
}

module "identity" {
  source = "../../../modules/identity"

  name_prefix = local.name_prefix
  prefix      = var.prefix
  bucket_arns = [
    for key in ["storage/data-bucket", "storage/models-bucket", "storage/access-log-bucket"] :
    "arn:${local.partition}:s3:::${local.contract[key]}"
  ]
  read_only_bucket_arns      = ["arn:${local.partition}:s3:::${local.contract["storage/access-log-bucket"]}"]
  model_artifact_bucket_arns = ["arn:${local.partition}:s3:::${local.contract["storage/models-bucket"]}"]
  aws_service_bucket_arns    = ["arn:${local.partition}:s3:::prod-${local.region}-starport-layer-bucket"]
  kms_key_arns = {
    data   = local.contract["kms/data-key-arn"]
    ebs    = local.contract["kms/ebs-key-arn"]
    studio = local.contract["kms/studio-key-arn"]
    logs   = local.contract["kms/logs-key-arn"]
  }
  ssm_parameter_arn_prefix = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.ssm_prefix}"
  subnet_ids               = split(",", local.contract["network/private-subnet-ids"])
  security_group_ids       = [local.contract["network/sagemaker-security-group-id"]]
  persona_principals       = var.identity.persona_principals
  existing_role_arns       = var.identity.existing_role_arns
  target_account_ids       = local.first_target_accounts
  instance_types           = var.instance_types
  package_repositories     = local.package_repositories
  teams                    = var.teams
  team_bucket_arns = length(var.teams) == 0 ? null : {
    data   = "arn:${local.partition}:s3:::${local.contract["storage/data-bucket"]}"
    models = "arn:${local.partition}:s3:::${local.contract["storage/models-bucket"]}"
  }
}

resource "aws_ssm_parameter" "contract" {
  # checkov:skip=CKV2_AWS_34: The contract holds role and policy ARNs and account ids, not secrets; every platform role must read it without a decrypt grant.
  for_each = merge(
    { for role in local.present_roles : "identity/${replace(role, "_", "-")}-role-arn" => module.identity.role_arns[role] },
    {
      "identity/permission-boundary-arn"   = module.identity.permission_boundary_arn
      "identity/guardrails-policy-arn"     = module.identity.guardrails_policy_arn
      "identity/instance-types-policy-arn" = module.identity.instance_types_policy_arn
      "identity/deploy-events-role-arn"    = module.identity.deploy_events_role_arn
    },
    # The deployment accounts, for templates that must not take them from the launching user
    # (model-deploy.yaml reads /<prefix>/<env>/accounts/staging and .../prod): a stage's first account.
    { for stage, account in local.first_target_accounts : "accounts/${stage}" => account },
    # Each team user's execution role, for the platform stack's Studio user profiles (teams).
    merge({}, [
      for team, users in module.identity.team_role_arns :
      { for user, arn in users : "identity/teams/${team}/users/${user}/execution-role-arn" => arn }
    ]...),
    # Each team's persona roles (identity/teams/<team>/data-scientist-role-arn, .../team-lead-role-arn).
    merge({}, [
      for team, personas in module.identity.team_persona_role_arns :
      { for persona, arn in personas : "identity/teams/${team}/${replace(persona, "_", "-")}-role-arn" => arn }
    ]...),
  )

  name        = "${local.ssm_prefix}/${each.key}"
  description = "Platform contract of ${local.name_prefix}: ${each.key}"
  type        = "String"
  value       = each.value
}
