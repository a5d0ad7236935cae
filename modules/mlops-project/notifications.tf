# Pipeline failure notifications: SageMaker emits "SageMaker Model Building Pipeline Execution Status
# Change" to the account's default event bus; a rule of this project matches its pipeline's
# executions that end Failed or Stopped and publishes a readable message to the project's topic,
# encrypted with a key of its own. Only that rule may publish to the topic.
#
# The rule matches the project's pipeline by its exact ARN, not by a name prefix: project names may
# contain hyphens, so <name_prefix>-<project>-* would also match the pipelines of a project named
# <project>-<anything>.

locals {
  pipeline_events_name      = "${local.project_prefix}-pipeline-events"
  pipeline_events_topic_arn = "arn:${local.partition}:sns:${local.regional}:${local.pipeline_events_name}"
  pipeline_events_rule_arn  = "arn:${local.partition}:events:${local.regional}:rule/${local.pipeline_events_name}"

  pipeline_events_pattern = {
    source        = ["aws.sagemaker"]
    "detail-type" = ["SageMaker Model Building Pipeline Execution Status Change"]
    detail = {
      currentPipelineExecutionStatus = ["Failed", "Stopped"]
      pipelineArn                    = [local.pipeline_arn]
    }
  }

  # The event carries no failure reason: the message names the calls that give it. A plain-text
  # template (EventBridge inserts the values as they are): the email or SQS message is this line.
  pipeline_events_input_paths = {
    pipeline  = "$.detail.pipelineArn"
    execution = "$.detail.pipelineExecutionArn"
    name      = "$.detail.pipelineExecutionDisplayName"
    status    = "$.detail.currentPipelineExecutionStatus"
    previous  = "$.detail.previousPipelineExecutionStatus"
    started   = "$.detail.executionStartTime"
    ended     = "$.detail.executionEndTime"
  }
  pipeline_events_input_template = join(" ", [
    "Pipeline execution <status> (was <previous>) in project ${var.project_name}.",
    "Pipeline: <pipeline>. Execution: <execution> (<name>), started <started>, ended <ended>.",
    "Failure reason: aws sagemaker describe-pipeline-execution --pipeline-execution-arn <execution>;",
    "failed step: aws sagemaker list-pipeline-execution-steps --pipeline-execution-arn <execution>",
  ])

  pipeline_events_topic_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "PipelineEventsRuleOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "events.${local.dns_suffix}" }
        Action    = "sns:Publish"
        Resource  = local.pipeline_events_topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = local.pipeline_events_rule_arn }
        }
      },
      {
        # Nobody else publishes, not even a principal of this account whose IAM policy allows
        # sns:Publish: a message on this topic always comes from the rule (an absent
        # aws:SourceArn matches ArnNotEquals).
        Sid       = "DenyPublishByAnyoneButTheRule"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = local.pipeline_events_topic_arn
        Condition = { ArnNotEquals = { "aws:SourceArn" = local.pipeline_events_rule_arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["sns:Publish", "sns:Subscribe"]
        Resource  = local.pipeline_events_topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }

  # The topic's own key: the events key's administration and read-only statements, and EventBridge
  # for this rule only (SNS encrypts the rule's messages with EventBridge's permissions). Neither the
  # environment's data key (the foundation's: opening it to EventBridge would reach every bucket's
  # data) nor the events key (dead letters and the GitHub connection) widens for it.
  pipeline_events_key_policy = {
    Version = "2012-10-17"
    Id      = local.pipeline_events_name
    Statement = concat(
      [for statement in local.events_key_policy.Statement : statement if contains(["KeyAdministration", "ReadOnly"], statement.Sid)],
      [
        {
          Sid       = "PipelineEventsRulePublishesToTheTopic"
          Effect    = "Allow"
          Principal = { Service = "events.${local.dns_suffix}" }
          Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource  = "*"
          Condition = {
            StringEquals = { "aws:SourceAccount" = local.account_id }
            ArnEquals    = { "aws:SourceArn" = local.pipeline_events_rule_arn }
          }
        },
      ],
    )
  }
}

resource "aws_kms_key" "pipeline_events" {
  description              = "Pipeline-events topic of ${local.project_prefix} (failed and stopped executions)"
  key_usage                = "ENCRYPT_DECRYPT"
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  is_enabled               = true
  multi_region             = false
  enable_key_rotation      = true
  deletion_window_in_days  = var.key_deletion_window_days

  bypass_policy_lockout_safety_check = false
  policy                             = jsonencode(local.pipeline_events_key_policy)

  tags = merge(var.tags, { Name = local.pipeline_events_name, Project = var.project_name })
}

resource "aws_kms_alias" "pipeline_events" {
  name          = "alias/${local.pipeline_events_name}"
  target_key_id = aws_kms_key.pipeline_events.key_id
}

resource "aws_sns_topic" "pipeline_events" {
  name              = local.pipeline_events_name
  display_name      = "${local.project_prefix} pipeline failures"
  kms_master_key_id = aws_kms_key.pipeline_events.arn

  tags = merge(var.tags, { Name = local.pipeline_events_name, Project = var.project_name })
}

resource "aws_sns_topic_policy" "pipeline_events" {
  arn    = aws_sns_topic.pipeline_events.arn
  policy = jsonencode(local.pipeline_events_topic_policy)
}

resource "aws_cloudwatch_event_rule" "pipeline_events" {
  name          = local.pipeline_events_name
  description   = "Executions of pipeline ${local.pipeline_name} that end Failed or Stopped, to ${local.pipeline_events_name}"
  event_pattern = jsonencode(local.pipeline_events_pattern)
  state         = "ENABLED"

  tags = merge(var.tags, { Name = local.pipeline_events_name, Project = var.project_name })
}

resource "aws_cloudwatch_event_target" "pipeline_events" {
  rule      = aws_cloudwatch_event_rule.pipeline_events.name
  target_id = "pipeline-events-topic"
  arn       = aws_sns_topic.pipeline_events.arn

  input_transformer {
    input_paths    = local.pipeline_events_input_paths
    input_template = local.pipeline_events_input_template
  }

  # The topic accepts the rule's messages once its policy is in place.
  depends_on = [aws_sns_topic_policy.pipeline_events]
}
