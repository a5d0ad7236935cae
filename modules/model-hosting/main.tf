################################################################################
# What a target account (staging, prod) needs to host a project's endpoints,
# besides the network: the endpoint key, the data-capture bucket, the hosting
# permission boundary, the model execution role and one deploy role per
# project.
#
# Every policy is a literal object rendered with jsonencode(), built from
# locals only (no merge(), no conditionals, no for over maps inside a
# document), so it is known at plan time, tests can decode it, and checkov can
# evaluate it (it silently skips IAM checks on documents it cannot render).
################################################################################

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  dns_suffix = data.aws_partition.current.dns_suffix
  regional   = "${local.region}:${local.account_id}"
  iam_arn    = "arn:${local.partition}:iam::${local.account_id}"

  # Service principals and iam:PassedToService values are the same in every
  # partition. The GitHub audience is the one the account's OIDC provider
  # lists as client id (bootstrap: sts.<dns suffix>).
  sagemaker_service = "sagemaker.amazonaws.com"
  github_audience   = "sts.${local.dns_suffix}"

  # --- Names and ARNs (deterministic, known at plan time) --------------------

  # The source account grants exactly this name: keep it.
  execution_role_name = "${var.name_prefix}-model-execution"
  execution_role_arn  = "${local.iam_arn}:role/${local.execution_role_name}"
  boundary_name       = "${var.name_prefix}-hosting-boundary"
  boundary_arn        = "${local.iam_arn}:policy/${local.boundary_name}"
  deploy_role_names   = { for project in keys(var.projects) : project => "${var.name_prefix}-${project}-deploy" }

  data_capture_bucket_name = "${var.name_prefix}-data-capture-${local.account_id}"
  access_log_bucket_name   = "${var.name_prefix}-access-logs-${local.account_id}"
  data_capture_bucket_arn  = "arn:${local.partition}:s3:::${local.data_capture_bucket_name}"
  data_capture_objects_arn = "${local.data_capture_bucket_arn}/*"
  access_log_bucket_arn    = "arn:${local.partition}:s3:::${local.access_log_bucket_name}"

  endpoint_key_arn = module.kms.key_arns.endpoint

  # SageMaker hosting resources of this environment (SageMaker lower-cases
  # names in ARNs; name_prefix and project names are lower case).
  sagemaker_arn     = "arn:${local.partition}:sagemaker:${local.regional}"
  models_arn        = "${local.sagemaker_arn}:model/${var.name_prefix}-*"
  endpoint_conf_arn = "${local.sagemaker_arn}:endpoint-config/${var.name_prefix}-*"
  endpoints_arn     = "${local.sagemaker_arn}:endpoint/${var.name_prefix}-*"

  # The source environment: its models bucket, data key and model registry.
  source_model_objects_arn = "${var.source_models_bucket_arn}/*"
  # Key ids are random; the alias name is deterministic. Decrypt is allowed
  # on the source account's keys (key/*) that carry this alias
  # (kms:ResourceAliases), only through S3; the source key policy must grant
  # it as well, so only the source data key is usable.
  source_data_keys_arn      = "arn:${local.partition}:kms:${local.region}:${var.source_account_id}:key/*"
  source_data_key_alias     = "alias/${split(":alias/", var.source_data_key_alias_arn)[1]}"
  source_model_packages_arn = "arn:${local.partition}:sagemaker:${local.region}:${var.source_account_id}:model-package/${var.source_name_prefix}-*"
  source_model_groups_arn   = "arn:${local.partition}:sagemaker:${local.region}:${var.source_account_id}:model-package-group/${var.source_name_prefix}-*"
  # The source key is usable only through S3 of its (= this) region.
  s3_via_service = "s3.${local.region}.${local.dns_suffix}"

  endpoint_log_groups_arn  = "arn:${local.partition}:logs:${local.regional}:log-group:/aws/sagemaker/Endpoints/${var.name_prefix}-*"
  endpoint_log_streams_arn = "arn:${local.partition}:logs:${local.regional}:log-group:/aws/sagemaker/Endpoints/${var.name_prefix}-*:log-stream:*"

  ecr_repository_arns = concat(["arn:${local.partition}:ecr:${local.regional}:repository/*"], var.additional_ecr_repository_arns)

  vpc_arn                = "arn:${local.partition}:ec2:${local.regional}:vpc/${var.vpc_id}"
  subnet_arns            = [for s in var.subnet_ids : "arn:${local.partition}:ec2:${local.regional}:subnet/${s}"]
  security_group_arns    = [for g in var.security_group_ids : "arn:${local.partition}:ec2:${local.regional}:security-group/${g}"]
  network_interfaces_arn = "arn:${local.partition}:ec2:${local.regional}:network-interface/*"
  subnet_ids             = var.subnet_ids
  security_group_ids     = var.security_group_ids

  ssm_path_arn     = "arn:${local.partition}:ssm:${local.regional}:parameter${var.ssm_parameter_path}"
  ssm_children_arn = "arn:${local.partition}:ssm:${local.regional}:parameter${var.ssm_parameter_path}/*"

  oidc_provider_arn = var.oidc_provider_arn

  # Actions without resource-level permissions are limited to this region.
  in_region = { StringEquals = { "aws:RequestedRegion" = local.region } }

  # The model execution role is exempt (by exact ARN) from the data-capture
  # bucket's "only through the VPC endpoint" deny: SageMaker writes captured
  # data with it from the hosting platform, and AWS does not document that
  # this traffic leaves through the customer VPC. The deploy roles run on
  # GitHub-hosted runners outside the VPC and upload a deployment's baseline
  # data (their policies allow only monitoring/<project>/ of the bucket).
  vpce_exempt_principal_arns = distinct(concat(var.vpce_exempt_principal_arns, [local.execution_role_arn], [for name in values(local.deploy_role_names) : "${local.iam_arn}:role/${name}"]))
}

