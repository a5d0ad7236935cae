################################################################################
# Batch inference: projects with serving = "batch" get, instead of an endpoint,
# a SageMaker pipeline <name_prefix>-<project>-batch (written by the project's
# deploy role after an approval: one Transform step over the project's input
# prefix of the batch bucket) and an EventBridge Scheduler schedule that starts
# it. Roles:
#
# - <name_prefix>-<project>-batch: the pipeline's role (SageMaker). May create
#   transform jobs only of the project's models, only with the endpoint key as
#   volume and output key, only on the allowed instance types.
# - <name_prefix>-<project>-schedule: the schedule's role (EventBridge
#   Scheduler, this schedule only). May start that pipeline, nothing else.
# - the model execution role runs the transform job: it reads <project>/input/
#   and writes <project>/output/ of the batch bucket (SSE-KMS, endpoint key).
#
# The network and isolation of a transform job are its model's: the deploy
# roles may create models only in the hosting subnets and security group
# (modules/model-hosting main.tf), and the deploy code enables isolation.
################################################################################

locals {
  batch_projects = { for name, project in var.projects : name => project if project.serving == "batch" }

  batch_bucket_name  = "${var.name_prefix}-batch-${local.account_id}"
  batch_bucket_arn   = "arn:${local.partition}:s3:::${local.batch_bucket_name}"
  batch_inputs_arn   = "${local.batch_bucket_arn}/*/input/*"
  batch_outputs_arn  = "${local.batch_bucket_arn}/*/output/*"
  batch_pipeline_arn = { for name in keys(local.batch_projects) : name => "${local.sagemaker_arn}:pipeline/${var.name_prefix}-${name}-batch" }

  batch_pipeline_role_names  = { for name in keys(local.batch_projects) : name => "${var.name_prefix}-${name}-batch" }
  batch_schedule_role_names  = { for name in keys(local.batch_projects) : name => "${var.name_prefix}-${name}-schedule" }
  batch_schedule_names       = { for name in keys(local.batch_projects) : name => "${var.name_prefix}-${name}-batch" }
  batch_pipeline_roles_arn   = "${local.iam_arn}:role/${var.name_prefix}-*-batch"
  transform_jobs_arn         = "${local.sagemaker_arn}:transform-job/*"
  batch_pipelines_arn        = "${local.sagemaker_arn}:pipeline/${var.name_prefix}-*"
  batch_guardrail_name       = "${var.name_prefix}-batch-transform"
  batch_guardrail_arn        = "${local.iam_arn}:policy/${local.batch_guardrail_name}"
  batch_data_policy_name     = "${var.name_prefix}-batch-data"
  batch_data_policy_arn      = "${local.iam_arn}:policy/${local.batch_data_policy_name}"
  batch_deploy_policy_arns   = { for name in keys(var.projects) : name => contains(keys(local.batch_projects), name) ? [local.batch_deploy_policy_arn[name]] : [] }
  batch_deploy_policy_arn    = { for name in keys(local.batch_projects) : name => "${local.iam_arn}:policy/${var.name_prefix}-${name}-batch-deploy" }
  scheduler_service          = "scheduler.amazonaws.com"
  batch_schedule_group_name  = "${var.name_prefix}-batch"
  batch_schedule_group_arn   = "arn:${local.partition}:scheduler:${local.regional}:schedule-group/${local.batch_schedule_group_name}"
  batch_execution_policy_arn = [local.batch_data_policy_arn]
  batch_schedule_arn         = { for name in keys(local.batch_projects) : name => "arn:${local.partition}:scheduler:${local.regional}:schedule/${local.batch_schedule_group_name}/${local.batch_schedule_names[name]}" }
  batch_schedules_arn        = "arn:${local.partition}:scheduler:${local.regional}:schedule/${local.batch_schedule_group_name}/*"
  batch_schedule_roles_arn   = "${local.iam_arn}:role/${var.name_prefix}-*-schedule"

  # The inline policy of a batch project's deploy role (main.tf picks it by the project's
  # serving): its models only. No endpoint, endpoint configuration, endpoint invocation or
  # monitoring of an endpoint: a batch project has none.
  batch_deploy_inline_policy = {
    for name in keys(local.batch_projects) : name => jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid      = "ManageProjectModels"
          Effect   = "Allow"
          Action   = local.model_actions
          Resource = "${local.sagemaker_arn}:model/${var.name_prefix}-${name}-*"
        },
      ]
    })
  }

  # What the model execution role may do with the batch bucket: list it, read
  # any project's inputs and write any project's outputs (it runs every
  # project's models; the deploy roles decide which model reads which prefix).
  batch_data_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ListBatchBucket"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource = local.batch_bucket_arn
      },
      {
        Sid      = "ReadBatchInputs"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = local.batch_inputs_arn
      },
      {
        Sid      = "WriteBatchOutputs"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = local.batch_outputs_arn
      },
    ]
  }

  # The guardrails of every batch pipeline role, one literal document (checkov
  # evaluates it). CreateTransformJob carries sagemaker:InstanceTypes,
  # sagemaker:VolumeKmsKey, sagemaker:OutputKmsKey and sagemaker:ModelArn
  # (Service Authorization Reference). Absent keys: each "missing" deny is
  # Null = true; ArnNotEquals is true on an absent key, so those denies also
  # require Null = false.
  batch_guardrail_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyTransformWithoutInstanceType"
        Effect    = "Deny"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = "*"
        Condition = { Null = { "sagemaker:InstanceTypes" = "true" } }
      },
      {
        Sid       = "DenyTransformOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.transform_instance_types } }
      },
      {
        Sid       = "DenyTransformWithoutVolumeKey"
        Effect    = "Deny"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKey" = "true" } }
      },
      {
        Sid      = "DenyTransformOtherVolumeKey"
        Effect   = "Deny"
        Action   = "sagemaker:CreateTransformJob"
        Resource = "*"
        Condition = {
          Null         = { "sagemaker:VolumeKmsKey" = "false" }
          ArnNotEquals = { "sagemaker:VolumeKmsKey" = local.endpoint_key_arn }
        }
      },
      {
        Sid       = "DenyTransformWithoutOutputKey"
        Effect    = "Deny"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = "*"
        Condition = { Null = { "sagemaker:OutputKmsKey" = "true" } }
      },
      {
        Sid      = "DenyTransformOtherOutputKey"
        Effect   = "Deny"
        Action   = "sagemaker:CreateTransformJob"
        Resource = "*"
        Condition = {
          Null         = { "sagemaker:OutputKmsKey" = "false" }
          ArnNotEquals = { "sagemaker:OutputKmsKey" = local.endpoint_key_arn }
        }
      },
      # SageMaker creates grants on the endpoint key for the job's volumes.
      local.endpoint_key_grants,
      local.describe_endpoint_key,
    ]
  }
}

