################################################################################
# How this file is written
#
# Every policy is a local object rendered with jsonencode(), so it is known at
# plan time and tests can decode it. The policy expressions use only forms that
# static analysis (checkov) can evaluate: literal action lists, statement
# objects referenced from literal lists, string interpolation, `for` over
# variables and concat(). merge(), conditionals and map lookups by key would
# leave checkov unable to render a policy, and it would then silently skip the
# IAM checks. That is why each role has its own resources (with count) and why
# coalesce(x, y) is written element(compact([x, y]), 0).
################################################################################

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  # Service principals and iam:PassedToService values are the same in every
  # partition (they are not built from the DNS suffix).
  sagemaker_service      = "sagemaker.amazonaws.com"
  servicecatalog_service = "servicecatalog.amazonaws.com"
  events_service         = "events.amazonaws.com"
  cloudformation_service = "cloudformation.amazonaws.com"

  iam_arn_prefix       = "arn:${local.partition}:iam::${local.account_id}"
  sagemaker_arn_prefix = "arn:${local.partition}:sagemaker:${local.region}:${local.account_id}"
  ec2_arn_prefix       = "arn:${local.partition}:ec2:${local.region}:${local.account_id}"

  # Every ARN is built from names, so all policies are known at plan time.
  boundary_policy_name   = "${var.name_prefix}-permission-boundary"
  guardrails_policy_name = "${var.name_prefix}-sagemaker-guardrails"
  boundary_arn           = "${local.iam_arn_prefix}:policy/${local.boundary_policy_name}"
  guardrails_arn         = "${local.iam_arn_prefix}:policy/${local.guardrails_policy_name}"

  # Statements whose actions support no resource-level permission use
  # Resource "*" and are limited to this environment's region.
  this_region = { StringEquals = { "aws:RequestedRegion" = local.region } }
}

################################################################################
# Roles: created here or brought by the caller
################################################################################

locals {
  role_names = {
    data_science_admin  = "${var.name_prefix}-data-science-admin"
    team_lead           = "${var.name_prefix}-team-lead"
    data_scientist      = "${var.name_prefix}-data-scientist"
    sagemaker_execution = "${var.name_prefix}-sagemaker-execution"
    pipeline_execution  = "${var.name_prefix}-pipeline-execution"
    launch              = "${var.name_prefix}-launch"
    deploy_events       = "${var.name_prefix}-deploy-events"
  }

  # A persona is created when someone may assume it and no role was brought;
  # the execution and launch roles are created unless brought.
  create_role = {
    data_science_admin  = var.existing_role_arns.data_science_admin == null && length(var.persona_principals.data_science_admin) > 0
    team_lead           = var.existing_role_arns.team_lead == null && length(var.persona_principals.team_lead) > 0
    data_scientist      = var.existing_role_arns.data_scientist == null && length(var.persona_principals.data_scientist) > 0
    sagemaker_execution = var.existing_role_arns.sagemaker_execution == null
    pipeline_execution  = var.existing_role_arns.pipeline_execution == null
    launch              = var.existing_role_arns.launch == null
    # Always created: its name is reserved (project_resource_prefix may not cover it) and
    # the launch role may pass it, and only it, to EventBridge.
    deploy_events = true
  }
  created_roles = { for key, name in local.role_names : key => name if local.create_role[key] }

  # The brought ARN, else the ARN of the role created here (coalesce).
  data_science_admin_arn  = element(compact([var.existing_role_arns.data_science_admin, "${local.iam_arn_prefix}:role/${var.name_prefix}-data-science-admin"]), 0)
  team_lead_arn           = element(compact([var.existing_role_arns.team_lead, "${local.iam_arn_prefix}:role/${var.name_prefix}-team-lead"]), 0)
  data_scientist_arn      = element(compact([var.existing_role_arns.data_scientist, "${local.iam_arn_prefix}:role/${var.name_prefix}-data-scientist"]), 0)
  sagemaker_execution_arn = element(compact([var.existing_role_arns.sagemaker_execution, "${local.iam_arn_prefix}:role/${var.name_prefix}-sagemaker-execution"]), 0)
  pipeline_execution_arn  = element(compact([var.existing_role_arns.pipeline_execution, "${local.iam_arn_prefix}:role/${var.name_prefix}-pipeline-execution"]), 0)
  launch_arn              = element(compact([var.existing_role_arns.launch, "${local.iam_arn_prefix}:role/${var.name_prefix}-launch"]), 0)

  # The role EventBridge uses to deliver a project's approval events to the
  # deployment target (the model-deploy template's DeployEventTargetRoleArn).
  # Created below (aws_iam_role.deploy_events): the launch role may pass it,
  # and only it, to EventBridge.
  deploy_events_role_arn = "${local.iam_arn_prefix}:role/${var.name_prefix}-deploy-events"

  # Roles and buckets that project templates (the launch role) may create.
  project_resource_prefix = coalesce(var.project_resource_prefix, "${var.name_prefix}-project-")
  project_role_arns       = "${local.iam_arn_prefix}:role/${local.project_resource_prefix}*"
  project_bucket_arns     = "arn:${local.partition}:s3:::${local.project_resource_prefix}*"
  # The pipeline and job roles of each project of the projects stack (modules/mlops-project:
  # <name_prefix>-<project>-pipeline and <name_prefix>-<project>-pipeline-jobs), one pattern for
  # both: only the project's CI role may pass its pipeline role, only that one its job role.
  project_pipeline_role_arns = "${local.iam_arn_prefix}:role/${var.name_prefix}-*-pipeline*"
}

