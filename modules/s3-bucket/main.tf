data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Deterministic ARNs so that the policy is fully known at plan time.
  bucket_arn  = "arn:${local.partition}:s3:::${var.bucket_name}"
  objects_arn = "${local.bucket_arn}/*"

  use_kms = !var.access_log_target

  # Conditions of one statement are ANDed: a request is denied only if it is
  # outside the allowed endpoints AND not from an exempt principal AND not made
  # by an AWS service principal (e.g. logging.s3.amazonaws.com).
  vpce_deny_conditions = merge(
    {
      StringNotEquals = { "aws:SourceVpce" = var.allowed_vpc_endpoint_ids }
      Bool            = { "aws:PrincipalIsAWSService" = "false" }
    },
    length(var.vpce_exempt_principal_arns) == 0 ? {} : {
      ArnNotLike = { "aws:PrincipalArn" = var.vpce_exempt_principal_arns }
    },
  )

  # Statements have different shapes, so they are filtered from a tuple of
  # { include, statement } candidates instead of concatenating conditional lists.
  module_statements = [
    for candidate in [
      {
        include = true
        statement = {
          Sid       = "DenyInsecureTransport"
          Effect    = "Deny"
          Principal = "*"
          Action    = "s3:*"
          Resource  = [local.bucket_arn, local.objects_arn]
          Condition = { Bool = { "aws:SecureTransport" = "false" } }
        }
      },
      {
        include = local.use_kms
        statement = {
          Sid       = "DenyWrongKmsKey"
          Effect    = "Deny"
          Principal = "*"
          Action    = "s3:PutObject"
          Resource  = local.objects_arn
          # Only requests that NAME a key are checked (Null = false: the header is present) and
          # denied when it is another key. Uploads without the header get the bucket's default key.
          # StringNotEqualsIfExists would be wrong here: an absent key makes it true, denying them.
          Condition = {
            Null            = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" }
            StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = var.kms_key_arn }
          }
        }
      },
      {
        include = local.use_kms
        statement = {
          Sid       = "DenyNonKmsEncryption"
          Effect    = "Deny"
          Principal = "*"
          Action    = "s3:PutObject"
          Resource  = local.objects_arn
          # Same shape: deny an explicit request for another encryption type (e.g. AES256).
          Condition = {
            Null            = { "s3:x-amz-server-side-encryption" = "false" }
            StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
          }
        }
      },
      {
        include = length(var.allowed_vpc_endpoint_ids) > 0
        statement = {
          Sid       = "DenyAccessOutsideVpcEndpoints"
          Effect    = "Deny"
          Principal = "*"
          Action    = "s3:*"
          Resource  = [local.bucket_arn, local.objects_arn]
          Condition = local.vpce_deny_conditions
        }
      },
      {
        include = var.access_log_target
        statement = {
          Sid       = "AllowS3ServerAccessLogs"
          Effect    = "Allow"
          Principal = { Service = "logging.s3.amazonaws.com" }
          Action    = "s3:PutObject"
          Resource  = local.objects_arn
          Condition = {
            StringEquals = { "aws:SourceAccount" = local.account_id }
            ArnLike      = { "aws:SourceArn" = var.log_source_bucket_arns }
          }
        }
      },
    ] : candidate.statement if candidate.include
  ]

  policy = {
    Version   = "2012-10-17"
    Statement = concat(local.module_statements, var.additional_policy_statements)
  }

  policy_json = jsonencode(local.policy)
}

resource "aws_s3_bucket" "this" {
  # checkov:skip=CKV_AWS_144: Cross-region replication is a per-environment disaster-recovery decision that needs a destination bucket and KMS key in another region; versioning is always enabled so a caller can add aws_s3_bucket_replication_configuration where the data classification requires it.
  # checkov:skip=CKV2_AWS_62: A bucket has exactly one notification configuration; creating it in this generic module would conflict with consumers (e.g. pipeline triggers via EventBridge) that manage their own aws_s3_bucket_notification. Callers enable notifications where a consumer exists.
  # checkov:skip=CKV_AWS_145: Only buckets that RECEIVE S3 server access logs (access_log_target = true) use SSE-S3, because S3 delivers server access logs only to SSE-S3 buckets; every other bucket must use SSE-KMS (enforced by the kms_key_arn validation). Reported on plan JSON only, where the log bucket's AES256 is resolved.
  bucket        = var.bucket_name
  force_destroy = var.force_destroy

  tags = merge(var.tags, { Name = var.bucket_name })
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket = aws_s3_bucket.this.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.use_kms ? "aws:kms" : "AES256"
      kms_master_key_id = local.use_kms ? var.kms_key_arn : null
    }
    bucket_key_enabled = local.use_kms
  }

  lifecycle {
    precondition {
      condition     = local.use_kms ? var.kms_key_arn != null : var.kms_key_arn == null
      error_message = "kms_key_arn is required for SSE-KMS buckets and must be null for access-log target buckets (SSE-S3)."
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "default"
    status = "Enabled"

    filter {}

    abort_incomplete_multipart_upload {
      days_after_initiation = var.lifecycle_rules.abort_incomplete_multipart_upload_days
    }

    noncurrent_version_expiration {
      noncurrent_days = var.lifecycle_rules.noncurrent_version_expiration_days
    }

    dynamic "transition" {
      for_each = var.lifecycle_rules.transition_to_standard_ia_days == null ? [] : [var.lifecycle_rules.transition_to_standard_ia_days]
      content {
        days          = transition.value
        storage_class = "STANDARD_IA"
      }
    }

    dynamic "expiration" {
      for_each = var.lifecycle_rules.expiration_days == null ? [] : [var.lifecycle_rules.expiration_days]
      content {
        days = expiration.value
      }
    }
  }

  # Noncurrent-version rules need versioning to be configured first.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.logging == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.logging.target_bucket
  target_prefix = var.logging.target_prefix
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = local.policy_json

  # With block_public_policy the policy is validated against the block; apply
  # the block first so the bucket is never public, even transiently.
  depends_on = [aws_s3_bucket_public_access_block.this]
}
