mock_provider "aws" {}

override_data {
  target = data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:role/terraform-deploy"
    user_id    = "AROAEXAMPLEEXAMPLE"
  }
}

override_data {
  target = data.aws_partition.current
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

variables {
  bucket_name                = "mlops-dev-data-111111111111"
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  allowed_vpc_endpoint_ids   = ["vpce-0123456789abcdef0"]
  vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/terraform-deploy"]
  logging = {
    target_bucket = "mlops-dev-access-logs-111111111111"
    target_prefix = "s3/mlops-dev-data-111111111111/"
  }
}

run "kms_bucket_hardening" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.bucket == var.bucket_name && aws_s3_bucket.this.force_destroy == false
    error_message = "The bucket must use bucket_name and must not be force-destroyable by default."
  }

  assert {
    condition     = output.bucket_name == "mlops-dev-data-111111111111" && output.bucket_arn == "arn:aws:s3:::mlops-dev-data-111111111111"
    error_message = "bucket_name and bucket_arn outputs must be known at plan time and match the bucket."
  }

  assert {
    condition     = one(aws_s3_bucket_ownership_controls.this.rule).object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled (BucketOwnerEnforced)."
  }

  assert {
    condition = (
      aws_s3_bucket_public_access_block.this.block_public_acls &&
      aws_s3_bucket_public_access_block.this.block_public_policy &&
      aws_s3_bucket_public_access_block.this.ignore_public_acls &&
      aws_s3_bucket_public_access_block.this.restrict_public_buckets
    )
    error_message = "All four public access block settings must be true."
  }

  assert {
    condition     = one(aws_s3_bucket_versioning.this.versioning_configuration).status == "Enabled"
    error_message = "Versioning must be enabled."
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == var.kms_key_arn &&
      one(aws_s3_bucket_server_side_encryption_configuration.this.rule).bucket_key_enabled == true
    )
    error_message = "Default encryption must be SSE-KMS with kms_key_arn and S3 Bucket Keys."
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).noncurrent_version_expiration).noncurrent_days == 90 &&
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).abort_incomplete_multipart_upload).days_after_initiation == 7 &&
      length(one(aws_s3_bucket_lifecycle_configuration.this.rule).transition) == 0 &&
      length(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration) == 0 &&
      one(aws_s3_bucket_lifecycle_configuration.this.rule).status == "Enabled"
    )
    error_message = "Default lifecycle: noncurrent versions expire after 90 days, multipart uploads abort after 7 days, no transition/expiration."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 1 && aws_s3_bucket_logging.this[0].target_bucket == "mlops-dev-access-logs-111111111111" && aws_s3_bucket_logging.this[0].target_prefix == "s3/mlops-dev-data-111111111111/"
    error_message = "Access logging must go to logging.target_bucket with logging.target_prefix."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy) == jsondecode(output.policy_json)
    error_message = "policy_json must be the policy attached to the bucket."
  }

  assert {
    condition     = [for s in jsondecode(output.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption", "DenyAccessOutsideVpcEndpoints"]
    error_message = "A KMS bucket behind VPC endpoints must have exactly the TLS, KMS-key, KMS-only and VPC-endpoint deny statements."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyInsecureTransport"]) == {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-data-111111111111/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
    error_message = "DenyInsecureTransport must deny every non-TLS request on the bucket and its objects."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyWrongKmsKey"]) == {
      Sid       = "DenyWrongKmsKey"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::mlops-dev-data-111111111111/*"
      Condition = {
        Null            = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "false" }
        StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555" }
      }
    }
    error_message = "DenyWrongKmsKey must deny uploads that name another KMS key."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyNonKmsEncryption"]) == {
      Sid       = "DenyNonKmsEncryption"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::mlops-dev-data-111111111111/*"
      Condition = {
        Null            = { "s3:x-amz-server-side-encryption" = "false" }
        StringNotEquals = { "s3:x-amz-server-side-encryption" = "aws:kms" }
      }
    }
    error_message = "DenyNonKmsEncryption must deny uploads that request a non-KMS encryption."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]) == {
      Sid       = "DenyAccessOutsideVpcEndpoints"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-data-111111111111/*"]
      Condition = {
        StringNotEquals = { "aws:SourceVpce" = ["vpce-0123456789abcdef0"] }
        ArnNotLike      = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/terraform-deploy"] }
        Bool            = { "aws:PrincipalIsAWSService" = "false" }
      }
    }
    error_message = "DenyAccessOutsideVpcEndpoints must deny non-endpoint access except for exempt principals and AWS services."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.policy_json).Statement : s.Effect == "Deny"])
    error_message = "A non-log bucket without additional statements must not contain any Allow statement."
  }
}

run "vpce_without_exempt_principals" {
  command = plan

  variables {
    vpce_exempt_principal_arns = []
    allowed_vpc_endpoint_ids   = ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"]
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition == {
      StringNotEquals = { "aws:SourceVpce" = ["vpce-0123456789abcdef0", "vpce-0fedcba9876543210"] }
      Bool            = { "aws:PrincipalIsAWSService" = "false" }
    }
    error_message = "Without exempt principals the ArnNotLike condition key must be omitted."
  }
}

run "no_vpc_endpoints" {
  command = plan

  variables {
    allowed_vpc_endpoint_ids   = []
    vpce_exempt_principal_arns = []
    logging                    = null
  }

  assert {
    condition     = [for s in jsondecode(output.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption"]
    error_message = "Without allowed_vpc_endpoint_ids there must be no VPC endpoint deny."
  }

  assert {
    condition     = length(aws_s3_bucket_logging.this) == 0 && output.logging_target == null
    error_message = "Without logging no aws_s3_bucket_logging may be created."
  }
}

run "access_log_target_bucket" {
  command = plan

  variables {
    bucket_name            = "mlops-dev-access-logs-111111111111"
    kms_key_arn            = null
    access_log_target      = true
    log_source_bucket_arns = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-models-111111111111"]
    logging                = null
    lifecycle_rules        = { expiration_days = 365 }
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "AES256" &&
      one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).kms_master_key_id == null
    )
    error_message = "Access-log target buckets must use SSE-S3 (AES256)."
  }

  assert {
    condition     = [for s in jsondecode(output.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyAccessOutsideVpcEndpoints", "AllowS3ServerAccessLogs"]
    error_message = "Access-log target buckets must have the TLS and VPC endpoint denies and the logging-service allow, and no KMS denies."
  }

  assert {
    condition = one([for s in jsondecode(output.policy_json).Statement : s if s.Sid == "AllowS3ServerAccessLogs"]) == {
      Sid       = "AllowS3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::mlops-dev-access-logs-111111111111/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = "111111111111" }
        ArnLike      = { "aws:SourceArn" = ["arn:aws:s3:::mlops-dev-data-111111111111", "arn:aws:s3:::mlops-dev-models-111111111111"] }
      }
    }
    error_message = "The S3 logging service may only put objects for this account's listed source buckets."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration).days == 365
    error_message = "lifecycle_rules.expiration_days must become an expiration action."
  }
}

run "lifecycle_transition_and_expiration" {
  command = plan

  variables {
    lifecycle_rules = {
      noncurrent_version_expiration_days     = 30
      abort_incomplete_multipart_upload_days = 3
      transition_to_standard_ia_days         = 30
      expiration_days                        = 400
    }
  }

  assert {
    condition = (
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).noncurrent_version_expiration).noncurrent_days == 30 &&
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).abort_incomplete_multipart_upload).days_after_initiation == 3 &&
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).transition).days == 30 &&
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).transition).storage_class == "STANDARD_IA" &&
      one(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration).days == 400
    )
    error_message = "All lifecycle_rules settings must be rendered into the lifecycle rule."
  }
}

run "additional_statements_appended" {
  command = plan

  variables {
    additional_policy_statements = [
      {
        Sid       = "CrossAccountRead"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222222222222:role/mlops-prod-deploy" }
        Action    = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource  = "arn:aws:s3:::mlops-dev-data-111111111111/*"
      },
      {
        Sid       = "CrossAccountList"
        Effect    = "Allow"
        Principal = { AWS = ["arn:aws:iam::222222222222:role/mlops-prod-deploy"] }
        Action    = "s3:ListBucket"
        Resource  = "arn:aws:s3:::mlops-dev-data-111111111111"
        Condition = { StringLike = { "s3:prefix" = ["models/*"] } }
      },
    ]
  }

  assert {
    condition     = [for s in jsondecode(output.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption", "DenyAccessOutsideVpcEndpoints", "CrossAccountRead", "CrossAccountList"]
    error_message = "additional_policy_statements must be appended after the module's statements."
  }

  assert {
    condition     = jsondecode(output.policy_json).Statement[5].Condition == { StringLike = { "s3:prefix" = ["models/*"] } }
    error_message = "additional_policy_statements must be appended verbatim."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # invalid_bucket_name_uppercase
    bucket_name = "MLOps-Data"

    # kms_alias_instead_of_key_arn
    kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"

    # log_sources_without_log_target
    log_source_bucket_arns = ["arn:aws:s3:::mlops-dev-models-111111111111"]

    # invalid_vpc_endpoint_id
    allowed_vpc_endpoint_ids = ["vpc-0123456789abcdef0"]

    # lifecycle_noncurrent_zero
    lifecycle_rules = { noncurrent_version_expiration_days = 0 }

    # additional_statements_not_a_list
    additional_policy_statements = { Sid = "x", Effect = "Allow" }

    # invalid_tags
    tags = { "aws:cloudformation:stack-name" = "x" }
  }

  expect_failures = [
    var.bucket_name,
    var.kms_key_arn,
    var.log_source_bucket_arns,
    var.allowed_vpc_endpoint_ids,
    var.lifecycle_rules,
    var.additional_policy_statements,
    var.tags,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # invalid_bucket_name_short
    bucket_name = "ab"

    # kms_key_missing
    kms_key_arn = null

    # invalid_exempt_principal
    vpce_exempt_principal_arns = ["*"]

    # lifecycle_abort_zero
    lifecycle_rules = { abort_incomplete_multipart_upload_days = 0 }

    # additional_statement_without_effect
    additional_policy_statements = [{ Sid = "x", Action = "s3:GetObject" }]
  }

  expect_failures = [
    var.bucket_name,
    var.kms_key_arn,
    var.vpce_exempt_principal_arns,
    var.lifecycle_rules,
    var.additional_policy_statements,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # invalid_bucket_name_double_dot
    bucket_name = "mlops..data"

    # kms_key_on_log_target
    access_log_target      = true
    log_source_bucket_arns = ["arn:aws:s3:::mlops-dev-models-111111111111"]
    logging                = null

    # exempt_principal_without_endpoints
    allowed_vpc_endpoint_ids = []

    # lifecycle_transition_too_early
    lifecycle_rules = { transition_to_standard_ia_days = 10 }

    # additional_statement_public_allow
    additional_policy_statements = [{ Sid = "Public", Effect = "Allow", Principal = { AWS = "*" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::mlops-dev-data-111111111111/*" }]
  }

  expect_failures = [
    var.bucket_name,
    var.kms_key_arn,
    var.vpce_exempt_principal_arns,
    var.lifecycle_rules,
    var.additional_policy_statements,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # invalid_bucket_name_ip
    bucket_name = "192.168.5.4"

    # log_target_without_sources
    kms_key_arn       = null
    access_log_target = true
    logging           = null

    # lifecycle_expiration_zero
    lifecycle_rules = { expiration_days = 0 }

    # additional_statement_reserved_sid
    additional_policy_statements = [{ Sid = "DenyInsecureTransport", Effect = "Allow", Principal = { AWS = "arn:aws:iam::222222222222:root" }, Action = "s3:GetObject", Resource = "arn:aws:s3:::mlops-dev-data-111111111111/*" }]
  }

  expect_failures = [
    var.bucket_name,
    var.log_source_bucket_arns,
    var.lifecycle_rules,
    var.additional_policy_statements,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # invalid_bucket_name_reserved_suffix
    bucket_name = "mlops-data-s3alias"

    # invalid_log_source_arn
    kms_key_arn            = null
    access_log_target      = true
    logging                = null
    log_source_bucket_arns = ["mlops-dev-models-111111111111"]

    # lifecycle_expiration_before_transition
    lifecycle_rules = { transition_to_standard_ia_days = 60, expiration_days = 60 }
  }

  expect_failures = [
    var.bucket_name,
    var.log_source_bucket_arns,
    var.lifecycle_rules,
  ]
}

run "invalid_bucket_name_too_long" {
  command = plan
  variables {
    bucket_name = "mlops-dev-data-111111111111-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
  }
  expect_failures = [var.bucket_name]
}

run "logging_into_itself" {
  command = plan
  variables {
    logging = {
      target_bucket = "mlops-dev-data-111111111111"
      target_prefix = "self/"
    }
  }
  expect_failures = [var.logging]
}

run "logging_invalid_prefix" {
  command = plan
  variables {
    logging = {
      target_bucket = "mlops-dev-access-logs-111111111111"
      target_prefix = "/s3/"
    }
  }
  expect_failures = [var.logging]
}