################################################################################
# Resources the roles may touch
################################################################################

locals {
  readable_bucket_arns = concat(var.bucket_arns, var.aws_service_bucket_arns)
  readable_object_arns = [for b in concat(var.bucket_arns, var.aws_service_bucket_arns) : "${b}/*"]
  writable_object_arns = [for b in var.bucket_arns : "${b}/*" if !contains(var.read_only_bucket_arns, b)]
  # The personas write no model artifact (model_artifact_bucket_arns).
  persona_writable_object_arns = [for b in var.bucket_arns : "${b}/*" if !contains(concat(var.read_only_bucket_arns, var.model_artifact_bucket_arns), b)]

  # The logs key is used by CloudWatch Logs through its key policy; no role needs it.
  workload_key_arns = [for purpose in ["data", "ebs", "studio"] : var.kms_key_arns[purpose]]

  sagemaker_log_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:/aws/sagemaker/*"
  ssm_path_arns     = [for suffix in ["", "/*"] : "${var.ssm_parameter_arn_prefix}${suffix}"]
  ecr_repo_arns     = "arn:${local.partition}:ecr:${local.region}:${local.account_id}:repository/*"

  subnet_arns         = [for s in var.subnet_ids : "${local.ec2_arn_prefix}:subnet/${s}"]
  security_group_arns = [for g in var.security_group_ids : "${local.ec2_arn_prefix}:security-group/${g}"]
  eni_arns            = "${local.ec2_arn_prefix}:network-interface/*"
  eni_create_arns     = concat([local.eni_arns], local.subnet_arns, local.security_group_arns)

  cloudformation_stack_arns = [
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/SC-*",
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/${var.name_prefix}-*",
  ]
  events_rule_arns = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name_prefix}-*"
  # Where the deploy-events role may deliver: this environment's API
  # destinations (api-destination/<name>/<id>) and event buses, this account.
  events_api_destination_arns = "arn:${local.partition}:events:${local.region}:${local.account_id}:api-destination/${var.name_prefix}-*"
  events_bus_arns             = "arn:${local.partition}:events:${local.region}:${local.account_id}:event-bus/${var.name_prefix}-*"
  iam_read_arns               = ["${local.iam_arn_prefix}:role/*", "${local.iam_arn_prefix}:policy/*"]

  # Every SageMaker resource of this account and region.
  sagemaker_arns = "${local.sagemaker_arn_prefix}:*"

  # Studio resources: the given domain, or any domain of this account/region.
  studio_domain = coalesce(var.studio_domain_id, "*")
  # A literal IAM policy variable, resolved by IAM per request ("$${" escapes "${" in HCL).
  own_user_profile     = "$${aws:PrincipalTag/${var.studio_user_profile_tag_key}}"
  studio_domain_arn    = "${local.sagemaker_arn_prefix}:domain/${local.studio_domain}"
  studio_profiles_arn  = "${local.sagemaker_arn_prefix}:user-profile/${local.studio_domain}/*"
  studio_spaces_arn    = "${local.sagemaker_arn_prefix}:space/${local.studio_domain}/*"
  studio_apps_arn      = "${local.sagemaker_arn_prefix}:app/${local.studio_domain}/*"
  studio_own_profile   = "${local.sagemaker_arn_prefix}:user-profile/${local.studio_domain}/${local.own_user_profile}"
  studio_own_apps_arns = "${local.sagemaker_arn_prefix}:app/${local.studio_domain}/${local.own_user_profile}/*"

  # Boundary: one statement for several services (see ScopedPerService).
  boundary_scoped_arns = [
    local.project_bucket_arns,
    local.sagemaker_log_arn,
    local.ecr_repo_arns,
    local.events_rule_arns,
    local.events_api_destination_arns,
    local.events_bus_arns,
    "${local.ec2_arn_prefix}:*",
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/SC-*",
    "arn:${local.partition}:cloudformation:${local.region}:${local.account_id}:stack/${var.name_prefix}-*",
    "${local.iam_arn_prefix}:role/*",
    "${local.iam_arn_prefix}:policy/*",
  ]

  # Guardrails: every bucket and object a role may touch; everything else is denied.
  allowed_s3_arns = concat(var.bucket_arns, var.aws_service_bucket_arns, local.readable_object_arns, [local.project_bucket_arns])
  # The objects among them (the project pattern covers objects too). Enough for
  # a statement that only object requests can match.
  allowed_s3_object_arns = concat(local.readable_object_arns, [local.project_bucket_arns])

  # Service Catalog copies each product template into a bucket it owns (name
  # not known in advance) and tags the copy servicecatalog:provisioning=true;
  # CloudFormation reads it with the launch role. This object tag is the only
  # exception to the bucket perimeter, and only for s3:GetObject.
  template_copy_statement = {
    Sid       = "ReadServiceCatalogTemplateCopies"
    Effect    = "Allow"
    Action    = "s3:GetObject"
    Resource  = "arn:${local.partition}:s3:::*/*"
    Condition = { StringEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
  }
}