################################################################################
# Endpoint key: storage volumes of the endpoint instances and data capture
################################################################################

module "kms" {
  source = "../kms"

  name_prefix = var.name_prefix
  keys = {
    endpoint = { description = "SageMaker endpoint storage volumes and data capture of ${var.name_prefix}" }
    notifications = {
      description = "The ${var.name_prefix} alerts topic (endpoint alarms, endpoint events, deployment results)"
      # CloudWatch alarms and EventBridge rules publish to the encrypted topic: SNS uses the key
      # with their permissions, only for this account.
      service_principals = [
        {
          sid        = "AlarmsPublishToAlerts"
          service    = "cloudwatch.amazonaws.com"
          actions    = ["kms:Decrypt", "kms:GenerateDataKey*"]
          conditions = { StringEquals = { "aws:SourceAccount" = [local.account_id] } }
        },
        {
          sid        = "EventsPublishToAlerts"
          service    = "events.amazonaws.com"
          actions    = ["kms:Decrypt", "kms:GenerateDataKey*"]
          conditions = { StringEquals = { "aws:SourceAccount" = [local.account_id] } }
        },
      ]
    }
  }
  administrator_arns      = var.kms_administrator_arns
  read_only_arns          = var.kms_read_only_arns
  user_arn_patterns       = ["${local.iam_arn}:role/${var.name_prefix}-*"]
  deletion_window_in_days = var.kms_deletion_window_days
  rotation_period_in_days = var.kms_rotation_period_days
  tags                    = var.tags
}

################################################################################
# Data capture (SSE-KMS with the endpoint key) and its access-log bucket
################################################################################

# S3 delivers server access logs only to SSE-S3 buckets (see modules/s3-bucket).
module "access_logs" {
  source = "../s3-bucket"

  bucket_name            = local.access_log_bucket_name
  kms_key_arn            = null
  access_log_target      = true
  log_source_bucket_arns = concat([local.data_capture_bucket_arn], length(local.batch_projects) > 0 ? [local.batch_bucket_arn] : [])
  logging                = null

  allowed_vpc_endpoint_ids   = var.s3_vpc_endpoint_ids
  vpce_exempt_principal_arns = var.vpce_exempt_principal_arns