# Inputs (<project>/input/) and predictions (<project>/output/<execution>/) of
# the batch projects: SSE-KMS with the endpoint key, TLS and VPC endpoint only
# (the model execution role, which runs the transform jobs, is exempt as for
# data capture).
module "batch_bucket" {
  source = "../s3-bucket"
  count  = length(local.batch_projects) > 0 ? 1 : 0

  bucket_name = local.batch_bucket_name
  kms_key_arn = local.endpoint_key_arn

  logging = {
    target_bucket = module.access_logs.bucket_name
    target_prefix = "s3/${local.batch_bucket_name}/"
  }

  allowed_vpc_endpoint_ids   = var.s3_vpc_endpoint_ids
  vpce_exempt_principal_arns = local.vpce_exempt_principal_arns

  lifecycle_rules = {
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
    expiration_days                    = var.batch_retention_days
  }

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "batch-inference" })
}

resource "aws_iam_policy" "batch_data" {
  count = length(local.batch_projects) > 0 ? 1 : 0

  name        = local.batch_data_policy_name
  description = "The ${var.name_prefix} model execution role's batch transforms: read <project>/input/, write <project>/output/ of ${local.batch_bucket_name}."
  policy      = jsonencode(local.batch_data_policy)

  tags = merge(var.tags, { Name = local.batch_data_policy_name })
}