################################################################################
# Guardrails: which create actions carry which condition key
#
# Source: Service Authorization Reference, "Actions defined by Amazon
# SageMaker". An action is guarded for a key only if the reference lists the
# key for it: a Null deny on a key an action never carries would deny that
# action always. Two wildcards keep the policies under IAM's 6,144-character
# limit for managed policies; each matches exactly these actions today:
#   sagemaker:CreateAutoMLJob*       = CreateAutoMLJob, CreateAutoMLJobV2
#   sagemaker:Create*JobDefinition   = CreateDataQualityJobDefinition,
#     CreateModelBiasJobDefinition, CreateModelExplainabilityJobDefinition,
#     CreateModelQualityJobDefinition
# A future action matching them is guarded too (fail closed).
#
# SageMaker deprecated sagemaker:VolumeKmsKey and sagemaker:OutputKmsKey (and
# sagemaker:HomeEfsFileSystemKmsKey for domains) in favour of the ...Arn keys.
# A request passes if it carries the key under either name, so those Null
# denies list both names in ONE statement: conditions in one statement are
# ANDed, so the deny applies only when both are absent.
################################################################################

locals {
  # sagemaker:VpcSubnets and sagemaker:VpcSecurityGroupIds. CreateCompilationJob
  # and CreateTransformJob carry neither (a transform job runs in the VPC of
  # its model, and CreateModel is guarded).
  vpc_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateDomain",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
  ]

  # sagemaker:VolumeKmsKeyArn (CreateDomain has its own statement).
  volume_kms_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
  ]

  # sagemaker:OutputKmsKeyArn.
  output_kms_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
  ]

  # sagemaker:InterContainerTrafficEncryption.
  inter_container_guarded_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
  ]

  # Every guarded create action (union of the lists above, and model package
  # registration); the boundary denies them to roles created by project
  # templates, which carry the boundary but not the guardrails.
  guarded_create_actions = [
    "sagemaker:Create*JobDefinition",
    "sagemaker:CreateAutoMLJob*",
    "sagemaker:CreateDomain",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateModel",
    "sagemaker:CreateModelPackage",
    "sagemaker:CreateMonitoringSchedule",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateTransformJob",
  ]

  guardrails_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyJobsWithoutVpcSubnets"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSubnets" = "true" } }
      },
      {
        Sid       = "DenyJobsWithoutVpcSecurityGroups"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:VpcSecurityGroupIds" = "true" } }
      },
      {
        Sid       = "DenyJobsOutsideAllowedSubnets"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSubnets" = var.subnet_ids } }
      },
      {
        Sid       = "DenyJobsOutsideAllowedSecurityGroups"
        Effect    = "Deny"
        Action    = local.vpc_guarded_actions
        Resource  = "*"
        Condition = { "ForAnyValue:StringNotEquals" = { "sagemaker:VpcSecurityGroupIds" = var.security_group_ids } }
      },
      {
        Sid       = "DenyJobsWithoutVolumeKms"
        Effect    = "Deny"
        Action    = local.volume_kms_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true", "sagemaker:VolumeKmsKey" = "true" } }
      },
      {
        Sid       = "DenyJobsWithoutOutputKms"
        Effect    = "Deny"
        Action    = local.output_kms_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:OutputKmsKeyArn" = "true", "sagemaker:OutputKmsKey" = "true" } }
      },
      {
        Sid       = "DenyInterContainerEncryptionOff"
        Effect    = "Deny"
        Action    = local.inter_container_guarded_actions
        Resource  = "*"
        Condition = { Bool = { "sagemaker:InterContainerTrafficEncryption" = "false" } }
      },
      {
        Sid       = "DenyInterContainerEncryptionUnset"
        Effect    = "Deny"
        Action    = local.inter_container_guarded_actions
        Resource  = "*"
        Condition = { Null = { "sagemaker:InterContainerTrafficEncryption" = "true" } }
      },
      {
        Sid       = "DenyStudioDomainWithoutKms"
        Effect    = "Deny"
        Action    = "sagemaker:CreateDomain"
        Resource  = "*"
        Condition = { Null = { "sagemaker:VolumeKmsKeyArn" = "true", "sagemaker:HomeEfsFileSystemKmsKey" = "true" } }
      },
      {
        Sid       = "DenyStudioDomainNotVpcOnly"
        Effect    = "Deny"
        Action    = "sagemaker:CreateDomain"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:AppNetworkAccessType" = "VpcOnly" } }
      },
      {
        Sid       = "DenyNotebookRootAccess"
        Effect    = "Deny"
        Action    = "sagemaker:CreateNotebookInstance"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:RootAccess" = "Disabled" } }
      },
      {
        Sid       = "DenyNotebookDirectInternetAccess"
        Effect    = "Deny"
        Action    = "sagemaker:CreateNotebookInstance"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:DirectInternetAccess" = "Disabled" } }
      },
      {
        # Every registration waits for a person's approval: nobody registers a
        # package Approved, nor without saying PendingManualApproval (a negated
        # operator matches an absent key).
        Sid       = "DenyRegistrationNotPendingApproval"
        Effect    = "Deny"
        Action    = "sagemaker:CreateModelPackage"
        Resource  = "*"
        Condition = { StringNotEquals = { "sagemaker:ModelApprovalStatus" = "PendingManualApproval" } }
      },
      # The bucket perimeter, in two statements (ORed). A request outside the
      # allowed buckets is denied unless it is s3:GetObject of an object tagged
      # servicecatalog:provisioning=true (Service Catalog's template copies):
      # - the first denies every S3 request whose object does not carry the tag
      #   with value "true" (StringNotEquals also matches when the key is
      #   absent: buckets, untagged objects, actions without the key);
      # - the second denies every other action on tagged objects (the key is
      #   present; NotAction, so a new S3 action is denied too). Non-S3 requests
      #   never carry the key, so NotAction does not reach other services, and
      #   only object requests carry it, so the allowed objects suffice as
      #   NotResource (this keeps the policy under the size limit).
      {
        Sid         = "DenyOtherBuckets"
        Effect      = "Deny"
        Action      = "s3:*"
        NotResource = local.allowed_s3_arns
        Condition   = { StringNotEquals = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "true" } }
      },
      {
        Sid         = "DenyOtherBucketsTaggedObjectsExceptGet"
        Effect      = "Deny"
        NotAction   = "s3:GetObject"
        NotResource = local.allowed_s3_object_arns
        Condition   = { Null = { "s3:ExistingObjectTag/servicecatalog:provisioning" = "false" } }
      },
    ]
  }
}

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
        Action = [
          "sagemaker:GetSearchSuggestions",
          "sagemaker:List*",
          "sagemaker:QueryLineage",
          "sagemaker:Search",
          "sagemaker:*SagemakerServicecatalogPortfolio*",
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
        ]
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
          "ec2:CreateNetworkInterface",
          "ec2:CreateNetworkInterfacePermission",
          "ec2:DeleteNetworkInterface",
          "ec2:DeleteNetworkInterfacePermission",
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
        Resource  = [local.sagemaker_execution_arn, local.pipeline_execution_arn, local.project_role_arns, local.launch_arn, local.deploy_events_role_arn, local.project_pipeline_role_arns]
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