  lifecycle_rules = {
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
    expiration_days                    = var.access_log_retention_days
  }

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "access-logs" })
}

module "data_capture" {
  source = "../s3-bucket"

  bucket_name = local.data_capture_bucket_name
  kms_key_arn = local.endpoint_key_arn

  logging = {
    target_bucket = module.access_logs.bucket_name
    target_prefix = "s3/${local.data_capture_bucket_name}/"
  }

  allowed_vpc_endpoint_ids   = var.s3_vpc_endpoint_ids
  vpce_exempt_principal_arns = local.vpce_exempt_principal_arns

  lifecycle_rules = {
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
    expiration_days                    = var.data_capture_retention_days
  }

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "data-capture" })
}

################################################################################
# Permission boundary of the model execution and deploy roles
#
# The most any of them may do: SageMaker hosting on <name_prefix>-* models,
# endpoint configurations and endpoints; reading the source registry, models
# bucket and data key; the data-capture bucket and endpoint key; endpoint logs
# and metrics; image pulls; network interfaces in the given subnets; the SSM
# contract; passing the model execution role to SageMaker. Plus: the boundary
# can not be edited, removed or avoided.
################################################################################

locals {
  # A batch project's deploy role gets these on its models only (batch.tf).
  model_actions = ["sagemaker:AddTags", "sagemaker:CreateModel", "sagemaker:DeleteModel", "sagemaker:DescribeModel", "sagemaker:ListTags"]

  hosting_actions = [
    "sagemaker:AddTags",
    "sagemaker:CreateEndpoint",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:CreateModel",
    "sagemaker:DeleteEndpoint",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:DeleteModel",
    "sagemaker:DescribeEndpoint",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DescribeModel",
    "sagemaker:ListTags",
    "sagemaker:UpdateEndpoint",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
  ]

  registry_read_actions = [
    "sagemaker:DescribeModelPackage",
    "sagemaker:DescribeModelPackageGroup",
    "sagemaker:ListModelPackages",
  ]

  endpoint_log_actions = [
    "logs:CreateLogGroup",
    "logs:CreateLogStream",
    "logs:DescribeLogStreams",
    "logs:PutLogEvents",
  ]

  image_pull_actions = [
    "ecr:BatchCheckLayerAvailability",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
  ]

  network_describe_actions = [
    "ec2:DescribeDhcpOptions",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcs",
  ]

  contract_read_actions = [
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
  ]

  boundary_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # The deploy roles' own statements name each monitoring action; the
        # boundary allows those three resource types' actions on <name_prefix>-*.
        Sid    = "HostingResources"
        Effect = "Allow"
        # Batch inference (batch.tf): the projects' pipelines and their transform jobs (named by
        # SageMaker Pipelines). "*Job" acts only on the job types listed here: processing and transform.
        # Batch projects' deploy roles also switch their schedules on and off (batch.tf). One statement
        # for all, and the hosting actions as patterns ("*Model": Create/Describe/DeleteModel on the
        # models; "*Endpoint" also InvokeEndpoint): the boundary is near IAM's size limit, and the
        # identity policies name each action with its resource.
        Action   = ["sagemaker:AddTags", "sagemaker:ListTags", "sagemaker:*Model", "sagemaker:*EndpointConfig", "sagemaker:*Endpoint", "sagemaker:UpdateEndpointWeightsAndCapacities", "sagemaker:*DataQualityJobDefinition", "sagemaker:*MonitoringSchedule", "sagemaker:*Pipeline*", "sagemaker:*Job", "scheduler:GetSchedule", "scheduler:UpdateSchedule"]
        Resource = [local.models_arn, local.endpoint_conf_arn, local.endpoints_arn, local.processing_jobs_arn, local.job_definitions_arn, local.monitoring_schedules_arn, local.batch_pipelines_arn, local.transform_jobs_arn, local.batch_schedules_arn]
      },
      {
        Sid      = "SourceModelRegistry"
        Effect   = "Allow"
        Action   = local.registry_read_actions
        Resource = [local.source_model_packages_arn, local.source_model_groups_arn]
      },
      {
        Sid      = "SourceModelArtifacts"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectVersion"]
        Resource = local.source_model_objects_arn
      },
      {
        Sid    = "DataCapture"
        Effect = "Allow"
        Action = ["s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:PutObject"]
        # The batch bucket and its objects in one pattern (the identity policies name them exactly).
        Resource = [local.data_capture_bucket_arn, local.data_capture_objects_arn, "${local.batch_bucket_arn}*"]
      },
      {
        Sid      = "Alerts"
        Effect   = "Allow"
        Action   = concat(local.alarm_actions, ["sns:Publish"])
        Resource = [local.alarms_arn, local.alerts_topic_arn]
      },
      {
        Sid      = "Keys"
        Effect   = "Allow"
        Action   = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = [local.endpoint_key_arn, module.kms.key_arns.notifications]
      },
      {
        Sid      = "SourceDataKeyViaS3"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = local.source_data_keys_arn
        Condition = {
          StringEquals               = { "kms:ViaService" = local.s3_via_service }
          "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = local.source_data_key_alias }
        }
      },
      {
        Sid      = "EndpointLogs"
        Effect   = "Allow"
        Action   = local.endpoint_log_actions
        Resource = [local.endpoint_log_groups_arn, local.endpoint_log_streams_arn, local.processing_log_groups_arn, local.processing_streams_arn]
      },
      {
        Sid      = "ImagePull"
        Effect   = "Allow"
        Action   = local.image_pull_actions
        Resource = concat(local.ecr_repository_arns, [var.model_monitor_image_repository_arn])
      },
      {
        Sid      = "NetworkInterfaces"
        Effect   = "Allow"
        Action   = ["ec2:CreateNetworkInterface", "ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"]
        Resource = concat([local.network_interfaces_arn], local.subnet_arns, local.security_group_arns)
      },
      {
        # None of these has resource-level permissions.
        Sid       = "NoResourceLevel"
        Effect    = "Allow"
        Action    = concat(local.network_describe_actions, ["application-autoscaling:*ScalableTarget*", "application-autoscaling:*ScalingPolic*", "cloudwatch:PutMetricData", "ecr:GetAuthorizationToken", "sagemaker:ListDataQualityJobDefinitions"])
        Resource  = "*"
        Condition = local.in_region
      },
      {
        Sid      = "CallerIdentity"
        Effect   = "Allow"
        Action   = "sts:GetCallerIdentity"
        Resource = "*"
      },
      {
        Sid      = "PlatformContract"
        Effect   = "Allow"
        Action   = local.contract_read_actions
        Resource = [local.ssm_path_arn, local.ssm_children_arn]
      },
      {
        # And the batch schedules' roles to EventBridge Scheduler (UpdateSchedule restates the target).
        Sid       = "PassModelExecutionRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = [local.execution_role_arn, local.monitor_role_arn, local.batch_pipeline_roles_arn, local.batch_schedule_roles_arn]
        Condition = { StringEquals = { "iam:PassedToService" = [local.sagemaker_service, local.scheduler_service] } }
      },
      {
        Sid      = "DenyBoundaryEdits"
        Effect   = "Deny"
        Action   = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:TagPolicy", "iam:UntagPolicy"]
        Resource = local.boundary_arn
      },
      {
        Sid      = "DenyBoundaryRemoval"
        Effect   = "Deny"
        Action   = "iam:DeleteRolePermissionsBoundary"
        Resource = "*"
      },
      {
        Sid       = "DenyRolesWithoutThisBoundary"
        Effect    = "Deny"
        Action    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
        Resource  = "*"
        Condition = { StringNotEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
      },
    ]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_name
  description = "Permission boundary of the ${var.name_prefix} model execution and deploy roles: SageMaker hosting of ${var.name_prefix}-* resources and what the endpoints need; the boundary can not be edited or avoided."
  policy      = jsonencode(local.boundary_policy)

  tags = merge(var.tags, { Name = local.boundary_name })

  lifecycle {
    # jsonencode() emits no whitespace, so its length is what IAM counts.
    precondition {
      condition     = length(jsonencode(local.boundary_policy)) <= 6144
      error_message = "The hosting boundary is ${length(jsonencode(local.boundary_policy))} characters; IAM allows 6144 for a managed policy. Use fewer subnets, security groups or ECR repositories, or a shorter name_prefix."
    }
  }
}

