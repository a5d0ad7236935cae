################################################################################
# Role policies
################################################################################

locals {
  # What data scientists and team leads both do: Studio, SageMaker work,
  # environment data, launching project templates.
  persona_statements = [
    local.studio_own_profile_statement,
    local.studio_own_apps_statement,
    local.sagemaker_work_statement,
    local.sagemaker_read_statement,
    local.sagemaker_list_statement,
    local.s3_list_statement,
    local.s3_read_statement,
    local.persona_s3_write_statement,
    local.kms_use_statement,
    local.kms_grant_statement,
    local.logs_read_statement,
    local.monitoring_read_statement,
    local.caller_identity_statement,
    local.ssm_read_statement,
    local.servicecatalog_user_statement,
    local.pass_launch_role_statement,
    local.passrole_execution_roles_statement,
  ]

  data_scientist_policy = {
    Version = "2012-10-17"
    Statement = concat(local.persona_statements, [
      local.deny_model_approval,
      local.deny_self_approved_registration,
      local.deny_registry_deletion,
      local.deny_registry_policy_changes,
      local.deny_iam_changes,
    ])
  }

  team_lead_policy = {
    Version = "2012-10-17"
    Statement = concat(local.persona_statements, [
      {
        Sid      = "ModelApproval"
        Effect   = "Allow"
        Action   = "sagemaker:UpdateModelPackage"
        Resource = "${local.sagemaker_arn_prefix}:model-package/*"
      },
      {
        Sid    = "EndpointManagement"
        Effect = "Allow"
        Action = [
          "sagemaker:CreateEndpoint",
          "sagemaker:CreateEndpointConfig",
          "sagemaker:DeleteEndpoint",
          "sagemaker:DeleteEndpointConfig",
          "sagemaker:InvokeEndpoint",
          "sagemaker:UpdateEndpoint",
          "sagemaker:UpdateEndpointWeightsAndCapacities",
        ]
        Resource = ["${local.sagemaker_arn_prefix}:endpoint/*", "${local.sagemaker_arn_prefix}:endpoint-config/*"]
      },
      local.deny_model_registration,
      local.deny_registry_group_deletion,
      local.deny_registry_policy_changes,
      local.deny_iam_changes,
    ])
  }

  data_science_admin_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid    = "StudioAdministration"
        Effect = "Allow"
        Action = [
          "sagemaker:AddTags",
          "sagemaker:CreateDomain",
          "sagemaker:CreateSpace",
          "sagemaker:CreateUserProfile",
          "sagemaker:DeleteApp",
          "sagemaker:DeleteDomain",
          "sagemaker:DeleteSpace",
          "sagemaker:DeleteTags",
          "sagemaker:DeleteUserProfile",
          "sagemaker:UpdateDomain",
          "sagemaker:UpdateSpace",
          "sagemaker:UpdateUserProfile",
        ]
        Resource = [local.studio_domain_arn, local.studio_profiles_arn, local.studio_spaces_arn, local.studio_apps_arn]
      },
      {
        # Read-only: the platform's portfolio, products, template versions and launch
        # constraints are published by its Terraform (reviewed plans). An admin who could add
        # a template version or a launch constraint could run any CloudFormation through the
        # launch role.
        Sid    = "ServiceCatalogRead"
        Effect = "Allow"
        Action = [
          "servicecatalog:DescribeConstraint",
          "servicecatalog:DescribePortfolio",
          "servicecatalog:DescribeProductAsAdmin",
          "servicecatalog:DescribeProvisioningArtifact",
          "servicecatalog:ListConstraintsForPortfolio",
          "servicecatalog:ListPortfolios",
          "servicecatalog:ListPortfoliosForProduct",
          "servicecatalog:ListPrincipalsForPortfolio",
          "servicecatalog:ListProvisioningArtifacts",
          "servicecatalog:SearchProductsAsAdmin",
          "sagemaker:GetSagemakerServicecatalogPortfolioStatus",
          "cloudformation:ValidateTemplate",
        ]
        Resource  = "*"
        Condition = local.this_region
      },
      {
        Sid    = "IamReadOnly"
        Effect = "Allow"
        Action = [
          "iam:GetPolicy",
          "iam:GetPolicyVersion",
          "iam:GetRole",
          "iam:GetRolePolicy",
          "iam:ListAttachedRolePolicies",
          "iam:ListPolicyVersions",
          "iam:ListRolePolicies",
          "iam:ListRoleTags",
        ]
        Resource = local.iam_read_arns
      },
      {
        Sid      = "IamListOnly"
        Effect   = "Allow"
        Action   = ["iam:ListPolicies", "iam:ListRoles"]
        Resource = "*"
      },
      local.passrole_execution_roles_statement,
      local.sagemaker_read_statement,
      local.sagemaker_list_statement,
      local.s3_list_statement,
      local.s3_read_statement,
      local.kms_use_statement,
      local.kms_grant_statement,
      local.logs_read_statement,
      local.monitoring_read_statement,
      local.caller_identity_statement,
      local.ssm_read_statement,
      local.deny_iam_changes,
    ], local.package_read_statements, local.package_publish_statements)
  }

  # Studio apps, notebooks and jobs run as this role, so it carries the data
  # scientist's SageMaker permissions and denies (approval, registry, IAM).
  sagemaker_execution_policy = {
    Version = "2012-10-17"
    Statement = concat([
      local.sagemaker_work_statement,
      {
        Sid      = "StudioAppsAndSpaces"
        Effect   = "Allow"
        Action   = ["sagemaker:CreateApp", "sagemaker:CreateSpace", "sagemaker:DeleteApp", "sagemaker:DeleteSpace", "sagemaker:UpdateSpace"]
        Resource = [local.studio_apps_arn, local.studio_spaces_arn]
      },
      local.sagemaker_read_statement,
      local.sagemaker_list_statement,
      local.s3_list_statement,
      local.s3_read_statement,
      local.s3_write_statement,
      local.kms_use_statement,
      local.kms_grant_statement,
      local.logs_write_statement,
      {
        Sid      = "EcrPull"
        Effect   = "Allow"
        Action   = ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
        Resource = local.ecr_repo_arns
      },
      {
        Sid       = "SageMakerMetrics"
        Effect    = "Allow"
        Action    = "cloudwatch:PutMetricData"
        Resource  = "*"
        Condition = { StringLike = { "cloudwatch:namespace" = ["/aws/sagemaker/*", "aws/sagemaker/*"] } }
      },
      {
        Sid    = "VpcAndRegistryReadOnly"
        Effect = "Allow"
        Action = [
          "ec2:DescribeDhcpOptions",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeSubnets",
          "ec2:DescribeVpcEndpoints",
          "ec2:DescribeVpcs",
          "ecr:GetAuthorizationToken",
          "logs:DescribeLogGroups",
        ]
        Resource  = "*"
        Condition = local.this_region
      },
      {
        Sid      = "VpcNetworkInterfacesCreate"
        Effect   = "Allow"
        Action   = "ec2:CreateNetworkInterface"
        Resource = local.eni_create_arns
      },
      {
        Sid       = "VpcNetworkInterfacesManage"
        Effect    = "Allow"
        Action    = ["ec2:CreateNetworkInterfacePermission", "ec2:DeleteNetworkInterface", "ec2:DeleteNetworkInterfacePermission"]
        Resource  = local.eni_arns
        Condition = { ArnEquals = { "ec2:Subnet" = local.subnet_arns } }
      },
      local.caller_identity_statement,
      local.ssm_read_statement,
      local.servicecatalog_user_statement,
      local.pass_launch_role_statement,
      local.passrole_execution_roles_statement,
      local.deny_model_approval,
      local.deny_self_approved_registration,
      local.deny_registry_deletion,
      local.deny_registry_policy_changes,
      local.deny_iam_changes,
    ], local.package_read_statements)
  }

  pipeline_execution_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "PipelineSteps"
        Effect = "Allow"
        Action = [
          "sagemaker:AddAssociation",
          "sagemaker:AddTags",
          "sagemaker:AssociateTrialComponent",
          "sagemaker:BatchPutMetrics",
          "sagemaker:CreateAction",
          "sagemaker:CreateArtifact",
          "sagemaker:CreateAutoMLJobV2",
          "sagemaker:CreateContext",
          "sagemaker:CreateExperiment",
          "sagemaker:CreateHyperParameterTuningJob",
          "sagemaker:CreateModel",
          "sagemaker:CreateModelPackage",
          "sagemaker:CreateProcessingJob",
          "sagemaker:CreateTrainingJob",
          "sagemaker:CreateTransformJob",
          "sagemaker:CreateTrial",
          "sagemaker:CreateTrialComponent",
          "sagemaker:StopAutoMLJob",
          "sagemaker:StopHyperParameterTuningJob",
          "sagemaker:StopProcessingJob",
          "sagemaker:StopTrainingJob",
          "sagemaker:StopTransformJob",
          "sagemaker:UpdateTrialComponent",
        ]
        Resource = local.sagemaker_arns
      },
      local.sagemaker_read_statement,
      local.sagemaker_list_statement,
      local.s3_list_statement,
      local.s3_read_statement,
      local.s3_write_statement,
      local.kms_use_statement,
      local.kms_grant_statement,
      local.logs_write_statement,
      local.ssm_read_statement,
      {
        Sid       = "PassExecutionRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.sagemaker_execution_arn
        Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
      },
      local.deny_model_approval,
      local.deny_self_approved_registration,
      local.deny_registry_deletion,
      local.deny_registry_policy_changes,
      local.deny_iam_changes,
    ]
  }

  launch_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "CloudFormationStacks"
        Effect = "Allow"
        Action = [
          "cloudformation:CreateStack",
          "cloudformation:DeleteStack",
          "cloudformation:DescribeStackEvents",
          "cloudformation:DescribeStacks",
          "cloudformation:GetTemplateSummary",
          "cloudformation:SetStackPolicy",
          "cloudformation:UpdateStack",
        ]
        Resource = local.cloudformation_stack_arns
      },
      {
        Sid       = "CloudFormationTemplates"
        Effect    = "Allow"
        Action    = ["cloudformation:GetTemplateSummary", "cloudformation:ValidateTemplate"]
        Resource  = "*"
        Condition = local.this_region
      },
      {
        # The templates create no roles: pipelines and jobs run with the
        # platform's execution roles.
        Sid       = "PassRolesToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = [local.sagemaker_execution_arn, local.pipeline_execution_arn]
        Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
      },
      {
        # The approval rule's target role (DeployEventTargetRoleArn): only the
        # platform's delivery role, and only to EventBridge.
        Sid       = "PassDeployEventsRoleToEventBridge"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.deploy_events_role_arn
        Condition = { StringEquals = { "iam:PassedToService" = local.events_service } }
      },
      {
        Sid    = "ProjectBuckets"
        Effect = "Allow"
        Action = [
          "s3:CreateBucket",
          "s3:DeleteBucket",
          "s3:DeleteBucketPolicy",
          "s3:GetBucketLocation",
          "s3:GetBucketPolicy",
          "s3:GetBucketTagging",
          "s3:GetBucketVersioning",
          "s3:GetEncryptionConfiguration",
          "s3:PutBucketLogging",
          "s3:PutBucketOwnershipControls",
          "s3:PutBucketPolicy",
          "s3:PutBucketTagging",
          "s3:PutBucketVersioning",
          "s3:PutEncryptionConfiguration",
          "s3:PutLifecycleConfiguration",
        ]
        Resource = local.project_bucket_arns
      },
      {
        # A bucket's public access block is set only by CloudFormation, from
        # the platform's templates (all four settings true). IAM has no key
        # for the block's content, and DeletePublicAccessBlock is authorized
        # as s3:PutBucketPublicAccessBlock too: a direct call with this role's
        # credentials cannot weaken or remove a block.
        Sid       = "ProjectBucketPublicAccessBlockFromTemplates"
        Effect    = "Allow"
        Action    = "s3:PutBucketPublicAccessBlock"
        Resource  = local.project_bucket_arns
        Condition = { "ForAnyValue:StringEquals" = { "aws:CalledVia" = local.cloudformation_service } }
      },
      {
        Sid    = "ModelPackageGroupsAndPipelines"
        Effect = "Allow"
        Action = [
          "sagemaker:AddTags",
          "sagemaker:CreateModelPackageGroup",
          "sagemaker:CreatePipeline",
          "sagemaker:DeleteModelPackageGroup",
          "sagemaker:DeletePipeline",
          "sagemaker:DeleteTags",
          "sagemaker:DescribeModelPackageGroup",
          "sagemaker:DescribePipeline",
          "sagemaker:ListTags",
          "sagemaker:UpdatePipeline",
        ]
        Resource = [
          "${local.sagemaker_arn_prefix}:model-package-group/${var.name_prefix}-*",
          "${local.sagemaker_arn_prefix}:pipeline/${var.name_prefix}-*",
        ]
      },
      {
        # AWS::SageMaker::ModelPackageGroup sets ModelPackageGroupPolicy (the
        # model-deploy template's read-only share with staging and prod) with
        # these calls in its create, read, update and delete handlers.
        Sid      = "ModelPackageGroupPolicies"
        Effect   = "Allow"
        Action   = ["sagemaker:DeleteModelPackageGroupPolicy", "sagemaker:GetModelPackageGroupPolicy", "sagemaker:PutModelPackageGroupPolicy"]
        Resource = "${local.sagemaker_arn_prefix}:model-package-group/${var.name_prefix}-*"
      },
      {
        Sid    = "EventRules"
        Effect = "Allow"
        Action = [
          "events:DeleteRule",
          "events:DescribeRule",
          "events:DisableRule",
          "events:EnableRule",
          "events:PutRule",
          "events:PutTargets",
          "events:RemoveTargets",
        ]
        Resource = local.events_rule_arns
      },
      local.ssm_read_statement,
      local.s3_list_statement,
      local.s3_read_statement,
      local.template_copy_statement,
      # The templates use the platform's roles and create none: IAM has no
      # condition key on a trust policy's content, so a role the launch role
      # could create might trust anyone. No role, inline policy or managed
      # policy attachment at all (AWS managed policies included).
      local.deny_iam_changes,
    ]
  }

  # EventBridge delivers a project's approval events with this role (the
  # model-deploy template's DeployEventTargetRoleArn): to an API destination
  # or an event bus of this environment, and nothing else.
  deploy_events_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeEnvironmentApiDestinations"
        Effect   = "Allow"
        Action   = "events:InvokeApiDestination"
        Resource = local.events_api_destination_arns
      },
      {
        Sid      = "PutEventsOnEnvironmentBuses"
        Effect   = "Allow"
        Action   = "events:PutEvents"
        Resource = local.events_bus_arns
      },
    ]
  }
}