resource "aws_iam_policy" "batch_guardrails" {
  count = length(local.batch_projects) > 0 ? 1 : 0

  name        = local.batch_guardrail_name
  description = "Guardrails of the ${var.name_prefix} batch pipeline roles: transform jobs only on the allowed instance types, only with the endpoint key as volume and output key."
  policy      = jsonencode(local.batch_guardrail_policy)

  tags = merge(var.tags, { Name = local.batch_guardrail_name })
}

################################################################################
# The pipeline role of each batch project
################################################################################

resource "aws_iam_role" "batch_pipeline" {
  for_each = local.batch_projects

  name        = local.batch_pipeline_role_names[each.key]
  description = "Runs the batch pipeline ${var.name_prefix}-${each.key}-batch: transform jobs of project ${each.key}'s models only."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumedBySageMakerPipelinesOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = local.sagemaker_service }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.batch_pipeline_role_names[each.key], Project = each.key })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.batch_guardrails]
}

resource "aws_iam_role_policy" "batch_pipeline" {
  for_each = local.batch_projects

  name = "permissions"
  role = aws_iam_role.batch_pipeline[each.key].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # Pipeline jobs are named pipelines-<execution>-<step>-<suffix>: the
        # project is the model's (sagemaker:ModelArn), not the job's name.
        Sid       = "TransformJobsOfProjectModels"
        Effect    = "Allow"
        Action    = "sagemaker:CreateTransformJob"
        Resource  = local.transform_jobs_arn
        Condition = { ArnLike = { "sagemaker:ModelArn" = "${local.sagemaker_arn}:model/${var.name_prefix}-${each.key}-*" } }
      },
      {
        Sid      = "FollowTransformJobs"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeTransformJob", "sagemaker:StopTransformJob"]
        Resource = local.transform_jobs_arn
      },
    ]
  })
}

resource "aws_iam_role_policies_exclusive" "batch_pipeline" {
  for_each = local.batch_projects

  role_name    = aws_iam_role.batch_pipeline[each.key].name
  policy_names = ["permissions"]

  depends_on = [aws_iam_role_policy.batch_pipeline]
}

resource "aws_iam_role_policy_attachments_exclusive" "batch_pipeline" {
  for_each = local.batch_projects

  role_name   = aws_iam_role.batch_pipeline[each.key].name
  policy_arns = [local.batch_guardrail_arn]

  depends_on = [aws_iam_policy.batch_guardrails]
}

################################################################################
# The schedule of each batch project and its role
################################################################################

resource "aws_iam_role" "batch_schedule" {
  for_each = local.batch_projects

  name        = local.batch_schedule_role_names[each.key]
  description = "The schedule ${local.batch_schedule_names[each.key]}: starts the batch pipeline of project ${each.key}, nothing else."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # EventBridge Scheduler names the schedule group as aws:SourceArn; the
        # group holds only these schedules.
        Sid       = "AssumedByTheBatchSchedules"
        Effect    = "Allow"
        Principal = { Service = local.scheduler_service }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = local.batch_schedule_group_arn }
        }
      },
    ]
  })
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.batch_schedule_role_names[each.key], Project = each.key })

  depends_on = [aws_iam_policy.boundary]
}