################################################################################
# Model execution role: what the endpoints run as
################################################################################

locals {
  execution_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumedBySageMakerOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = local.sagemaker_service }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  }

  execution_policy = {
    Version = "2012-10-17"
    Statement = [
      local.read_source_model_artifacts,
      local.decrypt_source_model_artifacts,
      {
        Sid      = "WriteDataCapture"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = local.data_capture_objects_arn
      },
      {
        Sid      = "LocateDataCaptureBucket"
        Effect   = "Allow"
        Action   = "s3:GetBucketLocation"
        Resource = local.data_capture_bucket_arn
      },
      {
        Sid      = "UseEndpointKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = local.endpoint_key_arn
      },
      # Instance storage volumes: grants for AWS resources only.
      local.endpoint_key_grants,
      {
        Sid      = "PullImages"
        Effect   = "Allow"
        Action   = local.image_pull_actions
        Resource = local.ecr_repository_arns
      },
      local.ecr_authorization_token,
      {
        Sid      = "EndpointLogs"
        Effect   = "Allow"
        Action   = local.endpoint_log_actions
        Resource = [local.endpoint_log_groups_arn, local.endpoint_log_streams_arn]
      },
      {
        # cloudwatch:PutMetricData has no resource-level permissions; the
        # namespace condition keeps it to SageMaker's namespaces.
        Sid       = "EndpointMetrics"
        Effect    = "Allow"
        Action    = "cloudwatch:PutMetricData"
        Resource  = "*"
        Condition = { StringLike = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] } }
      },
      local.describe_network,
      local.create_network_interfaces,
      local.create_network_interfaces_in_hosting_subnets,
      local.manage_network_interfaces_in_hosting_subnets,
    ]
  }

  # What the model execution and monitoring roles share: image pulls and
  # network interfaces in the hosting subnets.
  ecr_authorization_token = {
    # ecr:GetAuthorizationToken has no resource-level permissions: IAM
    # requires Resource "*". The token only authenticates to the registry;
    # which images can be pulled is decided by the repository statements.
    Sid       = "EcrAuthorizationToken"
    Effect    = "Allow"
    Action    = "ecr:GetAuthorizationToken"
    Resource  = "*"
    Condition = local.in_region
  }
  describe_network = {
    # EC2 Describe actions have no resource-level permissions.
    Sid       = "DescribeNetwork"
    Effect    = "Allow"
    Action    = local.network_describe_actions
    Resource  = "*"
    Condition = local.in_region
  }
  create_network_interfaces = {
    # The new interface itself carries no ec2:Vpc/ec2:Subnet key at
    # creation; the subnet and security group it is created in are pinned
    # by the next statement.
    Sid      = "CreateNetworkInterfaces"
    Effect   = "Allow"
    Action   = "ec2:CreateNetworkInterface"
    Resource = local.network_interfaces_arn
  }
  create_network_interfaces_in_hosting_subnets = {
    Sid       = "CreateNetworkInterfacesInHostingSubnets"
    Effect    = "Allow"
    Action    = "ec2:CreateNetworkInterface"
    Resource  = concat(local.subnet_arns, local.security_group_arns)
    Condition = { ArnEquals = { "ec2:Vpc" = local.vpc_arn } }
  }
  manage_network_interfaces_in_hosting_subnets = {
    Sid       = "ManageNetworkInterfacesInHostingSubnets"
    Effect    = "Allow"
    Action    = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"]
    Resource  = local.network_interfaces_arn
    Condition = { ArnEquals = { "ec2:Vpc" = local.vpc_arn, "ec2:Subnet" = local.subnet_arns } }
  }
}

