# The single stack of a target account (staging, prod): the private network with the endpoints a
# SageMaker endpoint needs, the flow-log key, and what hosting the projects' models needs
# (modules/model-hosting), published as the SSM contract /<prefix>/<stage>/…. Every target
# account runs this same stack with its own values; it never reads the source account's state:
# the source models bucket, data key alias and model registry are derived from names.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  name_prefix = "${var.prefix}-${var.environment}"
  ssm_prefix  = "/${var.prefix}/${var.environment}"
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  region      = data.aws_region.current.name

  # Every role of this environment is named <prefix>-<env>-*; only those may use the keys.
  environment_roles = "arn:${local.partition}:iam::${local.account_id}:role/${local.name_prefix}-*"
  # The GitHub Actions roles and OIDC provider created by this account's bootstrap
  # (deterministic names; an account has one provider per issuer URL).
  ci_plan_role_arn  = module.ci_role_names.plan_role_arn
  ci_apply_role_arn = module.ci_role_names.apply_role_arn
  github_oidc_arn   = "arn:${local.partition}:iam::${local.account_id}:oidc-provider/token.actions.githubusercontent.com"
  administrators    = distinct(concat([var.deploy_role_arn], var.kms.administrator_arns, [local.ci_apply_role_arn]))
  # GitHub-hosted runners are outside the VPC: Terraform (deploy role, CI roles) manages the
  # buckets from outside the S3 endpoint.
  vpce_exempt_principals = distinct(concat(local.administrators, [local.ci_plan_role_arn]))

  # The source (dev) environment, by deterministic names only.
  source_name_prefix       = "${var.prefix}-${var.model_source.env}"
  source_models_bucket_arn = "arn:${local.partition}:s3:::${local.source_name_prefix}-models-${var.model_source.account_id}"
  source_data_key_alias    = "arn:${local.partition}:kms:${local.region}:${var.model_source.account_id}:alias/${local.source_name_prefix}-data"

  # Interface endpoints a VPC-only SageMaker endpoint needs (API, runtime for the endpoint test
  # from inside, STS, logs, metrics, image pulls, keys); env.yaml may add more.
  required_interface_endpoints = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "monitoring", "ecr.api", "ecr.dkr", "kms"]
  # Buckets owned by AWS that SageMaker needs through the S3 gateway endpoint: ECR image layers.
  aws_service_buckets = ["arn:${local.partition}:s3:::prod-${local.region}-starport-layer-bucket"]

  # What the S3 gateway endpoint lets through: the source models bucket (read by the model
  # execution role; of the source account), the local data-capture and access-log buckets and
  # what env.yaml adds (of this account), and, read-only, the ECR layer bucket (AWS-owned).
  s3_endpoint_allowed_bucket_arns = distinct(concat([local.source_models_bucket_arn], module.model_hosting.bucket_arns, var.network.s3_endpoint_extra_bucket_arns))

  # The Model Monitor analyzer image's registry per region (AWS-owned; the SageMaker Python SDK's
  # image_uri_config/model-monitor.json).
  model_monitor_registries = jsondecode(file("${path.module}/model_monitor_registries.json"))
  model_monitor_registry   = lookup(local.model_monitor_registries, local.region, null)
  model_monitor_repository = "arn:${local.partition}:ecr:${local.region}:${coalesce(local.model_monitor_registry, "000000000000")}:repository/sagemaker-model-monitor-analyzer"
  model_monitor_image_uri  = "${coalesce(local.model_monitor_registry, "000000000000")}.dkr.ecr.${local.region}.${data.aws_partition.current.dns_suffix}/sagemaker-model-monitor-analyzer"

  projects       = { for name, p in var.projects : name => { repository = { owner = split("/", p.repository)[0], name = split("/", p.repository)[1] }, serving = p.serving, batch = p.batch } }
  batch_projects = [for name, p in var.projects : name if p.serving == "batch"]
}

# The GitHub Actions roles' names and ARNs: the platform's one rule (modules/ci-role-names).
module "ci_role_names" {
  source = "../../../modules/ci-role-names"

  name_prefix = local.name_prefix
  partition   = local.partition
  account_id  = local.account_id
}

module "kms" {
  source = "../../../modules/kms"

  name_prefix = local.name_prefix
  keys = {
    logs = { description = "CloudWatch log groups of ${local.name_prefix}", allow_cloudwatch_logs = true }
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
  interface_endpoint_services       = distinct(concat(local.required_interface_endpoints, var.network.interface_endpoints))
  s3_endpoint_allowed_bucket_arns   = local.s3_endpoint_allowed_bucket_arns
  s3_endpoint_bucket_owner_accounts = [var.model_source.account_id] # the source models bucket
  s3_endpoint_aws_owned_bucket_arns = local.aws_service_buckets
  flow_logs_kms_key_arn             = module.kms.key_arns["logs"]
  flow_logs_retention_days          = var.network.flow_logs_retention_days
}

module "model_hosting" {
  source = "../../../modules/model-hosting"

