# The project's own pipeline execution role and job role. SageMaker Pipelines runs the project's
# pipeline as the pipeline role, which creates the pipeline's jobs; each job runs as the job role.
# Both reach only this project: its prefix <project_name>/ in the environment's data and models
# buckets, its model package group, its own jobs' keys through S3 and SageMaker. The CI role may
# pass only the pipeline role, the pipeline role only the job role, so a commit to this project's
# repository reaches no other project's data or models.
#
# Both carry the platform's permission boundary and its SageMaker guardrails policy (subnets,
# security groups, volume and output keys, inter-container encryption, registration pending
# approval, the environment's buckets only), like the platform's own execution roles.

locals {
  pipeline_role_name = "${local.project_prefix}-pipeline"
  job_role_name      = "${local.project_prefix}-pipeline-jobs"
  pipeline_role_arn  = "${local.iam_arn}:role/${local.pipeline_role_name}"
  job_role_arn       = "${local.iam_arn}:role/${local.job_role_name}"

  sagemaker_arn_prefix = "arn:${local.partition}:sagemaker:${local.regional}"
  ec2_arn_prefix       = "arn:${local.partition}:ec2:${local.regional}"

  # The project's prefix in the environment's data and models buckets (the seed code's layout:
  # <bucket>/<project>/input, /runs/<execution>/..., /code/<digest>/...).
  project_bucket_arns = [for b in [var.data_bucket_name, var.models_bucket_name] : "arn:${local.partition}:s3:::${b}"]
  project_object_arns = [for b in [var.data_bucket_name, var.models_bucket_name] : "arn:${local.partition}:s3:::${b}/${var.project_name}/*"]
  project_list_prefix = "${var.project_name}/*"

  # Job names are chosen by SageMaker Pipelines (pipelines-<execution>-<step>-...): the jobs are
  # bounded by the role they run as (the job role), not by their names.
  pipeline_job_arns = ["${local.sagemaker_arn_prefix}:processing-job/*", "${local.sagemaker_arn_prefix}:training-job/*"]
  job_key_arns      = [var.kms_key_arn, var.volume_kms_key_arn]
  s3_via_service    = "s3.${local.region}.${local.dns_suffix}"
  sagemaker_via     = "sagemaker.${local.region}.${local.dns_suffix}"
  sagemaker_service = "sagemaker.amazonaws.com"
  sagemaker_log_arn = "arn:${local.partition}:logs:${local.regional}:log-group:/aws/sagemaker/*"

  subnet_arns         = [for s in var.subnet_ids : "${local.ec2_arn_prefix}:subnet/${s}"]
  security_group_arns = [for g in var.security_group_ids : "${local.ec2_arn_prefix}:security-group/${g}"]
  eni_arns            = "${local.ec2_arn_prefix}:network-interface/*"

  job_roles_trust_policy = {
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

  # S3 statements shared by both roles: list the project's prefix, read its objects.
  project_list_statement = {
    Sid       = "ListProjectPrefix"
    Effect    = "Allow"
    Action    = "s3:ListBucket"
    Resource  = local.project_bucket_arns
    Condition = { StringLike = { "s3:prefix" = local.project_list_prefix } }
  }

  project_read_statement = {
    Sid      = "ReadProjectObjects"
    Effect   = "Allow"
    Action   = ["s3:GetObject", "s3:GetObjectVersion"]
    Resource = local.project_object_arns
  }

  pipeline_role_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        # Processing and training steps, only as network-isolated jobs (the VPC, keys and
        # inter-container encryption are enforced by the guardrails policy).
        Sid       = "CreateIsolatedJobs"
        Effect    = "Allow"
        Action    = ["sagemaker:CreateProcessingJob", "sagemaker:CreateTrainingJob"]
        Resource  = local.pipeline_job_arns
        Condition = { Bool = { "sagemaker:NetworkIsolation" = "true" } }
      },
      {
        # Pipelines tags the jobs it creates (sagemaker:pipeline-execution-arn, ...).
        Sid       = "TagJobsAtCreation"
        Effect    = "Allow"
        Action    = "sagemaker:AddTags"
        Resource  = local.pipeline_job_arns
        Condition = { StringEquals = { "sagemaker:TaggingAction" = ["CreateProcessingJob", "CreateTrainingJob"] } }
      },
      {
        Sid      = "FollowJobs"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeProcessingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopProcessingJob", "sagemaker:StopTrainingJob"]
        Resource = local.pipeline_job_arns
      },
      {
        # Registration into the project's own group, pending a person's approval (the
        # guardrails deny any other status too).
        Sid       = "RegisterInProjectGroup"
        Effect    = "Allow"
        Action    = "sagemaker:CreateModelPackage"
        Resource  = [local.model_package_group_arn, local.model_packages_arn]
        Condition = { StringEquals = { "sagemaker:ModelApprovalStatus" = "PendingManualApproval" } }
      },
      {
        Sid      = "ReadProjectGroup"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup"]
        Resource = [local.model_package_group_arn, local.model_packages_arn]
      },
      {
        Sid       = "PassProjectJobRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.job_role_arn
        Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
      },
      # Pipelines reads the steps' property files (the evaluation report) as this role.
      local.project_list_statement,
      local.project_read_statement,
      {
        Sid       = "DataKeyThroughS3"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = local.s3_via_service } }
      },
      {
        # The jobs' volume and output keys, which SageMaker checks and grants itself at creation.
        # kms:GrantIsForAWSResource exists only on grant requests: DescribeKey needs a statement
        # without it, or it would never be allowed.
        Sid    = "JobKeyGrantsThroughSageMaker"
        Effect = "Allow"
        Action = "kms:CreateGrant"
        Condition = {
          StringEquals = { "kms:ViaService" = local.sagemaker_via }
          Bool         = { "kms:GrantIsForAWSResource" = "true" }
        }
        Resource = local.job_key_arns
      },
      {
        Sid       = "JobKeysDescribedThroughSageMaker"
        Effect    = "Allow"
        Action    = "kms:DescribeKey"
        Condition = { StringEquals = { "kms:ViaService" = local.sagemaker_via } }
        Resource  = local.job_key_arns
      },
    ]
  }

  job_role_policy = {
    Version = "2012-10-17"
    Statement = [
      local.project_list_statement,
      local.project_read_statement,
      {
        # Splits, model archives and evaluation reports, under the project's prefix only.
        Sid      = "WriteProjectObjects"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:ListMultipartUploadParts", "s3:PutObject"]
        Resource = local.project_object_arns
      },
      {
        Sid       = "DataKeyThroughS3"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = var.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = local.s3_via_service } }
      },
      {
        Sid       = "JobKeysThroughSageMaker"
        Effect    = "Allow"
        Action    = ["kms:CreateGrant", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"]
        Resource  = local.job_key_arns
        Condition = { StringEquals = { "kms:ViaService" = local.sagemaker_via } }
      },
      {
        Sid      = "JobLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = local.sagemaker_log_arn
      },
      {
        Sid       = "JobMetrics"
        Effect    = "Allow"
        Action    = "cloudwatch:PutMetricData"
        Resource  = "*"
        Condition = { StringLike = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] } }
      },
      {
        Sid      = "PullImagesOfThisAccount"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = "arn:${local.partition}:ecr:${local.regional}:repository/*"
      },
      {
        # No resource-level permission exists for these; this region only.
        Sid       = "VpcAndRegistryLookups"
        Effect    = "Allow"
        Action    = ["ec2:DescribeDhcpOptions", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs", "ecr:GetAuthorizationToken"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:RequestedRegion" = local.region } }
      },
      {
        # The jobs' network interfaces, in the environment's subnets and security groups only.
        Sid      = "JobNetworkInterfaces"
        Effect   = "Allow"
        Action   = "ec2:CreateNetworkInterface"
        Resource = concat([local.eni_arns], local.subnet_arns, local.security_group_arns)
      },
      {
        Sid       = "JobNetworkInterfacesManage"
        Effect    = "Allow"
        Action    = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"]
        Resource  = local.eni_arns
        Condition = { ArnEquals = { "ec2:Subnet" = local.subnet_arns } }
      },
    ]
  }
}