################################################################################
# Statements shared by several role policies
################################################################################

locals {
  s3_list_statement = {
    Sid      = "S3ListEnvironmentBuckets"
    Effect   = "Allow"
    Action   = ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:ListBucketVersions"]
    Resource = local.readable_bucket_arns
  }

  s3_read_statement = {
    Sid      = "S3ReadEnvironmentObjects"
    Effect   = "Allow"
    Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"]
    Resource = local.readable_object_arns
  }

  s3_write_statement = {
    Sid      = "S3WriteEnvironmentObjects"
    Effect   = "Allow"
    Action   = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    Resource = local.writable_object_arns
  }

  persona_s3_write_statement = {
    Sid      = "S3WriteEnvironmentObjectsExceptModelArtifacts"
    Effect   = "Allow"
    Action   = ["s3:PutObject", "s3:PutObjectTagging", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"]
    Resource = local.persona_writable_object_arns
  }

  kms_use_statement = {
    Sid      = "KmsUseEnvironmentKeys"
    Effect   = "Allow"
    Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
    Resource = local.workload_key_arns
  }

  kms_grant_statement = {
    Sid       = "KmsGrantsForAwsResources"
    Effect    = "Allow"
    Action    = "kms:CreateGrant"
    Resource  = local.workload_key_arns
    Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
  }

  sagemaker_read_statement = {
    Sid      = "SageMakerRead"
    Effect   = "Allow"
    Action   = ["sagemaker:BatchDescribeModelPackage", "sagemaker:BatchGetMetrics", "sagemaker:Describe*", "sagemaker:GetModelPackageGroupPolicy"]
    Resource = local.sagemaker_arns
  }

  # List actions that support no resource-level permission need "*".
  sagemaker_list_statement = {
    Sid       = "SageMakerListAndSearch"
    Effect    = "Allow"
    Action    = ["sagemaker:GetSearchSuggestions", "sagemaker:List*", "sagemaker:QueryLineage", "sagemaker:Search"]
    Resource  = "*"
    Condition = local.this_region
  }

  logs_read_statement = {
    Sid      = "SageMakerLogsRead"
    Effect   = "Allow"
    Action   = ["logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents"]
    Resource = local.sagemaker_log_arn
  }

  logs_write_statement = {
    Sid      = "SageMakerLogsWrite"
    Effect   = "Allow"
    Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:GetLogEvents"]
    Resource = local.sagemaker_log_arn
  }

  monitoring_read_statement = {
    Sid       = "MetricsAndLogGroupsRead"
    Effect    = "Allow"
    Action    = ["cloudwatch:GetMetricData", "cloudwatch:GetMetricStatistics", "cloudwatch:ListMetrics", "logs:DescribeLogGroups"]
    Resource  = "*"
    Condition = local.this_region
  }

  caller_identity_statement = {
    Sid      = "CallerIdentity"
    Effect   = "Allow"
    Action   = "sts:GetCallerIdentity"
    Resource = "*"
  }

  ssm_read_statement = {
    Sid      = "ReadPlatformParameters"
    Effect   = "Allow"
    Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
    Resource = local.ssm_path_arns
  }

  # SageMaker projects provision Service Catalog products as the caller.
  servicecatalog_user_statement = {
    Sid    = "ServiceCatalogEndUser"
    Effect = "Allow"
    Action = [
      "servicecatalog:DescribeProduct",
      "servicecatalog:DescribeProductView",
      "servicecatalog:DescribeProvisionedProduct",
      "servicecatalog:DescribeProvisioningArtifact",
      "servicecatalog:DescribeProvisioningParameters",
      "servicecatalog:DescribeRecord",
      "servicecatalog:ListLaunchPaths",
      "servicecatalog:ListProvisioningArtifacts",
      "servicecatalog:ListRecordHistory",
      "servicecatalog:ProvisionProduct",
      "servicecatalog:ScanProvisionedProducts",
      "servicecatalog:SearchProducts",
      "servicecatalog:SearchProvisionedProducts",
      "servicecatalog:TerminateProvisionedProduct",
      "servicecatalog:UpdateProvisionedProduct",
    ]
    Resource  = "*"
    Condition = local.this_region
  }

  # S3-based project templates: CreateProject names the launch role as its
  # template provider's RoleARN, which hands it to CloudFormation.
  pass_launch_role_statement = {
    Sid       = "PassLaunchRoleToCloudFormation"
    Effect    = "Allow"
    Action    = "iam:PassRole"
    Resource  = local.launch_arn
    Condition = { StringEquals = { "iam:PassedToService" = local.cloudformation_service } }
  }

  passrole_execution_roles_statement = {
    Sid       = "PassExecutionRolesToSageMaker"
    Effect    = "Allow"
    Action    = "iam:PassRole"
    Resource  = [local.sagemaker_execution_arn, local.pipeline_execution_arn]
    Condition = { StringEquals = { "iam:PassedToService" = local.sagemaker_service } }
  }

  # Training, processing, pipelines, experiments, lineage and registration:
  # what a data scientist does, and what Studio does for them through the
  # execution role.
  sagemaker_work_statement = {
    Sid    = "SageMakerWork"
    Effect = "Allow"
    Action = [
      "sagemaker:AddAssociation",
      "sagemaker:AddTags",
      "sagemaker:AssociateTrialComponent",
      "sagemaker:BatchPutMetrics",
      "sagemaker:CreateAction",
      "sagemaker:CreateArtifact",
      "sagemaker:CreateAutoMLJob",
      "sagemaker:CreateAutoMLJobV2",
      "sagemaker:CreateContext",
      "sagemaker:CreateExperiment",
      "sagemaker:CreateHyperParameterTuningJob",
      "sagemaker:CreateModel",
      "sagemaker:CreateModelPackage",
      "sagemaker:CreateModelPackageGroup",
      "sagemaker:CreatePipeline",
      "sagemaker:CreateProcessingJob",
      "sagemaker:CreateProject",
      "sagemaker:CreateTrainingJob",
      "sagemaker:CreateTransformJob",
      "sagemaker:CreateTrial",
      "sagemaker:CreateTrialComponent",
      "sagemaker:DeleteExperiment",
      "sagemaker:DeleteModel",
      "sagemaker:DeletePipeline",
      "sagemaker:DeleteProject",
      "sagemaker:DeleteTrial",
      "sagemaker:DeleteTrialComponent",
      "sagemaker:DisassociateTrialComponent",
      "sagemaker:RetryPipelineExecution",
      "sagemaker:SendPipelineExecutionStepFailure",
      "sagemaker:SendPipelineExecutionStepSuccess",
      "sagemaker:StartPipelineExecution",
      "sagemaker:StopAutoMLJob",
      "sagemaker:StopHyperParameterTuningJob",
      "sagemaker:StopPipelineExecution",
      "sagemaker:StopProcessingJob",
      "sagemaker:StopTrainingJob",
      "sagemaker:StopTransformJob",
      "sagemaker:UpdateExperiment",
      "sagemaker:UpdatePipeline",
      "sagemaker:UpdatePipelineExecution",
      "sagemaker:UpdateProject",
      "sagemaker:UpdateTrial",
      "sagemaker:UpdateTrialComponent",
    ]
    Resource = local.sagemaker_arns
  }

  studio_own_profile_statement = {
    Sid      = "StudioOpenOwnUserProfile"
    Effect   = "Allow"
    Action   = "sagemaker:CreatePresignedDomainUrl"
    Resource = local.studio_own_profile
  }

  studio_own_apps_statement = {
    Sid      = "StudioOwnApps"
    Effect   = "Allow"
    Action   = ["sagemaker:CreateApp", "sagemaker:DeleteApp"]
    Resource = local.studio_own_apps_arns
  }

  deny_model_approval = {
    Sid      = "DenyModelApproval"
    Effect   = "Deny"
    Action   = "sagemaker:UpdateModelPackage"
    Resource = "*"
  }

  # Registering a package as already approved would bypass the approval.
  deny_self_approved_registration = {
    Sid       = "DenySelfApprovedModelPackage"
    Effect    = "Deny"
    Action    = "sagemaker:CreateModelPackage"
    Resource  = "*"
    Condition = { StringEquals = { "sagemaker:ModelApprovalStatus" = "Approved" } }
  }

  # The team lead approves; the pipeline (or a data scientist) registers. A
  # lead who could register could approve their own package alone.
  deny_model_registration = {
    Sid      = "DenyModelRegistration"
    Effect   = "Deny"
    Action   = "sagemaker:CreateModelPackage"
    Resource = "*"
  }

  deny_registry_deletion = {
    Sid      = "DenyModelRegistryDeletion"
    Effect   = "Deny"
    Action   = ["sagemaker:DeleteModelPackage", "sagemaker:DeleteModelPackageGroup"]
    Resource = "*"
  }

  deny_registry_group_deletion = {
    Sid      = "DenyModelPackageGroupDeletion"
    Effect   = "Deny"
    Action   = "sagemaker:DeleteModelPackageGroup"
    Resource = "*"
  }

  deny_registry_policy_changes = {
    Sid      = "DenyModelRegistryPolicyChanges"
    Effect   = "Deny"
    Action   = ["sagemaker:PutModelPackageGroupPolicy", "sagemaker:DeleteModelPackageGroupPolicy"]
    Resource = "*"
  }

  deny_iam_changes = {
    Sid      = "DenyIamChanges"
    Effect   = "Deny"
    Action   = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:CreatePolicy", "iam:CreatePolicyVersion", "iam:DeleteRolePermissionsBoundary"]
    Resource = "*"
  }
}

################################################################################
# Role policies
################################################################################

locals {
  data_scientist_policy = {
    Version = "2012-10-17"
    Statement = [
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
      local.deny_model_approval,
      local.deny_self_approved_registration,
      local.deny_registry_deletion,
      local.deny_registry_policy_changes,
      local.deny_iam_changes,
    ]
  }

  team_lead_policy = {
    Version = "2012-10-17"
    Statement = [
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
    ]
  }

  data_science_admin_policy = {
    Version = "2012-10-17"
    Statement = [
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
    ]
  }

  # Studio apps, notebooks and jobs run as this role, so it carries the data
  # scientist's SageMaker permissions and denies (approval, registry, IAM).
  sagemaker_execution_policy = {
    Version = "2012-10-17"
    Statement = [
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
    ]
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

################################################################################
# Trust policies
################################################################################

locals {
  sagemaker_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumedBySageMakerOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = local.sagemaker_service }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  # Service Catalog (a product's LAUNCH constraint) and CloudFormation (the
  # RoleARN of a SageMaker project's CfnTemplateProvider: "the IAM role that
  # CloudFormation assumes when creating the stack", S3-based templates).
  launch_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumedByServiceCatalogAndCloudFormationOfThisAccount"
      Effect    = "Allow"
      Principal = { Service = [local.servicecatalog_service, local.cloudformation_service] }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  }

  # EventBridge rules of this environment (<name_prefix>-*) in this account.
  deploy_events_trust_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AssumedByEventBridgeRulesOfThisEnvironment"
      Effect    = "Allow"
      Principal = { Service = local.events_service }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = local.account_id }
        ArnLike      = { "aws:SourceArn" = local.events_rule_arns }
      }
    }]
  }

  # A persona session may carry only the Studio user-profile tag, and only with
  # the value the identity provider gave the caller's own session: nobody can
  # name another user's profile (and open it with CreatePresignedDomainUrl).
  persona_tag_session_condition = {
    StringEquals                = { "aws:RequestTag/${var.studio_user_profile_tag_key}" = local.own_user_profile }
    "ForAllValues:StringEquals" = { "aws:TagKeys" = [var.studio_user_profile_tag_key] }
  }

  data_science_admin_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumedByPersonaPrincipals"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals.data_science_admin }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      },
      {
        Sid       = "StudioUserProfileTagFromTheIdentityProvider"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals.data_science_admin }
        Action    = "sts:TagSession"
        Condition = local.persona_tag_session_condition
      },
    ]
  }

  team_lead_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumedByPersonaPrincipals"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals.team_lead }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      },
      {
        Sid       = "StudioUserProfileTagFromTheIdentityProvider"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals.team_lead }
        Action    = "sts:TagSession"
        Condition = local.persona_tag_session_condition
      },
    ]
  }

  data_scientist_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AssumedByPersonaPrincipals"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals.data_scientist }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      },
      {
        Sid       = "StudioUserProfileTagFromTheIdentityProvider"
        Effect    = "Allow"
        Principal = { AWS = var.persona_principals.data_scientist }
        Action    = "sts:TagSession"
        Condition = local.persona_tag_session_condition
      },
    ]
  }

  # Everything the module applies, by name (the policy_documents output).
  all_documents = {
    "permission-boundary"       = jsonencode(local.boundary_policy)
    "sagemaker-guardrails"      = jsonencode(local.guardrails_policy)
    "data-science-admin"        = jsonencode(local.data_science_admin_policy)
    "data-science-admin-trust"  = jsonencode(local.data_science_admin_trust_policy)
    "team-lead"                 = jsonencode(local.team_lead_policy)
    "team-lead-trust"           = jsonencode(local.team_lead_trust_policy)
    "data-scientist"            = jsonencode(local.data_scientist_policy)
    "data-scientist-trust"      = jsonencode(local.data_scientist_trust_policy)
    "sagemaker-execution"       = jsonencode(local.sagemaker_execution_policy)
    "sagemaker-execution-trust" = jsonencode(local.sagemaker_trust_policy)
    "pipeline-execution"        = jsonencode(local.pipeline_execution_policy)
    "pipeline-execution-trust"  = jsonencode(local.sagemaker_trust_policy)
    "launch"                    = jsonencode(local.launch_policy)
    "launch-trust"              = jsonencode(local.launch_trust_policy)
    "deploy-events"             = jsonencode(local.deploy_events_policy)
    "deploy-events-trust"       = jsonencode(local.deploy_events_trust_policy)
  }
  applied_documents = {
    for name, document in local.all_documents : name => document
    if try(local.create_role[replace(trimsuffix(name, "-trust"), "-", "_")], true)
  }

  # Account and region checks that need the data sources.
  foreign_kms_keys       = [for purpose, arn in var.kms_key_arns : purpose if split(":", arn)[3] != local.region]
  foreign_existing_roles = [for key, arn in var.existing_role_arns : key if arn != null && try(split(":", arn)[4], "") != local.account_id]
  ssm_prefix_is_local    = split(":", var.ssm_parameter_arn_prefix)[3] == local.region && split(":", var.ssm_parameter_arn_prefix)[4] == local.account_id
}

