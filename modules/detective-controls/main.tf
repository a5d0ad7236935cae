# Detective controls of one account and region: an encrypted, validated, multi-region CloudTrail
# trail into a TLS-only bucket; AWS Config recording every resource with managed rules for the
# platform's promises; Security Hub with the AWS Foundational Security Best Practices standard;
# a GuardDuty detector; and EventBridge rules sending their findings to an encrypted SNS topic.
#
# Every service principal that writes here (CloudTrail, Config, EventBridge) is limited to this
# account's resources (aws:SourceArn / aws:SourceAccount / the CloudTrail encryption context), in
# the key policies, the bucket policy and the topic policy.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  dns_suffix = data.aws_partition.current.dns_suffix

  cloudtrail_service  = "cloudtrail.${local.dns_suffix}"
  config_service      = "config.${local.dns_suffix}"
  events_service      = "events.${local.dns_suffix}"
  regional            = "${local.region}:${local.account_id}"
  trail_name          = "${var.name_prefix}-trail"
  trail_arn           = "arn:${local.partition}:cloudtrail:${local.regional}:trail/${local.trail_name}"
  bucket_name         = "${var.name_prefix}-audit-${local.account_id}"
  access_log_bucket   = "${var.name_prefix}-audit-access-logs-${local.account_id}"
  bucket_arn          = "arn:${local.partition}:s3:::${local.bucket_name}"
  topic_name          = "${var.name_prefix}-security-findings"
  topic_arn           = "arn:${local.partition}:sns:${local.regional}:${local.topic_name}"
  config_prefix       = "config"
  config_role_arn     = "arn:${local.partition}:iam::${local.account_id}:role/aws-service-role/${local.config_service}/AWSServiceRoleForConfig"
  fsbp_standard_arn   = "arn:${local.partition}:securityhub:${local.region}::standards/aws-foundational-security-best-practices/v/1.0.0"
  event_rule_arn_base = "arn:${local.partition}:events:${local.regional}:rule"

  # The managed rules that check what the platform promises (identifiers as AWS Config names them).
  config_rules = {
    "sagemaker-notebook-kms-key"         = "SAGEMAKER_NOTEBOOK_INSTANCE_KMS_KEY_CONFIGURED"
    "sagemaker-notebook-no-internet"     = "SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS"
    "sagemaker-notebook-in-vpc"          = "SAGEMAKER_NOTEBOOK_INSTANCE_INSIDE_VPC"
    "sagemaker-notebook-no-root"         = "SAGEMAKER_NOTEBOOK_INSTANCE_ROOT_ACCESS_CHECK"
    "sagemaker-endpoint-config-kms-key"  = "SAGEMAKER_ENDPOINT_CONFIGURATION_KMS_KEY_CONFIGURED"
    "sagemaker-model-in-vpc"             = "SAGEMAKER_MODEL_IN_VPC"
    "sagemaker-domain-in-vpc"            = "SAGEMAKER_DOMAIN_IN_VPC"
    "s3-bucket-sse"                      = "S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED"
    "s3-bucket-kms"                      = "S3_DEFAULT_ENCRYPTION_KMS"
    "s3-bucket-tls-only"                 = "S3_BUCKET_SSL_REQUESTS_ONLY"
    "s3-bucket-public-access-prohibited" = "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED"
    "s3-account-public-access-blocked"   = "S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC"
    "kms-key-rotation"                   = "CMK_BACKING_KEY_ROTATION_ENABLED"
    "cloudtrail-encrypted"               = "CLOUD_TRAIL_ENCRYPTION_ENABLED"
    "cloudtrail-log-file-validation"     = "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED"
    "cloudtrail-multi-region"            = "MULTI_REGION_CLOUD_TRAIL_ENABLED"
    "securityhub-enabled"                = "SECURITYHUB_ENABLED"
    "guardduty-enabled"                  = "GUARDDUTY_ENABLED_CENTRALIZED"
  }

  # Findings at or above the minimum severity (Security Hub labels, GuardDuty's numeric scale:
  # LOW 1-3.9, MEDIUM 4-6.9, HIGH 7-8.9, CRITICAL 9-10).
  severity_labels     = ["LOW", "MEDIUM", "HIGH", "CRITICAL"]
  routed_labels       = slice(local.severity_labels, index(local.severity_labels, var.minimum_severity), length(local.severity_labels))
  guardduty_min_score = { LOW = 1, MEDIUM = 4, HIGH = 7, CRITICAL = 9 }[var.minimum_severity]

  event_rules = {
    securityhub = {
      description = "Security Hub findings (new, active, ${var.minimum_severity} or above) of ${var.name_prefix}"
      pattern = {
        source        = ["aws.securityhub"]
        "detail-type" = ["Security Hub Findings - Imported"]
        detail = {
          findings = {
            Severity    = { Label = local.routed_labels }
            Workflow    = { Status = ["NEW"] }
            RecordState = ["ACTIVE"]
          }
        }
      }
    }
    guardduty = {
      description = "GuardDuty findings of severity ${local.guardduty_min_score} or above of ${var.name_prefix}"
      pattern = {
        source        = ["aws.guardduty"]
        "detail-type" = ["GuardDuty Finding"]
        detail        = { severity = [{ numeric = [">=", local.guardduty_min_score] }] }
      }
    }
    config = {
      description = "AWS Config rules of ${var.name_prefix} turning NON_COMPLIANT"
      pattern = {
        source        = ["aws.config"]
        "detail-type" = ["Config Rules Compliance Change"]
        detail = {
          messageType         = ["ComplianceChangeNotification"]
          configRuleName      = [for name in keys(local.config_rules) : "${var.name_prefix}-${name}"]
          newEvaluationResult = { complianceType = ["NON_COMPLIANT"] }
        }
      }
    }
  }
  event_rule_names = { for key in keys(local.event_rules) : key => "${var.name_prefix}-${key}-findings" }
  event_rule_arns  = [for name in values(local.event_rule_names) : "${local.event_rule_arn_base}/${name}"]
}

