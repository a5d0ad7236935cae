data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  data_bucket_name       = "${var.name_prefix}-data-${local.account_id}"
  models_bucket_name     = "${var.name_prefix}-models-${local.account_id}"
  access_log_bucket_name = "${var.name_prefix}-access-logs-${local.account_id}"

  # Only the data and models buckets, and the environment's other buckets the
  # caller names (e.g. the project template bucket and project artifact
  # buckets), may deliver server access logs; matched with ArnLike on
  # aws:SourceArn, together with aws:SourceAccount = this account.
  log_source_bucket_arns = concat([
    "arn:${local.partition}:s3:::${local.data_bucket_name}",
    "arn:${local.partition}:s3:::${local.models_bucket_name}",
  ], var.additional_log_source_bucket_arn_patterns)
}

# Receives S3 server access logs. AWS delivers server access logs only to
# buckets whose default encryption is SSE-S3, so this bucket can not use the
# KMS key; it gets the same TLS and VPC endpoint denies (the logging service is
# exempt through aws:PrincipalIsAWSService) and expires logs after the
# retention period.
module "access_logs" {
  source = "../s3-bucket"

  bucket_name            = local.access_log_bucket_name
  kms_key_arn            = null
  access_log_target      = true
  log_source_bucket_arns = local.log_source_bucket_arns
  logging                = null

  allowed_vpc_endpoint_ids   = var.allowed_vpc_endpoint_ids
  vpce_exempt_principal_arns = var.vpce_exempt_principal_arns

  lifecycle_rules = {
    noncurrent_version_expiration_days     = var.lifecycle_rules.noncurrent_version_expiration_days
    abort_incomplete_multipart_upload_days = var.lifecycle_rules.abort_incomplete_multipart_upload_days
    expiration_days                        = var.access_log_retention_days
  }

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "access-logs" })
}

module "data" {
  source = "../s3-bucket"

  bucket_name = local.data_bucket_name
  kms_key_arn = var.kms_key_arn

  logging = {
    target_bucket = module.access_logs.bucket_name
    target_prefix = "s3/${local.data_bucket_name}/"
  }

  allowed_vpc_endpoint_ids   = var.allowed_vpc_endpoint_ids
  vpce_exempt_principal_arns = var.vpce_exempt_principal_arns
  lifecycle_rules            = var.lifecycle_rules

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "data" })
}

module "models" {
  source = "../s3-bucket"

  bucket_name = local.models_bucket_name
  kms_key_arn = var.kms_key_arn

  logging = {
    target_bucket = module.access_logs.bucket_name
    target_prefix = "s3/${local.models_bucket_name}/"
  }

  allowed_vpc_endpoint_ids     = var.allowed_vpc_endpoint_ids
  vpce_exempt_principal_arns   = var.vpce_exempt_principal_arns
  lifecycle_rules              = var.lifecycle_rules
  additional_policy_statements = var.models_additional_policy_statements

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "models" })
}