################################################################################
# Managed policies
################################################################################

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
      condition = alltrue([
        for name in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch", "deploy-events"] :
        length(local.all_documents[name]) <= 10240
      ])
      error_message = "A rendered role policy exceeds IAM's 10240-character limit for the inline policies of a role: ${jsonencode({ for name in ["data-science-admin", "team-lead", "data-scientist", "sagemaker-execution", "pipeline-execution", "launch", "deploy-events"] : name => length(local.all_documents[name]) })}. Use fewer buckets or keys."
    }
    precondition {
      condition     = length(jsonencode(local.boundary_policy)) <= 6144
      error_message = "The rendered permission boundary is ${length(jsonencode(local.boundary_policy))} characters; IAM allows at most 6144 for a managed policy. Use fewer buckets or keys (each bucket costs about 170 characters)."
    }
  }
}

resource "aws_iam_policy" "guardrails" {
  name        = local.guardrails_policy_name
  description = "SageMaker guardrails of ${var.name_prefix}: jobs only in the environment's subnets and security groups, with customer KMS keys and encrypted inter-container traffic; no bucket outside the environment."
  policy      = jsonencode(local.guardrails_policy)

  tags = merge(var.tags, { Name = local.guardrails_policy_name })

  lifecycle {
    precondition {
      condition     = length(jsonencode(local.guardrails_policy)) <= 6144
      error_message = "The rendered guardrails policy is ${length(jsonencode(local.guardrails_policy))} characters; IAM allows at most 6144 for a managed policy. Use fewer buckets, subnets or security groups."
    }
  }
}