# --- Keys -------------------------------------------------------------------------------------

module "kms" {
  source = "../kms"

  name_prefix = var.name_prefix
  keys = {
    audit = {
      description = "CloudTrail log files and AWS Config snapshots of ${var.name_prefix}"
      # Readers (auditors) decrypt the log files through S3 only.
      via_services = ["s3"]
      service_principals = [
        {
          # Only this trail, and only with its encryption context (CloudTrail's documented policy).
          sid     = "CloudTrailEncryptLogs"
          service = local.cloudtrail_service
          actions = ["kms:GenerateDataKey*"]
          conditions = {
            StringEquals = { "aws:SourceArn" = [local.trail_arn] }
            StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = ["arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*"] }
          }
        },
        {
          sid        = "CloudTrailDescribeKey"
          service    = local.cloudtrail_service
          actions    = ["kms:DescribeKey"]
          conditions = { StringEquals = { "aws:SourceArn" = [local.trail_arn] } }
        },
        {
          # AWS Config's service-linked role delivers snapshots and history for this account only.
          sid        = "ConfigDelivery"
          service    = local.config_service
          actions    = ["kms:Decrypt", "kms:GenerateDataKey"]
          conditions = { StringEquals = { "aws:SourceAccount" = [local.account_id] } }
        },
      ]
    }
    findings = {
      description = "SNS topic of the security findings of ${var.name_prefix}"
      service_principals = [
        {
          # EventBridge publishing to the encrypted topic, only for this module's rules.
          sid     = "EventBridgePublish"
          service = local.events_service
          actions = ["kms:Decrypt", "kms:GenerateDataKey*"]
          conditions = {
            StringEquals = { "aws:SourceAccount" = [local.account_id] }
            ArnEquals    = { "aws:SourceArn" = local.event_rule_arns }
          }
        },
      ]
    }
  }
  administrator_arns      = var.administrator_arns
  read_only_arns          = var.read_only_arns
  user_arn_patterns       = var.log_reader_arn_patterns
  deletion_window_in_days = var.kms_deletion_window_days
  rotation_period_in_days = var.kms_rotation_period_days
  tags                    = var.tags
}

# --- Buckets ----------------------------------------------------------------------------------

module "access_logs" {
  source = "../s3-bucket"

  bucket_name            = local.access_log_bucket
  access_log_target      = true
  log_source_bucket_arns = [local.bucket_arn]
  lifecycle_rules        = { expiration_days = var.access_log_retention_days }
  force_destroy          = var.force_destroy
  tags                   = var.tags
}

module "bucket" {
  source = "../s3-bucket"

  bucket_name = local.bucket_name
  kms_key_arn = module.kms.key_arns["audit"]
  logging     = { target_bucket = module.access_logs.bucket_name, target_prefix = "s3/${local.bucket_name}/" }
  lifecycle_rules = {
    expiration_days = var.log_retention_days
  }
  force_destroy = var.force_destroy
  tags          = var.tags

  # CloudTrail and AWS Config write here only for this account (and CloudTrail only for this
  # trail); the module adds TLS-only, the key and the public access block.
  additional_policy_statements = [
    {
      Sid       = "CloudTrailAclCheck"
      Effect    = "Allow"
      Principal = { Service = local.cloudtrail_service }
      Action    = "s3:GetBucketAcl"
      Resource  = local.bucket_arn
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    },
    {
      Sid       = "CloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = local.cloudtrail_service }
      Action    = "s3:PutObject"
      Resource  = "${local.bucket_arn}/AWSLogs/${local.account_id}/*"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn, "s3:x-amz-acl" = "bucket-owner-full-control" } }
    },
    {
      Sid       = "ConfigAclCheck"
      Effect    = "Allow"
      Principal = { Service = local.config_service }
      Action    = ["s3:GetBucketAcl", "s3:ListBucket"]
      Resource  = local.bucket_arn
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    },
    {
      Sid       = "ConfigWrite"
      Effect    = "Allow"
      Principal = { Service = local.config_service }
      Action    = "s3:PutObject"
      Resource  = "${local.bucket_arn}/${local.config_prefix}/AWSLogs/${local.account_id}/Config/*"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id, "s3:x-amz-acl" = "bucket-owner-full-control" } }
    },
  ]
}

