# The state backend of one account: a KMS key, the state bucket (with its access-log bucket) and
# the DynamoDB lock table. Its own state is moved into the bucket it creates (see README).

data "aws_caller_identity" "current" {}

locals {
  name_prefix  = "${var.prefix}-${var.environment}"
  account_id   = data.aws_caller_identity.current.account_id
  state_bucket = "${local.name_prefix}-tfstate-${local.account_id}"
  log_bucket   = "${local.name_prefix}-tfstate-logs-${local.account_id}"
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
  user_arn_patterns       = [var.deploy_role_arn]
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
