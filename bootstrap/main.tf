# The state backend of one account: a KMS key, the state bucket (with its access-log bucket) and
# the DynamoDB lock table. Its own state is moved into the bucket it creates (see README).

data "aws_caller_identity" "current" {}

locals {
  name_prefix  = "${var.prefix}-${var.environment}"
  account_id   = data.aws_caller_identity.current.account_id
  state_bucket = "${local.name_prefix}-tfstate-${local.account_id}"
  log_bucket   = "${local.name_prefix}-tfstate-logs-${local.account_id}"
  partition    = data.aws_partition.current.partition

  # Deterministic names: the CI roles are created below, the workload boundary by the foundation
  # stack; IAM conditions and key-policy conditions may name them before they exist.
  ci_role_arns             = [for role in ["github-plan", "github-apply"] : "arn:${local.partition}:iam::${local.account_id}:role/${local.name_prefix}-${role}"]
  workload_boundary_arn    = "arn:${local.partition}:iam::${local.account_id}:policy/${local.name_prefix}-permission-boundary"
  deploy_role_has_our_name = startswith(element(split("/", var.deploy_role_arn), length(split("/", var.deploy_role_arn)) - 1), "${local.name_prefix}-")
}

module "kms" {
  source = "../modules/kms"

  name_prefix = local.name_prefix
  keys = {
    tfstate = {
      description  = "Terraform state and state locks of ${local.name_prefix}"
      via_services = ["s3", "dynamodb"]
    }
  }
  administrator_arns      = distinct(concat([var.deploy_role_arn], var.key_administrator_arns))
  user_arn_patterns       = concat([var.deploy_role_arn], local.ci_role_arns)
  deletion_window_in_days = var.key_deletion_window_days
}

module "state_logs" {
  source = "../modules/s3-bucket"

  bucket_name            = local.log_bucket
  access_log_target      = true
  log_source_bucket_arns = ["arn:${data.aws_partition.current.partition}:s3:::${local.state_bucket}"]
  lifecycle_rules = {
    noncurrent_version_expiration_days = 30
    expiration_days                    = 365
  }
}

module "state_bucket" {
  source = "../modules/s3-bucket"

  bucket_name = local.state_bucket
  kms_key_arn = module.kms.key_arns["tfstate"]
  logging = {
    target_bucket = module.state_logs.bucket_name
    target_prefix = "s3/${local.state_bucket}/"
  }
  lifecycle_rules = {
    noncurrent_version_expiration_days = var.state_noncurrent_version_days
  }
}

data "aws_partition" "current" {}

module "github" {
  source = "../modules/github-oidc"

  name_prefix                  = local.name_prefix
  repository                   = { owner = split("/", var.github_repository)[0], name = split("/", var.github_repository)[1] }
  github_environment           = var.environment
  plan_branch                  = var.github_plan_branch
  apply_branch                 = var.github_plan_branch # one protected branch plans and applies
  create_oidc_provider         = var.create_oidc_provider
  existing_oidc_provider_arn   = var.existing_oidc_provider_arn
  state_bucket_arn             = "arn:${local.partition}:s3:::${local.state_bucket}"
  state_key_arn                = module.kms.key_arns["tfstate"]
  lock_table_arn               = aws_dynamodb_table.lock.arn
  workload_boundary_policy_arn = local.workload_boundary_arn
  # Roles with their own, narrower boundary: the network module's flow-log delivery role, and in
  # target accounts the model execution and deploy roles (modules/model-hosting).
  additional_boundary_policy_arns = [
    for name in ["vpc-flow-logs-boundary", "hosting-boundary"] : "arn:${local.partition}:iam::${local.account_id}:policy/${local.name_prefix}-${name}"
  ]
  ssm_parameter_prefix = "/${var.prefix}/${var.environment}"
  # The project templates (modules/project-templates) a plan of the platform stack refreshes.
  plan_readable_object_arns = ["arn:${local.partition}:s3:::${local.name_prefix}-sc-templates-${local.account_id}/*"]
  protected_role_arns       = local.deploy_role_has_our_name ? [var.deploy_role_arn] : []
  protected_policy_arns = [
    for name in ["sagemaker-guardrails", "instance-types"] : "arn:${local.partition}:iam::${local.account_id}:policy/${local.name_prefix}-${name}"
  ]
  # The deploy workflow's waves jobs resolve a stage's OU as the dev account's plan role.
  organizations_read_role_arn = var.organizations_read_role_arn
}

resource "aws_dynamodb_table" "lock" {
  name                        = "${local.name_prefix}-tflock"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "LockID"
  deletion_protection_enabled = true

  attribute {
    name = "LockID"
    type = "S"
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = module.kms.key_arns["tfstate"]
  }
}
