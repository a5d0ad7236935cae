################################################################################
# Permission boundary
#
# An allow-list (whatever it does not allow is denied to every role carrying
# it) plus explicit denies. IAM limits a managed policy to 6,144 characters;
# the allow-list and the 14 guardrail statements together need about 10,000,
# so the guardrails are part of the boundary in this form: roles created by
# project templates (the only roles that carry this boundary without the
# guardrails policy) may not call the guarded create actions at all
# (DenyGuardedCreatesByProjectRoles); they pass the pipeline or SageMaker
# execution role, which carry the guardrails, instead. Bucket access is
# limited by the allow-list: S3 is allowed only on the environment, AWS
# service and project buckets, plus s3:GetObject of Service Catalog's template
# copies (the guardrails' one exception, ReadServiceCatalogTemplateCopies).
################################################################################

locals {
  boundary_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "SageMaker"
        Effect   = "Allow"
        Action   = "sagemaker:*"
        Resource = local.sagemaker_arns
      },
      {
        Sid    = "NoResourceLevel"
        Effect = "Allow"
        # CodeArtifact (with a package repository, packages.tf): the boundary has no room for its
        # ARNs; the roles' own statements name the domain and repository exactly, the packages
        # policy denies every other domain, and the domain's and repositories' policies deny
        # everyone outside the environment.
        Action = concat([
          "sagemaker:GetSearchSuggestions",
          "sagemaker:List*",
          "sagemaker:QueryLineage",
          "sagemaker:Search",
          "sagemaker:*ServicecatalogPortfolio*",
          "servicecatalog:Describe*",
          "servicecatalog:List*",
          "servicecatalog:Search*",
          "servicecatalog:Scan*",
          "servicecatalog:*Product",
          "servicecatalog:*Portfolio",
          "servicecatalog:*ProvisioningArtifact",
          "servicecatalog:*Constraint",
          "ec2:Describe*",
          "cloudwatch:GetMetric*",
          "cloudwatch:ListMetrics",
          "cloudwatch:PutMetricData",
          "cloudformation:GetTemplateSummary",
          "cloudformation:ValidateTemplate",
          "ecr:GetAuthorizationToken",
          "logs:DescribeLogGroups",
        ], local.package_boundary_actions)
        Resource  = "*"
        Condition = local.this_region
      },
      {
        Sid      = "GlobalReadOnly"
        Effect   = "Allow"
        Action   = ["iam:ListPolicies", "iam:ListRoles", "sts:GetCallerIdentity"]
        Resource = "*"
      },
      {
        Sid      = "S3Read"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket*", "s3:GetObject*"]
        Resource = concat(var.bucket_arns, var.aws_service_bucket_arns, local.readable_object_arns)
      },
      {
        Sid      = "S3Write"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
        Resource = local.writable_object_arns
      },
      # The launch role reads Service Catalog's template copies (the same
      # exception as the guardrails' bucket perimeter).
      local.template_copy_statement,
      {
        # One statement for several services, to stay under the size limit.
        # Equivalent to one statement per service: an action only matches
        # ARNs of its own service, and each service appears only here with
        # these resources (S3: only the project buckets; IAM: read-only).
        # KMS and SSM follow in the statements shared with the role policies.
        # EventBridge: rules, API destinations and event buses <name_prefix>-*
        # (each events action has one resource type: *Rule and *Targets act
        # on rules, InvokeApiDestination on API destinations, PutEvents on
        # event buses).
        # The EC2 resource is every EC2 resource of this account and region:
        # where SageMaker places its interfaces is enforced by the guardrails.
        Sid    = "ScopedPerService"
        Effect = "Allow"
        Action = [
          "s3:CreateBucket",
          "s3:DeleteBucket*",
          "s3:GetBucket*",
          "s3:PutBucket*",
          "s3:*EncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
          "logs:CreateLog*",
          # = PutLogEvents, GetLogEvents, FilterLogEvents (the Logs actions
          # ending in LogEvents today): one pattern keeps the boundary under
          # the managed-policy limit.
          "logs:*LogEvents",
          "logs:DescribeLogStreams",
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
          "cloudformation:*Stack",
          "cloudformation:DescribeStack*",
          "cloudformation:SetStackPolicy",
          "events:*Rule",
          "events:*Targets",
          # Approval-event delivery (the deploy-events role, project roles):
          # only API destinations and event buses <name_prefix>-*.
          "events:InvokeApiDestination",
          "events:PutEvents",
          # = Create/DeleteNetworkInterface and their ...Permission (no other EC2
          # action starts so): patterns keep the boundary under the limit.
          "ec2:CreateNetworkInterface*",
          "ec2:DeleteNetworkInterface*",
          "iam:Get*",
          "iam:List*",
        ]
        Resource = local.boundary_scoped_arns
      },
      {
        Sid      = "Kms"
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey", "kms:CreateGrant"]
        Resource = local.workload_key_arns
      },
      local.ssm_read_statement,
      {
        # Only actions that carry the iam:PermissionsBoundary key: on the others
        # (GetRolePolicy, UpdateAssumeRolePolicy) the condition could never match.
        Sid       = "ProjectRolesWithBoundary"
        Effect    = "Allow"
        Action    = ["iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy"]
        Resource  = local.project_role_arns
        Condition = { StringEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
      },
      {
        Sid      = "ProjectRoles"
        Effect   = "Allow"
        Action   = ["iam:DeleteRole", "iam:TagRole", "iam:UntagRole"]
        Resource = local.project_role_arns
      },
      {
        # Which service may receive which role is narrowed by each role's
        # policy and enforced by the roles' trust policies.
        Sid       = "PassRole"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = concat([local.sagemaker_execution_arn, local.pipeline_execution_arn, local.project_role_arns, local.launch_arn, local.deploy_events_role_arn, local.project_pipeline_role_arns], local.team_role_patterns)
        Condition = { StringEquals = { "iam:PassedToService" = [local.sagemaker_service, local.events_service, local.servicecatalog_service, local.cloudformation_service] } }
      },
      {
        Sid       = "DenyGuardedCreatesByProjectRoles"
        Effect    = "Deny"
        Action    = local.guarded_create_actions
        Resource  = "*"
        Condition = { ArnLike = { "aws:PrincipalArn" = local.project_role_arns } }
      },
      {
        # On a policy ARN, iam:Set* is SetDefaultPolicyVersion only (the other Set* act on "*").
        Sid      = "DenyBoundaryEdits"
        Effect   = "Deny"
        Action   = ["iam:Create*", "iam:Put*", "iam:Attach*", "iam:Delete*", "iam:Update*", "iam:Set*"]
        Resource = local.boundary_arn
      },
      {
        Sid      = "DenyBoundaryRemoval"
        Effect   = "Deny"
        Action   = "iam:DeleteRolePermissionsBoundary"
        Resource = "*"
      },
      {
        Sid       = "DenyRoleWithoutBoundary"
        Effect    = "Deny"
        Action    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary"]
        Resource  = "*"
        Condition = { StringNotEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
      },
    ]
  }
}

