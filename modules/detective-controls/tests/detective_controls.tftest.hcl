# Plans of the detective controls with a mock provider: what each service is set to, and that
# every service principal writing here is held to this account's resources.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "333333333333", arn = "arn:aws:iam::333333333333:role/mlops-prod-deploy" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

override_resource {
  target          = module.kms.aws_kms_key.this["audit"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:333333333333:key/11111111-1111-1111-1111-111111111111" }
}

override_resource {
  target          = module.kms.aws_kms_key.this["findings"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:333333333333:key/22222222-2222-2222-2222-222222222222" }
}

override_resource {
  target          = aws_sns_topic.findings
  override_during = plan
  values          = { arn = "arn:aws:sns:eu-west-1:333333333333:mlops-prod-security-findings" }
}

variables {
  name_prefix             = "mlops-prod"
  administrator_arns      = ["arn:aws:iam::333333333333:role/mlops-prod-deploy"]
  read_only_arns          = ["arn:aws:iam::333333333333:role/mlops-prod-github-plan"]
  log_reader_arn_patterns = ["arn:aws:iam::333333333333:role/mlops-prod-auditor"]
  subscriptions           = [{ protocol = "email", endpoint = "secops@example.org" }]
}

run "trail_config_hub_detector_and_routing" {
  command = plan

  assert {
    condition = (
      aws_cloudtrail.this.name == "mlops-prod-trail" && aws_cloudtrail.this.is_multi_region_trail &&
      aws_cloudtrail.this.enable_log_file_validation && aws_cloudtrail.this.include_global_service_events &&
      aws_cloudtrail.this.enable_logging &&
      aws_cloudtrail.this.kms_key_id == "arn:aws:kms:eu-west-1:333333333333:key/11111111-1111-1111-1111-111111111111" &&
      aws_cloudtrail.this.s3_bucket_name == "mlops-prod-audit-333333333333"
    )
    error_message = "The trail must be multi-region, logging, validated, encrypted with the audit key and write to the audit bucket."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.audit_bucket_policy_json).Statement :
      try(s.Sid == "DenyInsecureTransport" && s.Effect == "Deny" && s.Condition.Bool["aws:SecureTransport"] == "false", false)
    ])
    error_message = "The audit bucket must deny requests without TLS."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.audit_bucket_policy_json).Statement :
      try(s.Condition.StringEquals["aws:SourceArn"] == "arn:aws:cloudtrail:eu-west-1:333333333333:trail/mlops-prod-trail", false) ||
      try(s.Condition.StringEquals["aws:SourceAccount"] == "333333333333", false)
      if s.Effect == "Allow" && can(s.Principal.Service)
    ])
    error_message = "Every service principal of the audit bucket's policy must be held to this trail (aws:SourceArn) or this account (aws:SourceAccount)."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(output.key_policies["audit"]).Statement :
      try(
        s.Sid == "CloudTrailEncryptLogs" && s.Principal.Service == "cloudtrail.amazonaws.com" &&
        s.Action == ["kms:GenerateDataKey*"] &&
        s.Condition.StringEquals["aws:SourceArn"] == ["arn:aws:cloudtrail:eu-west-1:333333333333:trail/mlops-prod-trail"] &&
        s.Condition.StringLike["kms:EncryptionContext:aws:cloudtrail:arn"] == ["arn:aws:cloudtrail:*:333333333333:trail/*"],
        false,
      )
    ])
    error_message = "CloudTrail may generate data keys with the audit key only for this trail and with its encryption context."
  }

  assert {
    condition = alltrue(flatten([
      for purpose, policy in output.key_policies : [
        for s in jsondecode(policy).Statement : can(s.Condition) if can(s.Principal.Service)
      ]
    ]))
    error_message = "No key may let a service principal use it without conditions."
  }

  assert {
    condition = (
      aws_config_configuration_recorder.this.recording_group[0].all_supported &&
      aws_config_configuration_recorder.this.role_arn == "arn:aws:iam::333333333333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig" &&
      aws_config_configuration_recorder_status.this.is_enabled &&
      aws_config_delivery_channel.this.s3_kms_key_arn == "arn:aws:kms:eu-west-1:333333333333:key/11111111-1111-1111-1111-111111111111" &&
      length(aws_iam_service_linked_role.config) == 1
    )
    error_message = "Config must record every supported resource with its service-linked role, be on and deliver encrypted with the audit key."
  }

  assert {
    condition = length(setsubtract([
      "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED", "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS",
      "SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC", "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED",
      "SAGEMAKER_DOMAIN_IN_VPC", "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED", "S3_BUCKET_SSL_REQUESTS_ONLY",
      "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED", "CMK_BACKING_KEY_ROTATION_ENABLED", "CLOUD_TRAIL_ENCRYPTION_ENABLED",
      "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
    ], [for r in aws_config_config_rule.this : r.source[0].source_identifier])) == 0
    error_message = "The Config rules must cover the platform's promises (SageMaker, S3, KMS rotation, CloudTrail)."
  }

  assert {
    condition     = aws_securityhub_standards_subscription.fsbp.standards_arn == "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0" && !aws_securityhub_account.this.enable_default_standards
    error_message = "Security Hub must subscribe to the Foundational Security Best Practices standard of this partition and region, and no default standards."
  }

  assert {
    condition     = aws_guardduty_detector.this.enable
    error_message = "The GuardDuty detector must be enabled."
  }

  assert {
    condition     = aws_sns_topic.findings.kms_master_key_id == "arn:aws:kms:eu-west-1:333333333333:key/22222222-2222-2222-2222-222222222222"
    error_message = "The findings topic must be encrypted with the findings key."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(aws_sns_topic_policy.findings.policy).Statement :
      try(s.Condition.StringEquals["aws:SourceAccount"] == "333333333333" && length(s.Condition.ArnEquals["aws:SourceArn"]) == 3, false)
      if s.Effect == "Allow"
    ])
    error_message = "EventBridge may publish to the topic only for this account's three findings rules."
  }

  assert {
    condition = (
      length(aws_cloudwatch_event_target.this) == 3 &&
      alltrue([for t in aws_cloudwatch_event_target.this : t.arn == "arn:aws:sns:eu-west-1:333333333333:mlops-prod-security-findings"]) &&
      jsondecode(aws_cloudwatch_event_rule.this["securityhub"].event_pattern).detail.findings.Severity.Label == ["HIGH", "CRITICAL"] &&
      jsondecode(aws_cloudwatch_event_rule.this["guardduty"].event_pattern).detail.severity[0].numeric == [">=", 7]
    )
    error_message = "Security Hub (HIGH and CRITICAL), GuardDuty (7 and above) and Config findings must go to the topic."
  }

  assert {
    condition     = length(aws_sns_topic_subscription.this) == 1
    error_message = "Each subscription must become one topic subscription."
  }
}

run "minimum_severity_critical" {
  command = plan

  variables {
    minimum_severity                  = "CRITICAL"
    create_config_service_linked_role = false
  }

  assert {
    condition = (
      jsondecode(aws_cloudwatch_event_rule.this["securityhub"].event_pattern).detail.findings.Severity.Label == ["CRITICAL"] &&
      jsondecode(aws_cloudwatch_event_rule.this["guardduty"].event_pattern).detail.severity[0].numeric == [">=", 9] &&
      length(aws_iam_service_linked_role.config) == 0
    )
    error_message = "CRITICAL routes only critical findings; an existing Config service-linked role is not created again."
  }
}

run "rejects_bad_values" {
  command = plan

  variables {
    minimum_severity   = "SEVERE"
    log_retention_days = 30
    subscriptions      = [{ protocol = "http", endpoint = "http://example.org/hook" }]
  }

  expect_failures = [var.minimum_severity, var.log_retention_days, var.subscriptions]
}