  name_prefix = local.name_prefix
  stage       = var.environment

  source_account_id         = var.model_source.account_id
  source_name_prefix        = local.source_name_prefix
  source_models_bucket_arn  = local.source_models_bucket_arn
  source_data_key_alias_arn = local.source_data_key_alias

  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  security_group_ids         = [module.network.sagemaker_security_group_id]
  endpoint_instance_types    = var.endpoint_instance_types
  transform_instance_types   = var.transform_instance_types
  s3_vpc_endpoint_ids        = [module.network.s3_gateway_endpoint_id]
  vpce_exempt_principal_arns = local.vpce_exempt_principals

  oidc_provider_arn  = local.github_oidc_arn
  projects           = local.projects
  ssm_parameter_path = local.ssm_prefix

  kms_administrator_arns   = local.administrators
  kms_read_only_arns       = [local.ci_plan_role_arn]
  kms_deletion_window_days = var.kms.deletion_window_days
  kms_rotation_period_days = var.kms.rotation_period_days

  notification_emails                = var.monitoring.notification_emails
  model_monitor_image_repository_arn = local.model_monitor_repository

  force_destroy = var.force_destroy
}

locals {
  # The contract the deploy workflows read: /<prefix>/<stage>/<group>/<name>.
  contract = merge(
    {
      "network/vpc-id"                      = module.network.vpc_id
      "network/private-subnet-ids"          = join(",", module.network.private_subnet_ids)
      "network/sagemaker-security-group-id" = module.network.sagemaker_security_group_id
      "kms/endpoint-key-arn"                = module.model_hosting.endpoint_key_arn
      "storage/data-capture-bucket"         = module.model_hosting.data_capture_bucket_name
      "hosting/model-execution-role-arn"    = module.model_hosting.model_execution_role_arn
      "monitoring/alerts-topic-arn"         = module.model_hosting.alerts_topic_arn
      "monitoring/monitor-role-arn"         = module.model_hosting.model_monitor_role_arn
      "monitoring/analyzer-image-uri"       = local.model_monitor_image_uri
      "monitoring/settings"                 = jsonencode(var.monitoring.settings)
    },
    { for project, arn in module.model_hosting.deploy_role_arns : "hosting/projects/${project}/deploy-role-arn" => arn },
    # How the project's model runs here (realtime: an endpoint, batch: a schedule); the deploy code dispatches on it.
    { for project, p in var.projects : "hosting/projects/${project}/serving" => p.serving },
    { for project, arn in module.model_hosting.batch_pipeline_role_arns : "hosting/projects/${project}/batch-pipeline-role-arn" => arn },
    length(local.batch_projects) > 0 ? { "storage/batch-bucket" = module.model_hosting.batch_bucket_name } : {},
  )
  # Keys known at plan time (values are not, before the first apply).
  contract_keys = concat(
    ["network/vpc-id", "network/private-subnet-ids", "network/sagemaker-security-group-id", "kms/endpoint-key-arn", "storage/data-capture-bucket", "hosting/model-execution-role-arn"],
    ["monitoring/alerts-topic-arn", "monitoring/monitor-role-arn", "monitoring/analyzer-image-uri", "monitoring/settings"],
    [for project in keys(var.projects) : "hosting/projects/${project}/deploy-role-arn"],
    [for project in keys(var.projects) : "hosting/projects/${project}/serving"],
    [for project in local.batch_projects : "hosting/projects/${project}/batch-pipeline-role-arn"],
    length(local.batch_projects) > 0 ? ["storage/batch-bucket"] : [],
  )
}

resource "aws_ssm_parameter" "contract" {
  # checkov:skip=CKV2_AWS_34: The contract holds identifiers (VPC, subnet, key and bucket names), not secrets; every platform role must read it without a decrypt grant.
  for_each = toset(local.contract_keys)

  name        = "${local.ssm_prefix}/${each.key}"
  description = "Platform contract of ${local.name_prefix}: ${each.key}"
  type        = each.key == "network/private-subnet-ids" ? "StringList" : "String"
  value       = local.contract[each.key]

  lifecycle {
    precondition {
      condition     = local.model_monitor_registry != null
      error_message = "The Model Monitor analyzer image has no registry in ${local.region} (envs/stacks/hosting/model_monitor_registries.json); add the region's registry account from the SageMaker Python SDK's image_uri_config/model-monitor.json."
    }
  }
}
