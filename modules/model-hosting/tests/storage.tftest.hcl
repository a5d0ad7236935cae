# The endpoint key and the data-capture / access-log buckets.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

override_resource {
  target          = module.kms.aws_kms_key.this["endpoint"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222" }
}
override_resource {
  target          = module.kms.aws_kms_key.this["notifications"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/55555555-5555-5555-5555-555555555555" }
}

variables {
  model_monitor_image_repository_arn = "arn:aws:ecr:eu-west-1:468650794304:repository/sagemaker-model-monitor-analyzer"
  name_prefix                        = "mlops-staging"
  stage                              = "staging"
  endpoint_instance_types            = ["ml.t2.medium", "ml.m5.large"]
  source_account_id                  = "111111111111"
  source_name_prefix                 = "mlops-dev"
  source_models_bucket_arn           = "arn:aws:s3:::mlops-dev-models-111111111111"
  source_data_key_alias_arn          = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
  vpc_id                             = "vpc-0123456789abcdef0"
  subnet_ids                         = ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]
  security_group_ids                 = ["sg-0cccccccccccccccc"]
  s3_vpc_endpoint_ids                = ["vpce-0dddddddddddddddd"]
  vpce_exempt_principal_arns         = ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
  oidc_provider_arn                  = "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
  projects                           = { abalone = { repository = { owner = "example-org", name = "abalone-model" } } }
  ssm_parameter_path                 = "/mlops/staging"
  kms_administrator_arns             = ["arn:aws:iam::222222222222:role/mlops-staging-deploy", "arn:aws:iam::222222222222:role/mlops-staging-github-apply"]
  kms_read_only_arns                 = ["arn:aws:iam::222222222222:role/mlops-staging-github-plan"]
}

# One plan (same variables) for:
#   endpoint_key_for_environment_roles_administered_by_the_given_principals,
#   data_capture_bucket_encrypted_with_the_endpoint_key_and_logged,
#   buckets_are_tls_only_and_reachable_only_through_the_endpoint.
run "endpoint_key_for_environment_roles_administered_by_the_given_principals" {
  command = plan

  # --- endpoint_key_for_environment_roles_administered_by_the_given_principals
  assert {
    condition     = keys(module.kms.key_arns) == ["endpoint", "notifications"] && output.endpoint_key_arn == "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222"
    error_message = "One endpoint key, one notifications key."
  }

  assert {
    condition     = one([for s in jsondecode(output.key_policies["endpoint"]).Statement : s if s.Sid == "KeyUse"]).Condition.ArnLike["aws:PrincipalArn"] == ["arn:aws:iam::222222222222:role/mlops-staging-*"]
    error_message = "Only the environment's roles (<name_prefix>-*) may use the endpoint key."
  }

  assert {
    condition     = one([for s in jsondecode(output.key_policies["endpoint"]).Statement : s if s.Sid == "KeyAdministration"]).Principal.AWS == ["arn:aws:iam::222222222222:role/mlops-staging-deploy", "arn:aws:iam::222222222222:role/mlops-staging-github-apply"]
    error_message = "The key is administered by kms_administrator_arns."
  }

  assert {
    condition     = one([for s in jsondecode(output.key_policies["endpoint"]).Statement : s if s.Sid == "ReadOnly"]).Principal.AWS == ["arn:aws:iam::222222222222:role/mlops-staging-github-plan"]
    error_message = "kms_read_only_arns only read key metadata."
  }

  # --- data_capture_bucket_encrypted_with_the_endpoint_key_and_logged
  assert {
    condition     = output.data_capture_bucket_name == "mlops-staging-data-capture-222222222222" && output.access_log_bucket_name == "mlops-staging-access-logs-222222222222"
    error_message = "Buckets are named <name_prefix>-data-capture-<account> and <name_prefix>-access-logs-<account>."
  }

  assert {
    condition     = module.data_capture.sse_algorithm == "aws:kms" && module.access_logs.sse_algorithm == "AES256"
    error_message = "Data capture is SSE-KMS; the access-log bucket SSE-S3 (the only encryption S3 server access logging supports)."
  }

  assert {
    condition     = one([for s in jsondecode(output.bucket_policies.data_capture).Statement : s if s.Sid == "DenyWrongKmsKey"]).Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"] == "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222"
    error_message = "Uploads naming another key than the endpoint key are denied."
  }

  assert {
    condition     = module.data_capture.logging_target == { target_bucket = "mlops-staging-access-logs-222222222222", target_prefix = "s3/mlops-staging-data-capture-222222222222/" }
    error_message = "The data-capture bucket logs to the access-log bucket."
  }

  assert {
    condition     = one([for s in jsondecode(output.bucket_policies.access_logs).Statement : s if s.Sid == "AllowS3ServerAccessLogs"]).Condition.ArnLike["aws:SourceArn"] == ["arn:aws:s3:::mlops-staging-data-capture-222222222222"]
    error_message = "Only the data-capture bucket delivers logs to the access-log bucket."
  }

  assert {
    condition     = output.bucket_arns == ["arn:aws:s3:::mlops-staging-data-capture-222222222222", "arn:aws:s3:::mlops-staging-access-logs-222222222222"]
    error_message = "Bucket ARNs are output (known at plan time)."
  }

  # --- buckets_are_tls_only_and_reachable_only_through_the_endpoint
  assert {
    condition = alltrue([
      for name, doc in output.bucket_policies :
      one([for s in jsondecode(doc).Statement : s if s.Sid == "DenyInsecureTransport"]).Condition == { Bool = { "aws:SecureTransport" = "false" } }
    ])
    error_message = "Both buckets deny requests without TLS."
  }

  assert {
    condition = one([for s in jsondecode(output.bucket_policies.data_capture).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition == {
      StringNotEquals = { "aws:SourceVpce" = ["vpce-0dddddddddddddddd"] }
      Bool            = { "aws:PrincipalIsAWSService" = "false" }
      ArnNotLike      = { "aws:PrincipalArn" = ["arn:aws:iam::222222222222:role/mlops-staging-deploy", "arn:aws:iam::222222222222:role/mlops-staging-model-execution", "arn:aws:iam::222222222222:role/mlops-staging-abalone-deploy"] }
    }
    error_message = "The data-capture bucket is reachable only through the S3 endpoint, except by the exempt principals, the model execution role and the project deploy roles (exact ARNs; the deploy roles' own policies allow only monitoring/<project>/)."
  }

  assert {
    condition     = one([for s in jsondecode(output.bucket_policies.access_logs).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition.ArnNotLike["aws:PrincipalArn"] == ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
    error_message = "The model execution role has no business in the access-log bucket: it is not exempt there."
  }
}

run "retention" {
  command = plan

  variables {
    data_capture_retention_days = null
    access_log_retention_days   = 400
  }

  assert {
    condition     = module.data_capture.lifecycle_rules.expiration_days == null && module.access_logs.lifecycle_rules.expiration_days == 400
    error_message = "data_capture_retention_days = null keeps captured data; access logs expire after access_log_retention_days."
  }
}
