# The dev environment's ML projects: one modules/mlops-project per entry of env.yaml `projects`
# (model package group shared with the target accounts, artifact bucket, CI role for the project's
# repository, the project's own pipeline and job roles, approval trigger). Adding a project is
# one entry; removing it plans its destroy.
# Reads the foundation and identity stacks through their SSM contract (no shared state).

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

locals {
  name_prefix = "${var.prefix}-${var.environment}"
  ssm_prefix  = "/${var.prefix}/${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition

  contract_keys = [
    "network/s3-gateway-endpoint-id",
    "network/private-subnet-ids",
    "network/sagemaker-security-group-id",
    "kms/data-key-arn",
    "kms/ebs-key-arn",
    "storage/access-log-bucket",
    "storage/data-bucket",
    "storage/models-bucket",
    "identity/permission-boundary-arn",
    "identity/guardrails-policy-arn",
    "identity/instance-types-policy-arn",
  ]
  # Contract parameters are plain String identifiers (the provider marks every value sensitive).
  contract = { for key, p in data.aws_ssm_parameter.contract : key => nonsensitive(p.value) }

  # Terraform runs as the deploy role or, from GitHub, as the CI apply role (outside the VPC).
  ci_plan_role_arn  = module.ci_role_names.plan_role_arn
  ci_apply_role_arn = module.ci_role_names.apply_role_arn
  # Administer the project keys: the roles that apply (never the pull-request plan role).
  key_administrators = [var.deploy_role_arn, local.ci_apply_role_arn]
}

# The GitHub Actions roles' names and ARNs: the platform's one rule (modules/ci-role-names).
module "ci_role_names" {
  source = "../../../modules/ci-role-names"

  name_prefix = local.name_prefix
  partition   = local.partition
  account_id  = local.account_id
}

data "aws_ssm_parameter" "contract" {
  for_each = length(var.projects) > 0 ? toset(local.contract_keys) : toset([])
  name     = "${local.ssm_prefix}/${each.key}"
}

module "project" {
  source   = "../../../modules/mlops-project"
  for_each = var.projects

  name_prefix  = local.name_prefix
  prefix       = var.prefix
  project_name = each.key
  repository   = each.value.repository
  # A project launched in Studio from the S3-based model-deploy template keeps that stack's group.
  model_package_group_from_template = each.value.registry == "template"
  # Exact names of the target accounts' roles that read this project's packages (model-hosting).
  target_role_suffixes       = ["model-execution", "${each.key}-deploy"]
  oidc_provider_arn          = var.oidc_provider_arn
  target_accounts            = var.target_accounts
  target_waves               = var.target_waves
  kms_key_arn                = local.contract["kms/data-key-arn"]
  access_log_bucket_name     = local.contract["storage/access-log-bucket"]
  models_bucket_name         = local.contract["storage/models-bucket"]
  allowed_vpc_endpoint_ids   = [local.contract["network/s3-gateway-endpoint-id"]]
  vpce_exempt_principal_arns = concat(local.key_administrators, [local.ci_plan_role_arn])
  permissions_boundary_arn   = local.contract["identity/permission-boundary-arn"]
  # The project's own pipeline and job roles carry the boundary and the guardrails.
  guardrails_policy_arn     = local.contract["identity/guardrails-policy-arn"]
  instance_types_policy_arn = local.contract["identity/instance-types-policy-arn"]
  data_bucket_name          = local.contract["storage/data-bucket"]
  volume_kms_key_arn        = local.contract["kms/ebs-key-arn"]
  subnet_ids                = split(",", local.contract["network/private-subnet-ids"])
  security_group_ids        = [local.contract["network/sagemaker-security-group-id"]]
  ssm_prefix                = local.ssm_prefix
  key_administrator_arns    = local.key_administrators
  key_reader_arns           = [local.ci_plan_role_arn]
  force_destroy             = var.force_destroy
  # The environment's package repository, for the pipeline jobs' packages (packages.tf).
  package_repositories = local.package_repositories
}
