# Batch inference (batch.tf): a batch project gets its pipeline role, schedule and schedule role;
# the transform guardrails; the batch bucket; nothing of it without a batch project.

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
  name_prefix                        = "mlops-staging"
  model_monitor_image_repository_arn = "arn:aws:ecr:eu-west-1:468650794304:repository/sagemaker-model-monitor-analyzer"
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
  projects = {
    abalone = { repository = { owner = "example-org", name = "abalone-model" }, serving = "batch", batch = { schedule_expression = "cron(0 3 * * ? *)" } }
    rings   = { repository = { owner = "example-org", name = "rings-model" } }
  }
  transform_instance_types = ["ml.m5.large"]
  ssm_parameter_path       = "/mlops/staging"
  kms_administrator_arns   = ["arn:aws:iam::222222222222:role/mlops-staging-deploy"]
}

run "a_batch_project_gets_its_pipeline_role_schedule_and_guardrails" {
  command = plan

  assert {
    condition     = keys(aws_iam_role.batch_pipeline) == ["abalone"] && keys(aws_scheduler_schedule.batch) == ["abalone"] && keys(aws_iam_role.batch_schedule) == ["abalone"]
    error_message = "Only the batch project gets a batch pipeline role, a schedule and a schedule role."
  }

  assert {
    condition     = aws_iam_role.batch_pipeline["abalone"].name == "mlops-staging-abalone-batch" && aws_iam_role.batch_schedule["abalone"].name == "mlops-staging-abalone-schedule" && aws_iam_role.batch_pipeline["abalone"].permissions_boundary == "arn:aws:iam::222222222222:policy/mlops-staging-hosting-boundary"
    error_message = "The batch roles are named <name_prefix>-<project>-batch/-schedule and carry the hosting boundary."
  }

  assert {
    condition = (
      aws_scheduler_schedule.batch["abalone"].schedule_expression == "cron(0 3 * * ? *)" &&
      aws_scheduler_schedule.batch["abalone"].group_name == "mlops-staging-batch" &&
      aws_scheduler_schedule.batch["abalone"].target[0].arn == "arn:aws:sagemaker:eu-west-1:222222222222:pipeline/mlops-staging-abalone-batch"
    )
    error_message = "The schedule starts the project's batch pipeline on the project's expression, in the batch group."
  }

  assert {
    condition     = jsondecode(aws_iam_role.batch_schedule["abalone"].assume_role_policy).Statement[0].Condition == { StringEquals = { "aws:SourceAccount" = "222222222222" }, ArnEquals = { "aws:SourceArn" = "arn:aws:scheduler:eu-west-1:222222222222:schedule-group/mlops-staging-batch" } }
    error_message = "Only EventBridge Scheduler of this account, for the batch schedule group, may assume the schedule role."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.batch_schedule["abalone"].policy).Statement == [{ Sid = "StartProjectBatchPipeline", Effect = "Allow", Action = "sagemaker:StartPipelineExecution", Resource = "arn:aws:sagemaker:eu-west-1:222222222222:pipeline/mlops-staging-abalone-batch" }]
    error_message = "The schedule role may start the project's batch pipeline and nothing else."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.batch_pipeline["abalone"].policy).Statement : s if s.Sid == "TransformJobsOfProjectModels"]).Condition.ArnLike["sagemaker:ModelArn"] == "arn:aws:sagemaker:eu-west-1:222222222222:model/mlops-staging-abalone-*"
    error_message = "The batch pipeline role creates transform jobs of its project's models only."
  }

  assert {
    condition = (
      one([for s in jsondecode(output.batch_policies["guardrails"]).Statement : s if s.Sid == "DenyTransformOtherInstanceTypes"]).Condition["ForAnyValue:StringNotLike"]["sagemaker:InstanceTypes"] == ["ml.m5.large"] &&
      one([for s in jsondecode(output.batch_policies["guardrails"]).Statement : s if s.Sid == "DenyTransformOtherOutputKey"]).Condition.ArnNotEquals["sagemaker:OutputKmsKey"] == "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222" &&
      one([for s in jsondecode(output.batch_policies["guardrails"]).Statement : s if s.Sid == "DenyTransformWithoutVolumeKey"]).Condition.Null["sagemaker:VolumeKmsKey"] == "true"
    )
    error_message = "Transform jobs only on the allowed instance types, only with the endpoint key as volume and output key."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.batch_deploy["abalone"].policy).Statement : s if s.Sid == "PassProjectBatchPipelineRole"]).Resource == "arn:aws:iam::222222222222:role/mlops-staging-abalone-batch"
    error_message = "The deploy role passes only its project's batch pipeline role."
  }

  assert {
    condition     = toset(aws_iam_role_policy_attachments_exclusive.deploy["abalone"].policy_arns) == toset(["arn:aws:iam::222222222222:policy/mlops-staging-project-deploy", "arn:aws:iam::222222222222:policy/mlops-staging-abalone-batch-deploy"]) && toset(aws_iam_role_policy_attachments_exclusive.deploy["rings"].policy_arns) == toset(["arn:aws:iam::222222222222:policy/mlops-staging-project-deploy", "arn:aws:iam::222222222222:policy/mlops-staging-realtime-deploy"])
    error_message = "Only the batch project's deploy role gets the batch deploy policy, only the realtime project's the realtime one (monitoring role, endpoint key, scaling)."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.deploy["abalone"].policy).Statement == [{
      Sid      = "ManageProjectModels"
      Effect   = "Allow"
      Action   = ["sagemaker:AddTags", "sagemaker:CreateModel", "sagemaker:DeleteModel", "sagemaker:DescribeModel", "sagemaker:ListTags"]
      Resource = "arn:aws:sagemaker:eu-west-1:222222222222:model/mlops-staging-abalone-*"
    }] && !strcontains(aws_iam_role_policy.deploy["abalone"].policy, "Endpoint")
    error_message = "A batch project's deploy role manages its models only: no endpoint, endpoint configuration, invocation or endpoint monitoring."
  }

  assert {
    condition     = strcontains(aws_iam_role_policy.deploy["rings"].policy, "sagemaker:CreateEndpoint") && !strcontains(aws_iam_role_policy.deploy["rings"].policy, "scheduler:") && !strcontains(aws_iam_role_policy.deploy["rings"].policy, "Pipeline")
    error_message = "A realtime project's deploy role keeps its endpoint and gets nothing of batch."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_policy.batch_deploy["abalone"].policy).Statement : s if contains(["SwitchProjectBatchSchedule", "PassProjectScheduleRole"], s.Sid)] == [
      { Sid = "SwitchProjectBatchSchedule", Effect = "Allow", Action = ["scheduler:GetSchedule", "scheduler:UpdateSchedule"], Resource = "arn:aws:scheduler:eu-west-1:222222222222:schedule/mlops-staging-batch/mlops-staging-abalone-batch" },
      { Sid = "PassProjectScheduleRole", Effect = "Allow", Action = "iam:PassRole", Resource = "arn:aws:iam::222222222222:role/mlops-staging-abalone-schedule", Condition = { StringEquals = { "iam:PassedToService" = "scheduler.amazonaws.com" } } },
    ]
    error_message = "The batch project's deploy role switches its own schedule on and off, passing only its schedule role to EventBridge Scheduler."
  }

  assert {
    condition     = module.batch_bucket[0].bucket_name == "mlops-staging-batch-222222222222" && contains(output.bucket_arns, "arn:aws:s3:::mlops-staging-batch-222222222222")
    error_message = "The batch bucket <name_prefix>-batch-<account>, reachable through the S3 endpoint."
  }
}

run "no_batch_without_a_batch_project" {
  command = plan

  variables {
    projects = { rings = { repository = { owner = "example-org", name = "rings-model" } } }
  }

  assert {
    condition     = length(module.batch_bucket) == 0 && length(aws_iam_policy.batch_guardrails) == 0 && length(aws_scheduler_schedule_group.batch) == 0 && output.batch_bucket_name == null
    error_message = "No batch bucket, guardrail policy or schedule group without a batch project."
  }
}

run "a_bad_schedule_expression_is_refused" {
  command = plan

  variables {
    projects = { abalone = { repository = { owner = "example-org", name = "abalone-model" }, serving = "batch", batch = { schedule_expression = "every night" } } }
  }

  expect_failures = [var.projects]
}