################################################################################
# Roles (one block per role so static analysis can evaluate each policy)
################################################################################

resource "aws_iam_role" "data_science_admin" {
  count = local.create_role.data_science_admin ? 1 : 0

  name                  = local.role_names.data_science_admin
  description           = "Data science administrator of ${var.name_prefix}: Studio domain, user profiles and spaces, Service Catalog portfolios, read-only IAM."
  assume_role_policy    = jsonencode(local.data_science_admin_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.data_science_admin })

  # The boundary ARN is built from its name; the policy must exist first. The guardrails policy
  # is attached by the exclusive-attachments resource: depending on it here makes destroy delete
  # the role (detaching its policies) before the policy, which IAM refuses to delete while attached.
  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "data_science_admin" {
  count = local.create_role.data_science_admin ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.data_science_admin[0].name
  policy = jsonencode(local.data_science_admin_policy)
}

resource "aws_iam_role" "team_lead" {
  count = local.create_role.team_lead ? 1 : 0

  name                  = local.role_names.team_lead
  description           = "Team lead of ${var.name_prefix}: data scientist permissions plus model approval and endpoints."
  assume_role_policy    = jsonencode(local.team_lead_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.team_lead })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "team_lead" {
  count = local.create_role.team_lead ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.team_lead[0].name
  policy = jsonencode(local.team_lead_policy)
}

