################################################################################
# What only a realtime project's deploy role needs (projects with serving =
# "realtime", the default): passing the monitoring role, the endpoint key for
# an encrypted endpoint configuration, the endpoint's scaling and the baseline
# data upload. One managed policy, attached to those deploy roles only (a batch
# project's deploy role has no endpoint: batch.tf).
################################################################################

locals {
  realtime_projects = { for name, project in var.projects : name => project if project.serving != "batch" }

  realtime_deploy_policy_name = "${var.name_prefix}-realtime-deploy"
  realtime_deploy_policy_arns = { for name in keys(var.projects) : name => contains(keys(local.realtime_projects), name) ? ["${local.iam_arn}:policy/${local.realtime_deploy_policy_name}"] : [] }

  realtime_deploy_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The baseline job and the monitoring schedule's job definition.
        Sid       = "PassMonitoringRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.monitor_role_arn
        Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
      },
      # CreateEndpoint with an encrypted endpoint configuration: SageMaker
      # checks that the caller may use the key and creates grants for the
      # instance volumes.
      local.describe_endpoint_key,
      local.endpoint_key_grants,
      {
        # Scaling of the endpoints (see monitoring.tf: no resource-level
        # permissions) and listing the data-quality job definitions to retire.
        Sid       = "EndpointAutoScaling"
        Effect    = "Allow"
        Action    = concat(local.autoscaling_actions, ["sagemaker:ListDataQualityJobDefinitions"])
        Resource  = "*"
        Condition = local.in_region
      },
      {
        # The baseline data the deployment uploads (SSE-KMS with the endpoint key).
        Sid       = "EndpointKeyViaS3"
        Effect    = "Allow"
        Action    = "kms:GenerateDataKey"
        Resource  = local.endpoint_key_arn
        Condition = { StringEquals = { "kms:ViaService" = local.s3_via_service } }
      },
    ]
  }
}

resource "aws_iam_policy" "realtime_deploy" {
  count = length(local.realtime_projects) > 0 ? 1 : 0

  name        = local.realtime_deploy_policy_name
  description = "Shared by the ${var.name_prefix} deploy roles of realtime projects: pass the monitoring role, endpoint key grants, endpoint scaling, baseline upload."
  policy      = jsonencode(local.realtime_deploy_policy)

  tags = merge(var.tags, { Name = local.realtime_deploy_policy_name })
}
