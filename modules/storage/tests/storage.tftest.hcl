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

# The s3-bucket child modules read the same data sources.
override_data {
  target = module.data.data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:role/terraform-deploy"
    user_id    = "AROAEXAMPLEEXAMPLE"
  }
}

override_data {
  target = module.models.data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:role/terraform-deploy"
    user_id    = "AROAEXAMPLEEXAMPLE"
  }
}

override_data {
  target = module.access_logs.data.aws_caller_identity.current
  values = {
    account_id = "111111111111"
    arn        = "arn:aws:iam::111111111111:role/terraform-deploy"
    user_id    = "AROAEXAMPLEEXAMPLE"
  }
}

override_data {
  target = module.data.data.aws_partition.current
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

override_data {
  target = module.models.data.aws_partition.current
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

override_data {
  target = module.access_logs.data.aws_partition.current
  values = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

variables {
  name_prefix                = "mlops-dev"
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  allowed_vpc_endpoint_ids   = ["vpce-0123456789abcdef0"]
  vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/terraform-deploy"]
}

# One plan (same variables) for: bucket_names_and_arns, encryption, access_logging,
#   tls_and_vpc_endpoint_denies_on_every_bucket.
run "bucket_names_and_arns" {
  command = plan

  # --- bucket_names_and_arns
  assert {
    condition = (
      output.data_bucket_name == "mlops-dev-data-111111111111" &&
      output.models_bucket_name == "mlops-dev-models-111111111111" &&
      output.access_log_bucket_name == "mlops-dev-access-logs-111111111111"
    )
    error_message = "Buckets must be named <name_prefix>-{data,models,access-logs}-<account id>."
  }

  assert {
    condition = output.bucket_arns == [
      "arn:aws:s3:::mlops-dev-data-111111111111",
      "arn:aws:s3:::mlops-dev-models-111111111111",
      "arn:aws:s3:::mlops-dev-access-logs-111111111111",
    ]
    error_message = "bucket_arns must list the data, models and access-log bucket ARNs."
  }

  assert {
    condition     = output.data_bucket_arn == output.bucket_arns[0] && output.models_bucket_arn == output.bucket_arns[1] && output.access_log_bucket_arn == output.bucket_arns[2]
    error_message = "The individual ARN outputs must match bucket_arns."
  }

  # --- encryption
  assert {
    condition     = module.data.sse_algorithm == "aws:kms" && module.models.sse_algorithm == "aws:kms"
    error_message = "Data and models buckets must use SSE-KMS."
  }

  assert {
    condition     = module.access_logs.sse_algorithm == "AES256"
    error_message = "The access-log bucket must use SSE-S3 (S3 server access logs can not be delivered to SSE-KMS buckets)."
  }

  assert {
    condition = alltrue([
      for p in [module.data.policy_json, module.models.policy_json] :
      one([for s in jsondecode(p).Statement : s if s.Sid == "DenyWrongKmsKey"]).Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"] == var.kms_key_arn
    ])
    error_message = "Data and models bucket policies must deny uploads with any key other than kms_key_arn."
  }

  # --- access_logging
  assert {
    condition = module.data.logging_target == {
      target_bucket = "mlops-dev-access-logs-111111111111"
      target_prefix = "s3/mlops-dev-data-111111111111/"
    }
    error_message = "The data bucket must log to the access-log bucket under s3/<bucket>/."
  }

  assert {
    condition = module.models.logging_target == {
      target_bucket = "mlops-dev-access-logs-111111111111"
      target_prefix = "s3/mlops-dev-models-111111111111/"
    }
    error_message = "The models bucket must log to the access-log bucket under s3/<bucket>/."
  }

  assert {
    condition     = module.access_logs.logging_target == null
    error_message = "The access-log bucket must not log into itself."
  }

  assert {
    condition = one([for s in jsondecode(module.access_logs.policy_json).Statement : s if s.Sid == "AllowS3ServerAccessLogs"]) == {
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
    error_message = "Only the data and models buckets of this account may deliver logs to the access-log bucket."
  }

  # --- tls_and_vpc_endpoint_denies_on_every_bucket
  assert {
    condition = alltrue([
      for p in [module.data.policy_json, module.models.policy_json, module.access_logs.policy_json] :
      one([for s in jsondecode(p).Statement : s if s.Sid == "DenyInsecureTransport"]).Condition == { Bool = { "aws:SecureTransport" = "false" } } &&
      one([for s in jsondecode(p).Statement : s if s.Sid == "DenyInsecureTransport"]).Effect == "Deny"
    ])
    error_message = "Every bucket must deny requests without TLS."
  }

  assert {
    condition = alltrue([
      for p in [module.data.policy_json, module.models.policy_json, module.access_logs.policy_json] :
      one([for s in jsondecode(p).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]) == {
        Sid       = "DenyAccessOutsideVpcEndpoints"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [jsondecode(p).Statement[0].Resource[0], jsondecode(p).Statement[0].Resource[1]]
        Condition = {
          StringNotEquals = { "aws:SourceVpce" = ["vpce-0123456789abcdef0"] }
          ArnNotLike      = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/terraform-deploy"] }
          Bool            = { "aws:PrincipalIsAWSService" = "false" }
        }
      }
    ])
    error_message = "Every bucket (including access logs) must deny access outside the VPC endpoints except exempt principals and AWS services."
  }
}

run "additional_log_sources" {
  command = plan

  variables {
    additional_log_source_bucket_arn_patterns = [
      "arn:aws:s3:::mlops-dev-sc-templates-111111111111",
      "arn:aws:s3:::mlops-dev-project-*",
    ]
  }

  # aws:SourceArn is matched with ArnLike, so the pattern covers every
  # project artifact bucket; aws:SourceAccount still limits it to this account.
  assert {
    condition = one([for s in jsondecode(module.access_logs.policy_json).Statement : s.Condition if s.Sid == "AllowS3ServerAccessLogs"]) == {
      StringEquals = { "aws:SourceAccount" = "111111111111" }
      ArnLike = { "aws:SourceArn" = [
        "arn:aws:s3:::mlops-dev-data-111111111111",
        "arn:aws:s3:::mlops-dev-models-111111111111",
        "arn:aws:s3:::mlops-dev-sc-templates-111111111111",
        "arn:aws:s3:::mlops-dev-project-*",
      ] }
    }
    error_message = "The access-log bucket must accept logs from the data and models buckets and from the additional sources, matched with ArnLike, of this account only."
  }

  assert {
    condition     = [for s in jsondecode(module.access_logs.policy_json).Statement : s.Sid if s.Effect == "Allow"] == ["AllowS3ServerAccessLogs"]
    error_message = "Additional log sources must not add any other grant to the access-log bucket."
  }

  assert {
    condition = alltrue([
      for p in [module.data.policy_json, module.models.policy_json] :
      !strcontains(p, "logging.s3.amazonaws.com") && !strcontains(p, "mlops-dev-project-*")
    ])
    error_message = "Additional log sources concern only the access-log bucket's policy."
  }
}

run "additional_log_sources_other_partition_and_names" {
  command = plan

  variables {
    additional_log_source_bucket_arn_patterns = [
      "arn:aws-cn:s3:::mlops-dev-a.b-c",
      "arn:aws:s3:::mlops-dev-*",
      "arn:aws:s3:::mlops-dev-x*",
    ]
  }

  assert {
    condition     = length(one([for s in jsondecode(module.access_logs.policy_json).Statement : s.Condition.ArnLike["aws:SourceArn"] if s.Sid == "AllowS3ServerAccessLogs"])) == 5
    error_message = "Exact names in any partition and patterns with a trailing * under <name_prefix>- must be accepted."
  }
}

run "lifecycle_and_models_statements" {
  command = plan

  variables {
    access_log_retention_days = 400
    models_additional_policy_statements = [
      {
        Sid       = "ProdReadModels"
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::222222222222:role/mlops-prod-deploy" }
        Action    = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource  = "arn:aws:s3:::mlops-dev-models-111111111111/*"
      },
    ]
  }

  assert {
    condition = (
      module.access_logs.lifecycle_rules.expiration_days == 400 &&
      module.access_logs.lifecycle_rules.transition_to_standard_ia_days == null &&
      module.access_logs.lifecycle_rules.noncurrent_version_expiration_days == 90 &&
      module.access_logs.lifecycle_rules.abort_incomplete_multipart_upload_days == 7
    )
    error_message = "Access logs must expire after access_log_retention_days and never transition."
  }

  assert {
    condition     = module.data.lifecycle_rules.expiration_days == null && module.models.lifecycle_rules.noncurrent_version_expiration_days == 90
    error_message = "Data and models buckets must use lifecycle_rules (defaults: no expiration, 90-day noncurrent expiration)."
  }

  assert {
    condition     = [for s in jsondecode(module.models.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption", "DenyAccessOutsideVpcEndpoints", "ProdReadModels"]
    error_message = "models_additional_policy_statements must be appended to the models bucket policy."
  }

  assert {
    condition     = [for s in jsondecode(module.data.policy_json).Statement : s.Sid] == ["DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption", "DenyAccessOutsideVpcEndpoints"]
    error_message = "models_additional_policy_statements must not leak into the data bucket policy."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # invalid_name_prefix
    name_prefix = "Mlops"

    # invalid_kms_key_arn
    kms_key_arn = "alias/mlops-dev-data"

    # no_vpc_endpoints
    allowed_vpc_endpoint_ids = []

    # invalid_exempt_principal
    vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/*"]

    # invalid_lifecycle
    lifecycle_rules = { transition_to_standard_ia_days = 7 }

    # retention_too_short
    access_log_retention_days = 30

    # models_statements_not_a_list
    models_additional_policy_statements = "not a list"

    # invalid_tags
    tags = { "" = "empty key" }
  }

  expect_failures = [
    var.name_prefix,
    var.kms_key_arn,
    var.allowed_vpc_endpoint_ids,
    var.vpce_exempt_principal_arns,
    var.lifecycle_rules,
    var.access_log_retention_days,
    var.models_additional_policy_statements,
    var.tags,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # invalid_vpc_endpoint
    allowed_vpc_endpoint_ids = ["vpce-XYZ"]

    # lifecycle_expiration_before_transition
    lifecycle_rules = { transition_to_standard_ia_days = 90, expiration_days = 30 }

    # models_statement_public_allow
    models_additional_policy_statements = [{ Sid = "Public", Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "*" }]

    # log_source_with_object_path
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-dev-project-abc/*"]
  }

  expect_failures = [
    var.allowed_vpc_endpoint_ids,
    var.lifecycle_rules,
    var.models_additional_policy_statements,
    var.additional_log_source_bucket_arn_patterns,
  ]
}

run "log_source_with_inner_wildcard" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-dev-*-artifacts"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_with_question_mark" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-dev-project-?"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_not_an_s3_arn" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["mlops-dev-sc-templates-111111111111"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_uppercase_name" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-dev-Templates"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_every_bucket" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::*"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_outside_the_environment" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-*"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_of_another_environment" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-prod-project-*"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

run "log_source_duplicates" {
  command = plan
  variables {
    additional_log_source_bucket_arn_patterns = ["arn:aws:s3:::mlops-dev-project-*", "arn:aws:s3:::mlops-dev-project-*"]
  }
  expect_failures = [var.additional_log_source_bucket_arn_patterns]
}