# --- CloudTrail -------------------------------------------------------------------------------

resource "aws_cloudtrail" "this" {
  # checkov:skip=CKV2_AWS_10: Findings reach people through EventBridge -> SNS (GuardDuty analyses the management events itself); a CloudWatch Logs copy would need a role CloudTrail assumes and a second store of every event, for metric-filter alarms this module does not define.
  # checkov:skip=CKV_AWS_252: An SNS notification per delivered log file is noise; the security findings topic carries findings, not file deliveries.
  name                          = local.trail_name
  s3_bucket_name                = module.bucket.bucket_name
  kms_key_id                    = module.kms.key_arns["audit"]
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  enable_logging                = true

  tags = merge(var.tags, { Name = local.trail_name })
}

# --- AWS Config -------------------------------------------------------------------------------

# AWS Config's service-linked role (AWS managed policy AWSConfigServiceRolePolicy). An account
# that already has it (created by an earlier Config setup) sets create_config_service_linked_role
# = false.
resource "aws_iam_service_linked_role" "config" {
  count = var.create_config_service_linked_role ? 1 : 0

  aws_service_name = local.config_service
  tags             = var.tags
}

resource "aws_config_configuration_recorder" "this" {
  name     = "${var.name_prefix}-recorder"
  role_arn = local.config_role_arn

  recording_group {
    all_supported                 = true
    include_global_resource_types = var.record_global_resource_types
  }

  depends_on = [aws_iam_service_linked_role.config]
}

resource "aws_config_delivery_channel" "this" {
  name           = "${var.name_prefix}-delivery"
  s3_bucket_name = module.bucket.bucket_name
  s3_key_prefix  = local.config_prefix
  s3_kms_key_arn = module.kms.key_arns["audit"]

  snapshot_delivery_properties {
    delivery_frequency = var.config_snapshot_frequency
  }

  depends_on = [aws_config_configuration_recorder.this]
}

resource "aws_config_configuration_recorder_status" "this" {
  name       = aws_config_configuration_recorder.this.name
  is_enabled = true

  depends_on = [aws_config_delivery_channel.this]
}

resource "aws_config_config_rule" "this" {
  for_each = local.config_rules

  name        = "${var.name_prefix}-${each.key}"
  description = "AWS managed rule ${each.value} (${var.name_prefix})"

  source {
    owner             = "AWS"
    source_identifier = each.value
  }

  tags = merge(var.tags, { Name = "${var.name_prefix}-${each.key}" })

  depends_on = [aws_config_configuration_recorder.this]
}

# --- Security Hub and GuardDuty ---------------------------------------------------------------

resource "aws_securityhub_account" "this" {
  # Only the standard below (the default standards would add CIS 1.2 as well).
  enable_default_standards  = false
  control_finding_generator = "SECURITY_CONTROL"
  auto_enable_controls      = true
}

resource "aws_securityhub_standards_subscription" "fsbp" {
  standards_arn = local.fsbp_standard_arn

  depends_on = [aws_securityhub_account.this]
}

resource "aws_guardduty_detector" "this" {
  # checkov:skip=CKV2_AWS_3: Each environment's account runs its own detector through this module; an organization configuration (delegated administrator, auto-enabled members) belongs to the organization's management account, which the platform does not manage.
  enable                       = true
  finding_publishing_frequency = var.guardduty_finding_publishing_frequency

  tags = merge(var.tags, { Name = "${var.name_prefix}-guardduty" })
}

# --- Findings to SNS --------------------------------------------------------------------------

resource "aws_sns_topic" "findings" {
  name              = local.topic_name
  kms_master_key_id = module.kms.key_arns["findings"]

  tags = merge(var.tags, { Name = local.topic_name })
}

resource "aws_sns_topic_policy" "findings" {
  arn = aws_sns_topic.findings.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgePublish"
        Effect    = "Allow"
        Principal = { Service = local.events_service }
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = local.event_rule_arns }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "this" {
  for_each = { for s in var.subscriptions : "${s.protocol}:${s.endpoint}" => s }

  topic_arn = aws_sns_topic.findings.arn
  protocol  = each.value.protocol
  endpoint  = each.value.endpoint
}

resource "aws_cloudwatch_event_rule" "this" {
  for_each = local.event_rules

  name          = local.event_rule_names[each.key]
  description   = each.value.description
  event_pattern = jsonencode(each.value.pattern)

  tags = merge(var.tags, { Name = local.event_rule_names[each.key] })
}

resource "aws_cloudwatch_event_target" "this" {
  for_each = local.event_rules

  rule      = aws_cloudwatch_event_rule.this[each.key].name
  target_id = "security-findings-topic"
  arn       = aws_sns_topic.findings.arn

  depends_on = [aws_sns_topic_policy.findings]
}