resource "aws_iam_role" "data_scientist" {
  count = local.create_role.data_scientist ? 1 : 0

  name                  = local.role_names.data_scientist
  description           = "Data scientist of ${var.name_prefix}: Studio, training, processing, pipelines, experiments, model registration."
  assume_role_policy    = jsonencode(local.data_scientist_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.data_scientist })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "data_scientist" {
  count = local.create_role.data_scientist ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.data_scientist[0].name
  policy = jsonencode(local.data_scientist_policy)
}

resource "aws_iam_role" "sagemaker_execution" {
  count = local.create_role.sagemaker_execution ? 1 : 0

  name                  = local.role_names.sagemaker_execution
  description           = "SageMaker execution role of ${var.name_prefix}: Studio apps, notebooks, training and processing jobs."
  assume_role_policy    = jsonencode(local.sagemaker_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.sagemaker_execution })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "sagemaker_execution" {
  count = local.create_role.sagemaker_execution ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.sagemaker_execution[0].name
  policy = jsonencode(local.sagemaker_execution_policy)
}

resource "aws_iam_role" "pipeline_execution" {
  count = local.create_role.pipeline_execution ? 1 : 0

  name                  = local.role_names.pipeline_execution
  description           = "SageMaker Pipelines execution role of ${var.name_prefix}."
  assume_role_policy    = jsonencode(local.sagemaker_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.pipeline_execution })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "pipeline_execution" {
  count = local.create_role.pipeline_execution ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.pipeline_execution[0].name
  policy = jsonencode(local.pipeline_execution_policy)
}