resource "aws_iam_role" "model_execution" {
  name                  = local.execution_role_name
  description           = "SageMaker model execution role of ${var.name_prefix}: reads approved models of the source account, writes data capture, runs in the hosting subnets."
  assume_role_policy    = jsonencode(local.execution_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.execution_role_name })

  # The boundary ARN is built from its name: the policy must exist first. Destroy deletes the role
  # (detaching the batch policy) before that policy.
  depends_on = [aws_iam_policy.boundary, aws_iam_policy.batch_data]
}

resource "aws_iam_role_policy" "model_execution" {
  name   = "permissions"
  role   = aws_iam_role.model_execution.name
  policy = jsonencode(local.execution_policy)
}

################################################################################
# Deploy roles: one per project, assumed by the project's GitHub workflows in
# the GitHub environment <stage>
################################################################################

resource "aws_iam_role" "deploy" {
  for_each = var.projects

  name        = local.deploy_role_names[each.key]
  description = "Deploys project ${each.key} to ${var.stage}: GitHub ${each.value.repository.owner}/${each.value.repository.name}, environment ${var.stage} only."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "GitHubActionsProjectEnvironment"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = local.github_audience
            "token.actions.githubusercontent.com:sub" = "repo:${each.value.repository.owner}/${each.value.repository.name}:environment:${var.stage}"
          }
        }
      },
    ]
  })
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.deploy_role_names[each.key], Project = each.key })

  # The boundary ARN is built from its name: the policy must exist first. The
  # shared policy is attached by the exclusive-attachments resource; depending
  # on it here makes destroy delete the role (detaching it) before the policy.
  depends_on = [aws_iam_policy.boundary, aws_iam_policy.deploy_common, aws_iam_policy.batch_deploy, aws_iam_policy.realtime_deploy]
}