resource "aws_iam_policy" "boundary" {
  name        = local.boundary_policy_name
  description = "Permission boundary of every ${var.name_prefix} role: the most any of them may do, the SageMaker guardrails, and protection of this boundary."
  policy      = jsonencode(local.boundary_policy)

  tags = merge(var.tags, { Name = local.boundary_policy_name })

  lifecycle {
    precondition {
      condition     = length(local.foreign_kms_keys) == 0
      error_message = "kms_key_arns must name keys in this region (${local.region}); SageMaker can only use keys of its own region. Keys in another region: ${jsonencode(local.foreign_kms_keys)}."
    }
    precondition {
      condition     = local.ssm_prefix_is_local
      error_message = "ssm_parameter_arn_prefix must be in this account and region (arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter/...); got \"${var.ssm_parameter_arn_prefix}\"."
    }
    precondition {
      condition     = length(local.foreign_existing_roles) == 0
      error_message = "existing_role_arns must name roles of this account (${local.account_id}): they are passed to SageMaker and Service Catalog of this account. Roles of another account: ${jsonencode(local.foreign_existing_roles)}."
    }
    precondition {
      condition     = alltrue([for key, role in local.roles : length(jsonencode(role.policy)) <= 10240])
      error_message = "A rendered role policy exceeds IAM's 10240-character limit for the inline policies of a role: ${jsonencode({ for key, role in local.roles : replace(key, "_", "-") => length(jsonencode(role.policy)) })}. Use fewer buckets or keys."
    }
    precondition {
      condition     = length(jsonencode(local.boundary_policy)) <= 6144
      error_message = "The rendered permission boundary is ${length(jsonencode(local.boundary_policy))} characters; IAM allows at most 6144 for a managed policy. Use fewer buckets or keys (each bucket costs about 170 characters)."
    }
  }
}