resource "aws_iam_role" "pipeline" {
  name                  = local.pipeline_role_name
  description           = "SageMaker Pipelines execution role of project ${var.project_name}: its jobs (as ${local.job_role_name}), its model package group, its prefix of the data and models buckets."
  assume_role_policy    = jsonencode(local.job_roles_trust_policy)
  max_session_duration  = 3600
  permissions_boundary  = var.permissions_boundary_arn
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.pipeline_role_name, Project = var.project_name })
}

resource "aws_iam_role_policy" "pipeline" {
  name   = "permissions"
  role   = aws_iam_role.pipeline.name
  policy = jsonencode(local.pipeline_role_policy)
}

resource "aws_iam_role" "job" {
  name                  = local.job_role_name
  description           = "SageMaker execution role of the jobs of project ${var.project_name}: its prefix of the data and models buckets only."
  assume_role_policy    = jsonencode(local.job_roles_trust_policy)
  max_session_duration  = 3600
  permissions_boundary  = var.permissions_boundary_arn
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.job_role_name, Project = var.project_name })
}

resource "aws_iam_role_policy" "job" {
  name   = "permissions"
  role   = aws_iam_role.job.name
  policy = jsonencode(local.job_role_policy)
}

# Terraform owns both roles' policies: the inline policy, the guardrails and the instance types,
# nothing else.
resource "aws_iam_role_policies_exclusive" "pipeline" {
  role_name    = aws_iam_role.pipeline.name
  policy_names = [aws_iam_role_policy.pipeline.name]
}

resource "aws_iam_role_policy_attachments_exclusive" "pipeline" {
  role_name   = aws_iam_role.pipeline.name
  policy_arns = [var.guardrails_policy_arn, var.instance_types_policy_arn]
}

resource "aws_iam_role_policies_exclusive" "job" {
  role_name    = aws_iam_role.job.name
  policy_names = [aws_iam_role_policy.job.name]
}

resource "aws_iam_role_policy_attachments_exclusive" "job" {
  role_name   = aws_iam_role.job.name
  policy_arns = [var.guardrails_policy_arn, var.instance_types_policy_arn]
}
