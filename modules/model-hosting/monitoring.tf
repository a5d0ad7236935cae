################################################################################
# Endpoints that are watched: the alerts topic (encrypted with the
# notifications key) that CloudWatch alarms, EventBridge and the deployments
# publish to, the rule for endpoint state changes, and the monitoring role the
# Model Monitor baseline and schedule jobs run as. The deployments create the
# per-endpoint pieces (scaling, alarms, baseline, schedule) with the deploy
# roles, whose permissions for them are in main.tf.
################################################################################

locals {
  alerts_topic_name = "${var.name_prefix}-model-alerts"
  alerts_topic_arn  = "arn:${local.partition}:sns:${local.regional}:${local.alerts_topic_name}"

  # The notifications key by its alias: its id is random, the alias is not
  # (policies stay known at plan time).
  notifications_key_alias = "alias/${var.name_prefix}-notifications"
  account_keys_arn        = "arn:${local.partition}:kms:${local.regional}:key/*"

  monitor_role_name = "${var.name_prefix}-model-monitor"
  monitor_role_arn  = "${local.iam_arn}:role/${local.monitor_role_name}"

  # Baselines, their data and the monitoring reports: monitoring/<project>/ of
  # the data-capture bucket (captured data is <project>/ beside it).
  monitoring_objects_arn = "${local.data_capture_bucket_arn}/monitoring/*"

  processing_jobs_arn       = "${local.sagemaker_arn}:processing-job/${var.name_prefix}-*"
  job_definitions_arn       = "${local.sagemaker_arn}:data-quality-job-definition/${var.name_prefix}-*"
  monitoring_schedules_arn  = "${local.sagemaker_arn}:monitoring-schedule/${var.name_prefix}-*"
  alarms_arn                = "arn:${local.partition}:cloudwatch:${local.regional}:alarm:${var.name_prefix}-*"
  processing_log_groups_arn = "arn:${local.partition}:logs:${local.regional}:log-group:/aws/sagemaker/ProcessingJobs"
  processing_streams_arn    = "arn:${local.partition}:logs:${local.regional}:log-group:/aws/sagemaker/ProcessingJobs:log-stream:*"


  monitoring_actions = [
    "sagemaker:AddTags",
    "sagemaker:CreateDataQualityJobDefinition",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:DeleteDataQualityJobDefinition",
    "sagemaker:DeleteMonitoringSchedule",
    "sagemaker:DescribeDataQualityJobDefinition",
    "sagemaker:DescribeMonitoringSchedule",
    "sagemaker:DescribeProcessingJob",
    "sagemaker:StopProcessingJob",
    "sagemaker:UpdateMonitoringSchedule",
  ]

  # Application Auto Scaling's scalable targets carry a random id and no
  # condition key names the scaled resource: these take Resource "*" (in this
  # region); which endpoint is scaled is decided by the SageMaker permissions
  # the service checks on the caller (Describe, UpdateEndpointWeightsAndCapacities).
  autoscaling_actions = [
    "application-autoscaling:DeleteScalingPolicy",
    "application-autoscaling:DeregisterScalableTarget",
    "application-autoscaling:DescribeScalableTargets",
    "application-autoscaling:DescribeScalingPolicies",
    "application-autoscaling:PutScalingPolicy",
    "application-autoscaling:RegisterScalableTarget",
  ]

  alarm_actions = ["cloudwatch:DeleteAlarms", "cloudwatch:DescribeAlarms", "cloudwatch:PutMetricAlarm"]

  publish_to_alerts = {
    Sid      = "PublishDeploymentResults"
    Effect   = "Allow"
    Action   = "sns:Publish"
    Resource = local.alerts_topic_arn
  }
  # Publishing to the encrypted topic: SNS uses the key with the publisher's permissions.
  use_notifications_key = {
    Sid       = "NotificationsKeyViaSns"
    Effect    = "Allow"
    Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource  = local.account_keys_arn
    Condition = { "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = local.notifications_key_alias } }
  }
}

################################################################################
# Alerts topic
################################################################################

resource "aws_sns_topic" "alerts" {
  name              = local.alerts_topic_name
  display_name      = "${var.name_prefix} model alerts"
  kms_master_key_id = module.kms.key_arns.notifications

  tags = merge(var.tags, { Name = local.alerts_topic_name })
}

locals {
  alerts_topic_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The endpoints' alarms: alarms of this account named <name_prefix>-*.
        Sid       = "AlarmsOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.alerts_topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = local.alarms_arn }
        }
      },
      {
        Sid       = "EndpointStateRuleOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "events.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.alerts_topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = "arn:${local.partition}:events:${local.regional}:rule/${var.name_prefix}-endpoint-state" }
        }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sns:Publish", "sns:Subscribe"]
        Resource  = local.alerts_topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }
}

