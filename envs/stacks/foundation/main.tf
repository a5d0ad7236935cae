# Foundation of an environment: customer-managed keys, the private network with its endpoints,
# the data/models buckets, and the SSM parameter contract that later stacks read.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name_prefix = "${var.prefix}-${var.environment}"
  ssm_prefix  = "/${var.prefix}/${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition

  # Every role of this environment is named <prefix>-<env>-*; only those may use the keys (and
  # only if their IAM policy allows it too).
  environment_roles = "arn:${local.partition}:iam::${local.account_id}:role/${local.name_prefix}-*"
  # The GitHub Actions roles created by bootstrap (deterministic names): the apply role manages
  # the keys after the first apply by the deploy role, the plan role only reads them.
  # Buckets created by SageMaker project templates (the launch role may only create these names).
  project_buckets = "arn:${local.partition}:s3:::${local.name_prefix}-project-*"

  ci_plan_role_arn  = module.ci_role_names.plan_role_arn
  ci_apply_role_arn = module.ci_role_names.apply_role_arn
  administrators    = distinct(concat([var.deploy_role_arn], var.kms.administrator_arns, [local.ci_apply_role_arn]))
  # The projects' CI roles (projects stack, deterministic names) upload pipeline code from GitHub.
  project_ci_role_arns = module.ci_role_names.project_ci_role_arns
  # The projects' pipeline roles (projects stack): SageMaker Pipelines reads a step's property file
  # (the evaluation report) as the pipeline role from the service's own network, not through the VPC.
  # Only SageMaker of this account can assume them, and they read only their project's prefix.
  project_pipeline_role_arns = [for name in var.project_names : "arn:${local.partition}:iam::${local.account_id}:role/${local.name_prefix}-${name}-pipeline"]

  # Deterministic ARNs of the target accounts' model execution roles: dev grants them without
  # reading the target accounts' state (they need not exist yet).
  model_execution_roles = flatten([
    for stage, accounts in var.target_accounts : [
      for account in accounts : "arn:${local.partition}:iam::${account}:role/${var.prefix}-${stage}-model-execution"
    ]
  ])
  # The target accounts' deploy roles (one per stage and project, deterministic names): a deployment
  # reads a package's archive to check its SHA-256 against the one recorded at registration.
  stage_deploy_roles = flatten([
    for stage, accounts in var.target_accounts : [
      for account in accounts : [
        for project in var.project_names : "arn:${local.partition}:iam::${account}:role/${var.prefix}-${stage}-${project}-deploy"
      ]
    ]
  ])
  # Who reads the models from the target accounts.
  model_readers     = concat(local.model_execution_roles, local.stage_deploy_roles)
  models_bucket_arn = "arn:${local.partition}:s3:::${local.name_prefix}-models-${local.account_id}"
  cross_account_model_read = length(local.model_execution_roles) == 0 ? [] : [
    {
      Sid       = "TargetAccountsReadModels"
      Effect    = "Allow"
      Principal = { AWS = distinct([for arn in local.model_readers : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"]) }
      Action    = ["s3:GetObject", "s3:GetObjectVersion"]
      Resource  = "${local.models_bucket_arn}/*"
      Condition = { ArnEquals = { "aws:PrincipalArn" = local.model_readers } }
    },
    {
      Sid       = "TargetAccountsListModels"
      Effect    = "Allow"
      Principal = { AWS = distinct([for arn in local.model_execution_roles : "arn:${local.partition}:iam::${split(":", arn)[4]}:root"]) }
      Action    = ["s3:ListBucket", "s3:GetBucketLocation"]
      Resource  = local.models_bucket_arn
      Condition = { ArnEquals = { "aws:PrincipalArn" = local.model_execution_roles } }
    },
  ]

  # Buckets owned by AWS that SageMaker needs through the S3 gateway endpoint: ECR image layers.
  aws_service_buckets = ["arn:${local.partition}:s3:::prod-${data.aws_region.current.name}-starport-layer-bucket"]
}

# The GitHub Actions roles' names and ARNs: the platform's one rule (modules/ci-role-names).
module "ci_role_names" {
  source = "../../../modules/ci-role-names"

  name_prefix   = local.name_prefix
  partition     = local.partition
  account_id    = local.account_id
  project_names = var.project_names
}

module "kms" {
  source = "../../../modules/kms"

  name_prefix = local.name_prefix
  keys = {
    data = {
      description                        = "S3 data, models and artifacts of ${local.name_prefix}"
      cross_account_s3_decrypt_role_arns = local.model_readers
    }
    ebs    = { description = "EBS volumes of training, processing and endpoints in ${local.name_prefix}" }
    studio = { description = "SageMaker Studio home storage of ${local.name_prefix}" }
    logs   = { description = "CloudWatch log groups of ${local.name_prefix}", allow_cloudwatch_logs = true }
  }
  administrator_arns      = local.administrators
  read_only_arns          = [local.ci_plan_role_arn]
  user_arn_patterns       = [local.environment_roles]
  deletion_window_in_days = var.kms.deletion_window_days
  rotation_period_in_days = var.kms.rotation_period_days
}

module "network" {
  source = "../../../modules/network"

  name_prefix                       = local.name_prefix
  vpc_cidr                          = var.network.vpc_cidr
  private_subnet_cidrs              = var.network.private_subnet_cidrs
  existing_network                  = var.network.existing
  internet_access                   = var.network.internet_access
  public_subnet_cidrs               = var.network.public_subnet_cidrs
  interface_endpoint_services       = var.network.interface_endpoints
  s3_endpoint_allowed_bucket_arns   = concat(module.storage.bucket_arns, [local.project_buckets], var.network.s3_endpoint_extra_bucket_arns)
  s3_endpoint_aws_owned_bucket_arns = concat(local.aws_service_buckets, local.package_asset_buckets)
  flow_logs_kms_key_arn             = module.kms.key_arns["logs"]
  flow_logs_retention_days          = var.network.flow_logs_retention_days
}

module "storage" {
  source = "../../../modules/storage"

  name_prefix = local.name_prefix
  # The template bucket (platform stack) and the buckets project templates create log here too.
  additional_log_source_bucket_arn_patterns = [
    "arn:${local.partition}:s3:::${local.name_prefix}-sc-templates-${local.account_id}",
    local.project_buckets,
  ]
  kms_key_arn              = module.kms.key_arns["data"]
  allowed_vpc_endpoint_ids = [module.network.s3_gateway_endpoint_id]
  # The target accounts' model execution roles reach the models bucket through their own
  # accounts' endpoints, so they are exempt (by exact ARN) from "only through our endpoint".
  # The projects' CI roles run on GitHub-hosted runners too (their policy: PutObject under <project>/code/ only);
  # the projects' pipeline roles are SageMaker Pipelines' own (property files, read-only).
  vpce_exempt_principal_arns          = concat(local.administrators, [local.ci_plan_role_arn], local.model_readers, local.project_ci_role_arns, local.project_pipeline_role_arns)
  models_additional_policy_statements = local.cross_account_model_read
  lifecycle_rules = {
    noncurrent_version_expiration_days     = var.storage.noncurrent_version_expiration_days
    abort_incomplete_multipart_upload_days = var.storage.abort_incomplete_multipart_upload_days
  }
  access_log_retention_days = var.storage.access_log_retention_days
  force_destroy             = var.storage.force_destroy
}

locals {
  # The contract later stacks (and the seed code) read: /<prefix>/<env>/<group>/<name>.
  contract = {
    "network/vpc-id"                      = module.network.vpc_id
    "network/private-subnet-ids"          = join(",", module.network.private_subnet_ids)
    "network/sagemaker-security-group-id" = module.network.sagemaker_security_group_id
    "network/endpoint-security-group-id"  = module.network.endpoint_security_group_id
    "network/s3-gateway-endpoint-id"      = module.network.s3_gateway_endpoint_id
    "kms/data-key-arn"                    = module.kms.key_arns["data"]
    "kms/ebs-key-arn"                     = module.kms.key_arns["ebs"]
    "kms/studio-key-arn"                  = module.kms.key_arns["studio"]
    "kms/logs-key-arn"                    = module.kms.key_arns["logs"]
    "storage/data-bucket"                 = module.storage.data_bucket_name
    "storage/models-bucket"               = module.storage.models_bucket_name
    "storage/access-log-bucket"           = module.storage.access_log_bucket_name
  }
}

resource "aws_ssm_parameter" "contract" {
  # checkov:skip=CKV2_AWS_34: The contract holds identifiers (VPC, subnet, key and bucket names), not secrets; every platform role must read it without a decrypt grant.
  for_each = local.contract

  name        = "${local.ssm_prefix}/${each.key}"
  description = "Platform contract of ${local.name_prefix}: ${each.key}"
  type        = each.key == "network/private-subnet-ids" ? "StringList" : "String"
  value       = each.value
}