# Everything the deploy roles share, including the guardrail denies, lives in
# one managed policy: a literal document checkov can evaluate (it can not
# render the per-project inline policies below, whose instances come from
# var.projects).
locals {
  deploy_common_policy_name = "${var.name_prefix}-project-deploy"
  deploy_common_policy_arn  = "${local.iam_arn}:policy/${local.deploy_common_policy_name}"

  # The endpoint key's statements that the model execution, monitoring, batch
  # pipeline and realtime deploy roles share (one definition).
  endpoint_key_grants = {
    Sid       = "EndpointKeyGrantsForAwsResources"
    Effect    = "Allow"
    Action    = "kms:CreateGrant"
    Resource  = local.endpoint_key_arn
    Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
  }
  describe_endpoint_key = {
    Sid      = "DescribeEndpointKey"
    Effect   = "Allow"
    Action   = "kms:DescribeKey"
    Resource = local.endpoint_key_arn
  }

  # Reading the source environment's model archives, shared by the model execution role (SageMaker
  # loads the model) and the deploy roles (a deployment checks the archive's SHA-256 against the one
  # recorded at registration before it deploys it).
  read_source_model_artifacts = {
    # Cross-account: the source bucket policy grants these roles by exact ARN.
    Sid      = "ReadSourceModelArtifacts"
    Effect   = "Allow"
    Action   = ["s3:GetObject", "s3:GetObjectVersion"]
    Resource = local.source_model_objects_arn
  }
  decrypt_source_model_artifacts = {
    # Cross-account: the source key policy grants Decrypt to these roles via S3 only.
    Sid      = "DecryptSourceModelArtifactsViaS3"
    Effect   = "Allow"
    Action   = "kms:Decrypt"
    Resource = local.source_data_keys_arn
    Condition = {
      StringEquals               = { "kms:ViaService" = local.s3_via_service }
      "ForAnyValue:StringEquals" = { "kms:ResourceAliases" = local.source_data_key_alias }
    }
  }

  deploy_common_policy = {
    Version = "2012-10-17"
    Statement = [
      local.read_source_model_artifacts,
      local.decrypt_source_model_artifacts,
      {
        # The models' role (realtime.tf adds the monitoring role for the realtime projects).
        Sid       = "PassModelExecutionRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.execution_role_arn
        Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
      },
      {
        Sid      = "ReadPlatformContract"
        Effect   = "Allow"
        Action   = local.contract_read_actions
        Resource = [local.ssm_path_arn, local.ssm_children_arn]
      },
      {
        # Cross-account: the source model package groups' resource policies
        # grant these to this account; this statement picks the roles.
        Sid      = "ReadSourceModelRegistry"
        Effect   = "Allow"
        Action   = local.registry_read_actions
        Resource = [local.source_model_packages_arn, local.source_model_groups_arn]
      },
      {
        Sid      = "CallerIdentity"
        Effect   = "Allow"
        Action   = "sts:GetCallerIdentity"
        Resource = "*"
      },
      local.publish_to_alerts,
      local.use_notifications_key,
      # Guardrails. Condition keys per action from the Service Authorization
      # Reference, "Actions defined by Amazon SageMaker": CreateModel carries
      # sagemaker:VpcSubnets and sagemaker:VpcSecurityGroupIds (ArrayOfString);
      # CreateEndpointConfig carries sagemaker:VolumeKmsKeyArn (ARN; the
      # deprecated sagemaker:VolumeKmsKey is not listed for it). A Null deny on
      # a key the action does not carry would deny it always. Absent keys:
      # each "missing" deny is Null = true; ForAnyValue:StringNotEquals is
      # false on an absent key (the missing deny covers it); ArnNotEquals would
      # be true on an absent key, so that deny also requires Null = false.
      {
        Sid       = "DenyModelWithoutVpcSubnets"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
      },
      {
        Sid       = "DenyModelWithoutVpcSecurityGroups"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSecurityGroupIds" = "true" } }
      },
      {
        Sid       = "DenyModelOutsideHostingSubnets"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = local.subnet_ids } }
      },
      {
        Sid       = "DenyModelOutsideHostingSecurityGroups"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModel"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = local.security_group_ids } }
      },
      {
        Sid       = "DenyEndpointConfigWithoutKmsKey"
        Effect    = "Deny"
        Action    = "sagemaker:CreateEndpointConfig"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true" } }
      },
      {
        Sid      = "DenyEndpointConfigWithOtherKmsKey"
        Effect   = "Deny"
        Action   = "sagemaker:CreateEndpointConfig"
        Resource = "*"
        Condition = {
          Null         = { "sagemaker:VolumeKmsKeyArn" = "false" }
          ArnNotEquals = { "sagemaker:VolumeKmsKeyArn" = local.endpoint_key_arn }
        }
      },
      {
        # sagemaker:InstanceTypes is multivalued (one value per production
        # variant): denied if any variant names a type outside the list. A
        # serverless configuration carries no instance type (ForAnyValue is
        # false on an absent key) and is not denied.
        Sid       = "DenyEndpointConfigOtherInstanceTypes"
        Effect    = "Deny"
        Action    = "sagemaker:CreateEndpointConfig"
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.endpoint_instance_types } }
      },
      {
        # The baseline job and the monitoring schedule's jobs run in the
        # hosting subnets and security groups only, on the stage's instance types.
        Sid       = "DenyMonitoringJobsWithoutVpc"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateProcessingJob"]
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
      },
      {
        Sid       = "DenyMonitoringJobsOutsideHostingSubnets"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateProcessingJob"]
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = local.subnet_ids } }
      },
      {
        Sid       = "DenyMonitoringJobsOutsideHostingSecurityGroups"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateProcessingJob"]
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = local.security_group_ids } }
      },
      {
        Sid       = "DenyMonitoringJobsOtherInstanceTypes"
        Effect    = "Deny"
        Action    = ["sagemaker:CreateDataQualityJobDefinition", "sagemaker:CreateProcessingJob"]
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotLike" = { "sagemaker:InstanceTypes" = var.endpoint_instance_types } }
      },
    ]
  }
}