resource "aws_sns_topic_policy" "alerts" {
  arn    = aws_sns_topic.alerts.arn
  policy = jsonencode(local.alerts_topic_policy)
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.notification_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.value
}

# SageMaker's endpoint events (creation, update, failure, deletion, and the
# steps of a deployment) of this environment's endpoints, to the topic.
resource "aws_cloudwatch_event_rule" "endpoint_state" {
  name        = "${var.name_prefix}-endpoint-state"
  description = "State changes of the ${var.name_prefix}-* SageMaker endpoints, to ${local.alerts_topic_name}."
  event_pattern = jsonencode({
    source        = ["aws.sagemaker"]
    "detail-type" = ["SageMaker Endpoint State Change", "SageMaker Endpoint Deployment State Change"]
    detail        = { EndpointName = [{ prefix = "${var.name_prefix}-" }] }
  })

  tags = merge(var.tags, { Name = "${var.name_prefix}-endpoint-state" })
}

resource "aws_cloudwatch_event_target" "endpoint_state" {
  rule      = aws_cloudwatch_event_rule.endpoint_state.name
  target_id = "alerts-topic"
  arn       = aws_sns_topic.alerts.arn
}

################################################################################
# Monitoring role: what the baseline and monitoring jobs run as
################################################################################

locals {
  monitor_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # Captured requests (<project>/...) and the baseline data (monitoring/...).
        Sid      = "ReadCapturedAndBaselineData"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = local.data_capture_objects_arn
      },
      {
        Sid      = "ListDataCaptureBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource = local.data_capture_bucket_arn
      },
      {
        Sid      = "WriteBaselinesAndReports"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = local.monitoring_objects_arn
      },
      {
        Sid      = "UseEndpointKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = local.endpoint_key_arn
      },
      local.endpoint_key_grants,
      {
        Sid      = "PullAnalyzerImage"
        Effect   = "Allow"
        Action   = local.image_pull_actions
        Resource = var.model_monitor_image_repository_arn
      },
      local.ecr_authorization_token,
      {
        Sid      = "ProcessingJobLogs"
        Effect   = "Allow"
        Action   = local.endpoint_log_actions
        Resource = [local.processing_log_groups_arn, local.processing_streams_arn]
      },
      {
        # Model Monitor publishes per-feature drift metrics here.
        Sid       = "DataQualityMetrics"
        Effect    = "Allow"
        Action    = "cloudwatch:PutMetricData"
        Resource  = "*"
        Condition = { StringEquals = { "cloudwatch:namespace" = "aws/sagemaker/Endpoints/data-metrics" } }
      },
      local.describe_network,
      local.create_network_interfaces,
      local.create_network_interfaces_in_hosting_subnets,
      local.manage_network_interfaces_in_hosting_subnets,
    ]
  }
}

resource "aws_iam_role" "model_monitor" {
  name                  = local.monitor_role_name
  description           = "Model Monitor jobs of ${var.name_prefix}: reads captured data and baseline data, writes baselines and reports, runs in the hosting subnets."
  assume_role_policy    = jsonencode(local.execution_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.monitor_role_name })

  depends_on = [aws_iam_policy.boundary]
}

resource "aws_iam_role_policy" "model_monitor" {
  name   = "permissions"
  role   = aws_iam_role.model_monitor.name
  policy = jsonencode(local.monitor_policy)
}

resource "aws_iam_role_policy_attachments_exclusive" "model_monitor" {
  role_name   = aws_iam_role.model_monitor.name
  policy_arns = []
}