resource "aws_iam_role" "launch" {
  count = local.create_role.launch ? 1 : 0

  name                  = local.role_names.launch
  description           = "Service Catalog launch role of ${var.name_prefix} for SageMaker project templates."
  assume_role_policy    = jsonencode(local.launch_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.launch })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "launch" {
  count = local.create_role.launch ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.launch[0].name
  policy = jsonencode(local.launch_policy)
}

resource "aws_iam_role" "deploy_events" {
  count = local.create_role.deploy_events ? 1 : 0

  name                  = local.role_names.deploy_events
  description           = "EventBridge delivery of SageMaker project approval events of ${var.name_prefix}: API destinations and event buses ${var.name_prefix}-* only."
  assume_role_policy    = jsonencode(local.deploy_events_trust_policy)
  permissions_boundary  = local.boundary_arn
  max_session_duration  = 3600
  force_detach_policies = true
  tags                  = merge(var.tags, { Name = local.role_names.deploy_events })

  depends_on = [aws_iam_policy.boundary, aws_iam_policy.guardrails]
}

resource "aws_iam_role_policy" "deploy_events" {
  count = local.create_role.deploy_events ? 1 : 0

  name   = "permissions"
  role   = aws_iam_role.deploy_events[0].name
  policy = jsonencode(local.deploy_events_policy)
}

################################################################################
# Exclusive policy management of the created roles
################################################################################

# Terraform owns each created role's policies: inline policies or managed
# policy attachments added outside Terraform are removed on the next apply.
# The only managed policy of every created role is the guardrails policy.
resource "aws_iam_role_policies_exclusive" "this" {
  for_each = local.created_roles

  role_name    = each.value
  policy_names = ["permissions"]

  depends_on = [
    aws_iam_role_policy.data_science_admin,
    aws_iam_role_policy.team_lead,
    aws_iam_role_policy.data_scientist,
    aws_iam_role_policy.sagemaker_execution,
    aws_iam_role_policy.pipeline_execution,
    aws_iam_role_policy.launch,
    aws_iam_role_policy.deploy_events,
  ]
}

resource "aws_iam_role_policy_attachments_exclusive" "this" {
  for_each = local.created_roles

  role_name   = each.value
  policy_arns = [local.guardrails_arn]

  depends_on = [
    aws_iam_policy.guardrails,
    aws_iam_role.data_science_admin,
    aws_iam_role.team_lead,
    aws_iam_role.data_scientist,
    aws_iam_role.sagemaker_execution,
    aws_iam_role.pipeline_execution,
    aws_iam_role.launch,
    aws_iam_role.deploy_events,
  ]
}