resource "aws_iam_policy" "deploy_common" {
  name        = local.deploy_common_policy_name
  description = "Shared by the ${var.name_prefix} project deploy roles: pass the model execution role to SageMaker, endpoint key grants, SSM contract, source registry reads; models only in the hosting subnets and security groups, endpoint configurations only with the endpoint key."
  policy      = jsonencode(local.deploy_common_policy)

  tags = merge(var.tags, { Name = local.deploy_common_policy_name })

  lifecycle {
    precondition {
      condition     = length(jsonencode(local.deploy_common_policy)) <= 6144
      error_message = "The shared deploy policy is ${length(jsonencode(local.deploy_common_policy))} characters; IAM allows 6144 for a managed policy. Use fewer subnets or security groups."
    }
  }
}

# The project-scoped part: the project's endpoint <name_prefix>-<project> (the
# name the deploy code gives it, exactly: IAM's "-*" would not match it) and
# its models and endpoint configurations <name_prefix>-<project>-<version>-...
# (no wildcard action, no other resource; asserted by the tests).
resource "aws_iam_role_policy" "deploy" {
  for_each = var.projects

  name = "permissions"
  role = aws_iam_role.deploy[each.key].name
  # A batch project has no endpoint: its deploy role gets batch.tf's policy (its models) instead.
  policy = each.value.serving == "batch" ? local.batch_deploy_inline_policy[each.key] : jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ManageProjectHosting"
        Effect = "Allow"
        Action = local.hosting_actions
        Resource = [
          "${local.sagemaker_arn}:model/${var.name_prefix}-${each.key}-*",
          "${local.sagemaker_arn}:endpoint-config/${var.name_prefix}-${each.key}-*",
          "${local.sagemaker_arn}:endpoint/${var.name_prefix}-${each.key}",
        ]
      },
      {
        # The deployment's endpoint test.
        Sid      = "InvokeProjectEndpoints"
        Effect   = "Allow"
        Action   = "sagemaker:InvokeEndpoint"
        Resource = "${local.sagemaker_arn}:endpoint/${var.name_prefix}-${each.key}"
      },
      {
        # Baseline job, data-quality job definitions and monitoring schedule of the project's endpoint.
        Sid    = "ManageProjectMonitoring"
        Effect = "Allow"
        Action = local.monitoring_actions
        Resource = [
          "${local.sagemaker_arn}:processing-job/${var.name_prefix}-${each.key}-*",
          "${local.sagemaker_arn}:data-quality-job-definition/${var.name_prefix}-${each.key}-*",
          "${local.sagemaker_arn}:monitoring-schedule/${var.name_prefix}-${each.key}-*",
        ]
      },
      {
        Sid      = "ManageProjectAlarms"
        Effect   = "Allow"
        Action   = local.alarm_actions
        Resource = "arn:${local.partition}:cloudwatch:${local.regional}:alarm:${var.name_prefix}-${each.key}-*"
      },
      {
        Sid      = "ProjectBaselineData"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${local.data_capture_bucket_arn}/monitoring/${each.key}/*"
      },
    ]
  })
}

################################################################################
# Terraform owns each role's policies: inline policies or managed policy
# attachments added outside Terraform are removed on the next apply. The
# exclusive-attachments resources also attach the listed policies (each deploy
# role: the shared deploy policy, and the realtime one (realtime.tf) or its
# project's batch one (batch.tf); the model execution role: the batch data
# policy with batch projects).
################################################################################

resource "aws_iam_role_policies_exclusive" "this" {
  for_each = merge({ model_execution = local.execution_role_name, model_monitor = local.monitor_role_name }, local.deploy_role_names)

  role_name    = each.value
  policy_names = ["permissions"]

  depends_on = [aws_iam_role_policy.model_execution, aws_iam_role_policy.model_monitor, aws_iam_role_policy.deploy]
}

resource "aws_iam_role_policy_attachments_exclusive" "model_execution" {
  role_name   = aws_iam_role.model_execution.name
  policy_arns = length(local.batch_projects) > 0 ? local.batch_execution_policy_arn : []

  depends_on = [aws_iam_policy.batch_data]
}

resource "aws_iam_role_policy_attachments_exclusive" "deploy" {
  for_each = local.deploy_role_names

  role_name   = each.value
  policy_arns = concat([local.deploy_common_policy_arn], local.batch_deploy_policy_arns[each.key], local.realtime_deploy_policy_arns[each.key])

  depends_on = [aws_iam_policy.deploy_common, aws_iam_role.deploy, aws_iam_policy.batch_deploy, aws_iam_policy.realtime_deploy]
}