resource "aws_iam_role_policy" "batch_schedule" {
  for_each = local.batch_projects

  name = "permissions"
  role = aws_iam_role.batch_schedule[each.key].name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "StartProjectBatchPipeline"
        Effect   = "Allow"
        Action   = "sagemaker:StartPipelineExecution"
        Resource = local.batch_pipeline_arn[each.key]
      },
    ]
  })
}

resource "aws_iam_role_policies_exclusive" "batch_schedule" {
  for_each = local.batch_projects

  role_name    = aws_iam_role.batch_schedule[each.key].name
  policy_names = ["permissions"]

  depends_on = [aws_iam_role_policy.batch_schedule]
}

resource "aws_iam_role_policy_attachments_exclusive" "batch_schedule" {
  for_each = local.batch_projects

  role_name   = aws_iam_role.batch_schedule[each.key].name
  policy_arns = []
}

resource "aws_scheduler_schedule_group" "batch" {
  count = length(local.batch_projects) > 0 ? 1 : 0

  name = local.batch_schedule_group_name
  tags = merge(var.tags, { Name = local.batch_schedule_group_name })
}

# The pipeline need not exist yet: the schedule's runs fail (and are retried)
# until the first approved model is deployed. After its creation the schedule's
# state belongs to the project's deploy workflow: enabled by each deployment,
# disabled when no Approved package is left to run (handle-approval-event), so
# Terraform does not put it back.
resource "aws_scheduler_schedule" "batch" {
  # checkov:skip=CKV_AWS_297: A schedule's key encrypts its target's Input; this target has none (the pipeline runs with its definition's own values, no parameters), so there is nothing for a customer managed key to protect, and Terraform's deploy role administers the keys without cryptographic use.
  for_each = local.batch_projects

  name                = local.batch_schedule_names[each.key]
  group_name          = aws_scheduler_schedule_group.batch[0].name
  description         = "Batch inference of project ${each.key}: starts ${var.name_prefix}-${each.key}-batch."
  schedule_expression = each.value.batch.schedule_expression
  state               = "ENABLED"

  lifecycle {
    ignore_changes = [state]
  }

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = local.batch_pipeline_arn[each.key]
    role_arn = aws_iam_role.batch_schedule[each.key].arn

    retry_policy {
      maximum_event_age_in_seconds = 3600
      maximum_retry_attempts       = 3
    }
  }
}

################################################################################
# What a batch project's deploy role adds: its pipeline, passing its pipeline
# role to SageMaker, and switching its schedule on and off (UpdateSchedule
# restates the schedule's target, so it passes the schedule role)
################################################################################

resource "aws_iam_policy" "batch_deploy" {
  for_each = local.batch_projects

  name        = "${var.name_prefix}-${each.key}-batch-deploy"
  description = "The deploy role of project ${each.key}: writes the batch pipeline ${var.name_prefix}-${each.key}-batch, run as ${local.batch_pipeline_role_names[each.key]}."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteProjectBatchPipeline"
        Effect   = "Allow"
        Action   = ["sagemaker:AddTags", "sagemaker:CreatePipeline", "sagemaker:DescribePipeline", "sagemaker:ListTags", "sagemaker:UpdatePipeline"]
        Resource = local.batch_pipeline_arn[each.key]
      },
      {
        Sid       = "PassProjectBatchPipelineRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "${local.iam_arn}:role/${local.batch_pipeline_role_names[each.key]}"
        Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
      },
      {
        Sid      = "SwitchProjectBatchSchedule"
        Effect   = "Allow"
        Action   = ["scheduler:GetSchedule", "scheduler:UpdateSchedule"]
        Resource = local.batch_schedule_arn[each.key]
      },
      {
        Sid       = "PassProjectScheduleRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = "${local.iam_arn}:role/${local.batch_schedule_role_names[each.key]}"
        Condition = { StringEquals = { "iam:PassedToService" = local.scheduler_service } }
      },
    ]
  })

  tags = merge(var.tags, { Name = "${var.name_prefix}-${each.key}-batch-deploy", Project = each.key })
}
