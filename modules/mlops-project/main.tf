# One ML project of the dev account: its model registry group (shared read-only with the deployment
# accounts), artifact bucket, GitHub Actions CI role, the EventBridge delivery of approval decisions
# to the project repository (repository_dispatch through an API destination), and its SSM entries.
#
# Every policy is a literal object rendered with jsonencode(): known at plan time (the tests decode
# it), reviewable in the plan, and simple enough for checkov to evaluate. Bare variables inside
# policy documents go through locals (checkov's renderer gives up on a document that uses var.x
# both bare and inside "${...}").

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  dns_suffix = data.aws_partition.current.dns_suffix

  iam_arn  = "arn:${local.partition}:iam::${local.account_id}"
  regional = "${local.region}:${local.account_id}"

  # --- Names (all deterministic, so every ARN below is known at plan time) ---------------------

  project_prefix         = "${var.name_prefix}-${var.project_name}"
  model_package_group    = local.project_prefix
  artifact_bucket_name   = "${local.project_prefix}-artifacts-${local.account_id}"
  ci_role_name           = module.ci_role_names.project_ci_role_names[var.project_name]
  pipeline_name          = "${local.project_prefix}-build"
  rule_name              = "${local.project_prefix}-model-approval"
  connection_name        = "${local.project_prefix}-github"
  api_destination_name   = "${local.project_prefix}-repository-dispatch"
  events_role_name       = "${local.project_prefix}-approval-events"
  dead_letter_queue_name = "${local.project_prefix}-approval-dlq"
  events_key_alias       = "alias/${local.project_prefix}-approval-events"
  ssm_project_path       = "${var.ssm_prefix}/projects/${var.project_name}"

  model_package_group_arn = "arn:${local.partition}:sagemaker:${local.regional}:model-package-group/${local.model_package_group}"
  model_packages_arn      = "arn:${local.partition}:sagemaker:${local.regional}:model-package/${local.model_package_group}/*"
  pipeline_arn            = "arn:${local.partition}:sagemaker:${local.regional}:pipeline/${local.pipeline_name}"
  pipeline_executions_arn = "${local.pipeline_arn}/execution/*"
  artifact_bucket_arn     = "arn:${local.partition}:s3:::${local.artifact_bucket_name}"
  artifact_objects_arn    = "${local.artifact_bucket_arn}/*"
  # Where the seed code's run-pipeline puts the Processing scripts the pipeline's jobs run:
  # s3://<models bucket>/<project>/code/<digest>/<file> (the jobs' execution roles read the
  # environment's buckets, not the artifact bucket).
  pipeline_scripts_arn = "arn:${local.partition}:s3:::${var.models_bucket_name}/${var.project_name}/code/*"
  ci_role_arn          = one(module.ci_role_names.project_ci_role_arns)
  rule_arn             = "arn:${local.partition}:events:${local.regional}:rule/${local.rule_name}"
  parameter_path       = "arn:${local.partition}:ssm:${local.regional}:parameter${var.ssm_prefix}"
  environment_roles    = "${local.iam_arn}:role/${var.name_prefix}-*"
  # EventBridge keeps a connection's authorization in the Secrets Manager secret
  # events!connection/<name>/<uuid>, which it reads and writes as this service-linked role.
  connection_secrets                = "arn:${local.partition}:secretsmanager:${local.regional}:secret:events!connection/${local.connection_name}/*"
  api_destinations_service_role_arn = "${local.iam_arn}:role/aws-service-role/apidestinations.events.${local.dns_suffix}/AWSServiceRoleForAmazonEventBridgeApiDestinations"

  # --- GitHub ---------------------------------------------------------------------------------

  github_audience = "sts.${local.dns_suffix}"
  # Exact subject (StringEquals, no wildcard): jobs of the project repository that declare
  # `environment: <github_environment_build>`. The environment's deployment branch rule (main only)
  # is what keeps unmerged code from assuming the role.
  ci_subject = "repo:${var.repository.owner}/${var.repository.name}:environment:${var.github_environment_build}"

  dispatch_url        = "https://api.github.com/repos/${var.repository.owner}/${var.repository.name}/dispatches"
  dispatch_event_type = "model-approval"
  # GitHub's REST API wants its media type, a pinned API version and a User-Agent. They are sent
  # by the rule target (http_target), not by the connection: a connection update would resend the
  # placeholder API key (see the connection below), so the connection is kept free of anything
  # that changes.
  dispatch_headers = {
    "Accept"               = "application/vnd.github+json"
    "User-Agent"           = "${local.project_prefix}-model-approval"
    "X-GitHub-Api-Version" = "2022-11-28"
  }
  # The repository_dispatch body. Placeholders outside quotes are replaced by the JSON value of
  # the event field (a quoted, escaped string), so the body stays valid JSON whatever the values.
  dispatch_input_paths = {
    model_package_arn = "$.detail.ModelPackageArn"
    status            = "$.detail.ModelApprovalStatus"
    group             = "$.detail.ModelPackageGroupName"
  }
  # client_payload.targets: where the workflow deploys (target_waves, a constant of the template,
  # so a change of a stage's accounts reaches the repository with the next apply of this module).
  dispatch_targets        = var.target_waves == null ? "" : ",\"targets\":${jsonencode(var.target_waves)}"
  dispatch_input_template = "{\"event_type\":\"${local.dispatch_event_type}\",\"client_payload\":{\"model_package_arn\":<model_package_arn>,\"status\":<status>,\"group\":<group>${local.dispatch_targets}}}"
  # EventBridge's limit for a target's InputTemplate (characters).
  input_template_max = 8192

  # A fixed, public, non-secret value: EventBridge requires an API key value to create the
  # connection. The real token is set by an operator out of band (README), never through Terraform.
  # checkov:skip=CKV_SECRET_6:a fixed public placeholder, not a credential; the real token never passes through Terraform
  api_key_placeholder = "set-out-of-band"

  # --- Target accounts ------------------------------------------------------------------------

  # Deterministic ARNs of the deployment accounts' reader roles: dev grants them without reading
  # the target accounts' state, and before they exist (the principals are the account roots,
  # narrowed to exactly these roles by aws:PrincipalArn, as the foundation's models bucket does).
  target_reader_role_arns = flatten([
    for stage, accounts in var.target_accounts : [
      for account in accounts : [
        for suffix in var.target_role_suffixes : "arn:${local.partition}:iam::${account}:role/${var.prefix}-${stage}-${suffix}"
      ]
    ]
  ])
  target_account_roots = distinct(flatten([for stage, accounts in var.target_accounts : [for account in accounts : "arn:${local.partition}:iam::${account}:root"]]))

  group_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DeploymentAccountsReadModelPackages"
        Effect    = "Allow"
        Principal = { AWS = local.target_account_roots }
        Action    = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
        Resource  = [local.model_package_group_arn, local.model_packages_arn]
        Condition = { ArnEquals = { "aws:PrincipalArn" = local.target_reader_role_arns } }
      },
    ]
  }

  # --- CI role --------------------------------------------------------------------------------

  # IAM names an OIDC provider after its URL, so the ARN is written out here (checkov's OIDC checks
  # then see the GitHub provider in the trust policy); a precondition checks oidc_provider_arn.
  oidc_provider_arn = "${local.iam_arn}:oidc-provider/token.actions.githubusercontent.com"
  artifact_key_arn  = var.kms_key_arn

  ci_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "GitHubActionsBuildEnvironment"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = local.github_audience
            "token.actions.githubusercontent.com:sub" = local.ci_subject
          }
        }
      },
    ]
  }

  ci_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        # Create or update the project's pipeline definition and start it.
        Sid      = "BuildPipeline"
        Effect   = "Allow"
        Action   = ["sagemaker:CreatePipeline", "sagemaker:DescribePipeline", "sagemaker:StartPipelineExecution", "sagemaker:UpdatePipeline"]
        Resource = local.pipeline_arn
      },
      {
        # CreatePipeline with tags needs sagemaker:AddTags; only as part of that call.
        Sid       = "TagPipelineAtCreation"
        Effect    = "Allow"
        Action    = "sagemaker:AddTags"
        Resource  = local.pipeline_arn
        Condition = { StringEquals = { "sagemaker:TaggingAction" = "CreatePipeline" } }
      },
      {
        # Follow the executions it started (status, definition, steps).
        Sid      = "BuildPipelineExecutions"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribePipelineDefinitionForExecution", "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps"]
        Resource = local.pipeline_executions_arn
      },
      {
        # The project's own pipeline role (pipeline_roles.tf), and no other.
        Sid       = "PassProjectPipelineRoleToSageMaker"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = local.pipeline_role_arn
        Condition = { StringEquals = { "iam:PassedToService" = "sagemaker.${local.dns_suffix}" } }
      },
      {
        # The environment's SSM contract (GetParametersByPath is evaluated on the path itself).
        Sid      = "ReadPlatformContract"
        Effect   = "Allow"
        Action   = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]
        Resource = [local.parameter_path, "${local.parameter_path}/*"]
      },
      {
        Sid      = "ArtifactBucketList"
        Effect   = "Allow"
        Action   = ["s3:GetBucketLocation", "s3:ListBucket"]
        Resource = local.artifact_bucket_arn
      },
      {
        Sid      = "ArtifactObjectsReadWrite"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"]
        Resource = local.artifact_objects_arn
      },
      {
        # The Processing scripts only (uploaded with SSE-KMS under the data key, which the
        # models bucket's policy requires): no read, list or delete in the models bucket.
        Sid      = "UploadPipelineScripts"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = local.pipeline_scripts_arn
      },
      {
        # The environment's data key, which encrypts the artifact bucket and the models bucket.
        Sid       = "ArtifactKeyThroughS3"
        Effect    = "Allow"
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = local.artifact_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.${local.dns_suffix}" } }
      },
      {
        Sid      = "ReadModelPackages"
        Effect   = "Allow"
        Action   = ["sagemaker:DescribeModelPackage", "sagemaker:DescribeModelPackageGroup", "sagemaker:ListModelPackages"]
        Resource = [local.model_package_group_arn, local.model_packages_arn]
      },
      ],
      # The environment's package repository, for the pipeline jobs' packages (packages.tf).
      local.ci_package_statements,
    )
  }

  # --- Approval events ------------------------------------------------------------------------

  approval_event_pattern = {
    source        = ["aws.sagemaker"]
    "detail-type" = ["SageMaker Model Package State Change"]
    detail = {
      ModelPackageGroupName = [local.model_package_group]
      ModelApprovalStatus   = ["Approved", "Rejected"]
    }
  }

  events_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "EventBridgeApprovalRule"
        Effect    = "Allow"
        Principal = { Service = "events.${local.dns_suffix}" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = local.rule_arn }
        }
      },
    ]
  }

  events_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "InvokeRepositoryDispatch"
        Effect   = "Allow"
        Action   = "events:InvokeApiDestination"
        Resource = aws_cloudwatch_event_api_destination.dispatch.arn
      },
    ]
  }

  dead_letter_queue_arn = "arn:${local.partition}:sqs:${local.regional}:${local.dead_letter_queue_name}"

  dead_letter_queue_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ApprovalRuleDeadLetters"
        Effect    = "Allow"
        Principal = { Service = "events.${local.dns_suffix}" }
        Action    = "sqs:SendMessage"
        Resource  = local.dead_letter_queue_arn
        Condition = { ArnEquals = { "aws:SourceArn" = local.rule_arn } }
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = local.dead_letter_queue_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  }

  key_administrator_arns = var.key_administrator_arns
  # Without readers, the read-only statement names the administrators (who may read anyway).
  key_reader_arns = length(var.key_reader_arns) > 0 ? var.key_reader_arns : var.key_administrator_arns

  # The project's events key encrypts the dead-letter queue and the connection's secret. Neither
  # can use the environment keys: EventBridge writes dead letters as the events service principal,
  # and connection secrets need a key tagged EventBridgeApiDestinations = true.
  events_key_policy = {
    Version = "2012-10-17"
    Id      = "${local.project_prefix}-approval-events"
    Statement = [
      {
        # Management only, listed one by one: no cryptographic use and no CreateGrant.
        Sid       = "KeyAdministration"
        Effect    = "Allow"
        Principal = { AWS = local.key_administrator_arns }
        Action = [
          "kms:CancelKeyDeletion",
          "kms:CreateAlias",
          "kms:DeleteAlias",
          "kms:DescribeKey",
          "kms:DisableKey",
          "kms:DisableKeyRotation",
          "kms:EnableKey",
          "kms:EnableKeyRotation",
          "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus",
          "kms:ListAliases",
          "kms:ListGrants",
          "kms:ListKeyPolicies",
          "kms:ListKeyRotations",
          "kms:ListResourceTags",
          "kms:PutKeyPolicy",
          "kms:RevokeGrant",
          "kms:RotateKeyOnDemand",
          "kms:ScheduleKeyDeletion",
          "kms:TagResource",
          "kms:UntagResource",
          "kms:UpdateAlias",
          "kms:UpdateKeyDescription",
        ]
        Resource = "*"
      },
      {
        # Key metadata for plans (the CI plan role refreshes the key); nothing else.
        Sid       = "ReadOnly"
        Effect    = "Allow"
        Principal = { AWS = local.key_reader_arns }
        Action    = ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"]
        Resource  = "*"
      },
      {
        # EventBridge moves undeliverable approval events of this rule only into the queue.
        Sid       = "DeadLettersOfTheApprovalRule"
        Effect    = "Allow"
        Principal = { Service = "events.${local.dns_suffix}" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnEquals    = { "aws:SourceArn" = local.rule_arn }
        }
      },
      {
        # The connection's secret, through Secrets Manager only and only for this connection:
        # EventBridge's service-linked role (and the environment roles that create or update the
        # connection) encrypt and decrypt it.
        Sid       = "ConnectionSecret"
        Effect    = "Allow"
        Principal = { AWS = "${local.iam_arn}:root" }
        Action    = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.${local.dns_suffix}" }
          StringLike   = { "kms:EncryptionContext:SecretARN" = local.connection_secrets }
          ArnLike      = { "aws:PrincipalArn" = [local.api_destinations_service_role_arn, local.environment_roles] }
        }
      },
      {
        # EventBridge checks the key when a connection is created or updated.
        Sid       = "ConnectionKeyLookup"
        Effect    = "Allow"
        Principal = { AWS = "${local.iam_arn}:root" }
        Action    = "kms:DescribeKey"
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = ["events.${local.region}.${local.dns_suffix}", "secretsmanager.${local.region}.${local.dns_suffix}"] }
          ArnLike      = { "aws:PrincipalArn" = [local.api_destinations_service_role_arn, local.environment_roles] }
        }
      },
      {
        # Operators (environment roles) read and redrive dead letters through SQS.
        Sid       = "DeadLetterQueueThroughSqs"
        Effect    = "Allow"
        Principal = { AWS = "${local.iam_arn}:root" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = { "kms:ViaService" = "sqs.${local.region}.${local.dns_suffix}" }
          ArnLike      = { "aws:PrincipalArn" = local.environment_roles }
        }
      },
    ]
  }

  # --- Checks ---------------------------------------------------------------------------------

  # ARNs that must belong to this account (IAM and KMS can not use another account's here).
  foreign_arns = [
    for arn in concat(
      [var.oidc_provider_arn, var.permissions_boundary_arn, var.guardrails_policy_arn, var.instance_types_policy_arn, var.kms_key_arn, var.volume_kms_key_arn],
      var.key_administrator_arns,
    ) : arn if split(":", arn)[4] != local.account_id
  ]
  same_account_targets = { for stage, accounts in var.target_accounts : stage => accounts if contains(accounts, local.account_id) }

  # --- SSM ------------------------------------------------------------------------------------

  ssm_entries = {
    "model-package-group" = local.model_package_group
    "artifact-bucket"     = module.artifact_bucket.bucket_name
    "ci-role-arn"         = aws_iam_role.ci.arn
    "pipeline-name"       = local.pipeline_name
    # The roles the project's pipeline and jobs run as (the seed code's run-pipeline uses them).
    "pipeline-execution-role-arn" = aws_iam_role.pipeline.arn
    "job-role-arn"                = aws_iam_role.job.arn
  }
}

# The CI role's name: the platform's one rule for the GitHub Actions roles (modules/ci-role-names).
module "ci_role_names" {
  source = "../ci-role-names"

  name_prefix   = var.name_prefix
  partition     = local.partition
  account_id    = local.account_id
  project_names = [var.project_name]
}

# --- Model registry -----------------------------------------------------------------------------

# A project launched from the S3-based model-deploy template (registry = "template") already has its
# group, created by the template's stack with the same name and the deploy roles' read access; the
# rest (CI, pipeline roles, artifact bucket, approval trigger) is this module's.
resource "aws_sagemaker_model_package_group" "this" {
  count = var.model_package_group_from_template ? 0 : 1

  model_package_group_name        = local.model_package_group
  model_package_group_description = "Model packages of project ${var.project_name} in ${var.name_prefix}, readable by the deployment accounts."

  tags = merge(var.tags, { Name = local.model_package_group, Project = var.project_name })
}

resource "aws_sagemaker_model_package_group_policy" "this" {
  count = var.model_package_group_from_template ? 0 : 1

  model_package_group_name = aws_sagemaker_model_package_group.this[0].model_package_group_name
  resource_policy          = jsonencode(local.group_policy)

  lifecycle {
    precondition {
      condition     = length(local.same_account_targets) == 0
      error_message = "target_accounts must be other accounts than this one (${local.account_id}); stages naming it: ${jsonencode(keys(local.same_account_targets))}."
    }
  }
}

# --- Artifact bucket ----------------------------------------------------------------------------

module "artifact_bucket" {
  source = "../s3-bucket"

  bucket_name = local.artifact_bucket_name
  kms_key_arn = var.kms_key_arn

  logging = {
    target_bucket = var.access_log_bucket_name
    target_prefix = "s3/${local.artifact_bucket_name}/"
  }

  # GitHub-hosted runners are outside the VPC: the CI role is exempt by exact ARN.
  allowed_vpc_endpoint_ids   = var.allowed_vpc_endpoint_ids
  vpce_exempt_principal_arns = distinct(concat(var.vpce_exempt_principal_arns, [local.ci_role_arn]))

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "project-artifacts", Project = var.project_name })
}

# --- CI role ------------------------------------------------------------------------------------

resource "aws_iam_role" "ci" {
  name                  = local.ci_role_name
  description           = "GitHub Actions build of ${var.repository.owner}/${var.repository.name} (environment ${var.github_environment_build}): the SageMaker pipeline of project ${var.project_name}"
  assume_role_policy    = jsonencode(local.ci_trust_policy)
  max_session_duration  = 3600
  permissions_boundary  = var.permissions_boundary_arn
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.ci_role_name, Project = var.project_name })

  lifecycle {
    precondition {
      condition     = length(local.foreign_arns) == 0
      error_message = "oidc_provider_arn, permissions_boundary_arn, guardrails_policy_arn, instance_types_policy_arn, kms_key_arn, volume_kms_key_arn and key_administrator_arns must belong to this account (${local.account_id}); foreign: ${jsonencode(local.foreign_arns)}."
    }

    precondition {
      condition     = var.oidc_provider_arn == local.oidc_provider_arn
      error_message = "oidc_provider_arn (${var.oidc_provider_arn}) must be this account's GitHub provider, ${local.oidc_provider_arn}."
    }
  }
}

resource "aws_iam_role_policy" "ci" {
  name   = "permissions"
  role   = aws_iam_role.ci.name
  policy = jsonencode(local.ci_policy)

  lifecycle {
    precondition {
      condition     = local.ci_policy_size <= 10240
      error_message = "The CI role's inline policy is ${local.ci_policy_size} characters; IAM allows 10240 for a role's inline policies."
    }
  }
}

# Terraform owns the CI role's policies: anything added outside Terraform is removed on apply.
resource "aws_iam_role_policies_exclusive" "ci" {
  role_name    = aws_iam_role.ci.name
  policy_names = [aws_iam_role_policy.ci.name]
}

resource "aws_iam_role_policy_attachments_exclusive" "ci" {
  role_name   = aws_iam_role.ci.name
  policy_arns = []
}

# --- Approval events: SageMaker -> EventBridge -> GitHub repository_dispatch ----------------------

resource "aws_kms_key" "events" {
  description              = "Approval-event dead letters and GitHub connection secret of ${local.project_prefix}"
  key_usage                = "ENCRYPT_DECRYPT"
  customer_master_key_spec = "SYMMETRIC_DEFAULT"
  is_enabled               = true
  multi_region             = false
  enable_key_rotation      = true
  deletion_window_in_days  = var.key_deletion_window_days

  bypass_policy_lockout_safety_check = false
  policy                             = jsonencode(local.events_key_policy)

  # EventBridge uses a customer managed key for a connection only if the key carries this tag.
  tags = merge(var.tags, { Name = "${local.project_prefix}-approval-events", Project = var.project_name, EventBridgeApiDestinations = "true" })
}

resource "aws_kms_alias" "events" {
  name          = local.events_key_alias
  target_key_id = aws_kms_key.events.key_id
}

resource "aws_sqs_queue" "dead_letters" {
  name                              = local.dead_letter_queue_name
  kms_master_key_id                 = aws_kms_key.events.arn
  kms_data_key_reuse_period_seconds = 300
  # The longest SQS keeps a message: 14 days to notice, fix the token and redrive.
  message_retention_seconds = 1209600
  # The policy set with the queue, not as a separate aws_sqs_queue_policy: the provider waits ~25 s
  # after writing a queue policy and again after deleting one (its propagation checks), and nothing
  # here needs the queue without its policy. The policy names the queue by its computed ARN.
  policy = jsonencode(local.dead_letter_queue_policy)

  tags = merge(var.tags, { Name = local.dead_letter_queue_name, Project = var.project_name })
}

# Earlier versions held the queue's policy in a resource of its own: forgotten, not deleted (deleting
# it would strip the policy that the queue now carries itself).
removed {
  from = aws_sqs_queue_policy.dead_letters

  lifecycle {
    destroy = false
  }
}

resource "aws_cloudwatch_event_rule" "approval" {
  name          = local.rule_name
  description   = "Approval decisions (Approved, Rejected) on model package group ${local.model_package_group}"
  event_pattern = jsonencode(local.approval_event_pattern)
  state         = "ENABLED"

  tags = merge(var.tags, { Name = local.rule_name, Project = var.project_name })
}

resource "aws_cloudwatch_event_connection" "github" {
  name               = local.connection_name
  description        = "GitHub API token for ${var.repository.owner}/${var.repository.name} (set out of band)"
  authorization_type = "API_KEY"
  # The connection's secret is encrypted with the project's events key, not an AWS owned key.
  kms_key_identifier = aws_kms_key.events.arn

  auth_parameters {
    api_key {
      key   = "Authorization"
      value = local.api_key_placeholder
    }
  }

  lifecycle {
    # The real value ("Bearer <token>") is written by an operator with `aws events
    # update-connection` (README, "Setting the GitHub token"), straight into the secret that
    # EventBridge manages, so the token never enters Terraform variables, state, plans or logs.
    # Terraform creates the connection with the placeholder (EventBridge requires a value) and
    # must then not compare it with the operator's value, which it can not read anyway.
    # Caveat: any other change to this resource makes Terraform send the placeholder again
    # (UpdateConnection carries all auth parameters), so the operator sets the token again after
    # such an apply; the resource is kept free of anything that changes for that reason.
    ignore_changes = [auth_parameters[0].api_key[0].value]
  }
}

resource "aws_cloudwatch_event_api_destination" "dispatch" {
  name                             = local.api_destination_name
  description                      = "repository_dispatch of ${var.repository.owner}/${var.repository.name}"
  connection_arn                   = aws_cloudwatch_event_connection.github.arn
  invocation_endpoint              = local.dispatch_url
  http_method                      = "POST"
  invocation_rate_limit_per_second = 1
}

resource "aws_iam_role" "events" {
  name                  = local.events_role_name
  description           = "EventBridge delivers approval decisions of ${local.model_package_group} to ${var.repository.owner}/${var.repository.name}"
  assume_role_policy    = jsonencode(local.events_trust_policy)
  max_session_duration  = 3600
  permissions_boundary  = var.permissions_boundary_arn
  force_detach_policies = true

  tags = merge(var.tags, { Name = local.events_role_name, Project = var.project_name })
}

resource "aws_iam_role_policy" "events" {
  name   = "permissions"
  role   = aws_iam_role.events.name
  policy = jsonencode(local.events_policy)
}

resource "aws_iam_role_policies_exclusive" "events" {
  role_name    = aws_iam_role.events.name
  policy_names = [aws_iam_role_policy.events.name]
}

resource "aws_iam_role_policy_attachments_exclusive" "events" {
  role_name   = aws_iam_role.events.name
  policy_arns = []
}

resource "aws_cloudwatch_event_target" "dispatch" {
  rule      = aws_cloudwatch_event_rule.approval.name
  target_id = "github-repository-dispatch"
  arn       = aws_cloudwatch_event_api_destination.dispatch.arn
  role_arn  = aws_iam_role.events.arn

  http_target {
    header_parameters = local.dispatch_headers
  }

  input_transformer {
    input_paths    = local.dispatch_input_paths
    input_template = local.dispatch_input_template
  }

  retry_policy {
    maximum_event_age_in_seconds = var.dispatch_retry.maximum_event_age_seconds
    maximum_retry_attempts       = var.dispatch_retry.maximum_retry_attempts
  }

  dead_letter_config {
    arn = aws_sqs_queue.dead_letters.arn
  }

  # The role must be able to invoke before the first event arrives.
  depends_on = [aws_iam_role_policy.events, aws_sqs_queue.dead_letters]

  lifecycle {
    precondition {
      condition     = length(local.dispatch_input_template) <= local.input_template_max
      error_message = "The model-approval dispatch's input template is ${length(local.dispatch_input_template)} characters (client_payload.targets lists ${length(flatten([for plan in values(coalesce(var.target_waves, {})) : concat([plan.canary], plan.rest)]))} accounts, about 15 characters each); EventBridge allows ${local.input_template_max} for an InputTemplate. Deploy fewer accounts per stage from this environment."
    }
  }
}

moved {
  from = aws_sagemaker_model_package_group.this
  to   = aws_sagemaker_model_package_group.this[0]
}

moved {
  from = aws_sagemaker_model_package_group_policy.this
  to   = aws_sagemaker_model_package_group_policy.this[0]
}

# --- SSM entries ----------------------------------------------------------------------------------

resource "aws_ssm_parameter" "project" {
  # checkov:skip=CKV2_AWS_34: The project's entries are identifiers (group, bucket and pipeline names, a role ARN), not secrets; the CI role and the platform roles must read them without a decrypt grant.
  for_each = local.ssm_entries

  name        = "${local.ssm_project_path}/${each.key}"
  description = "Project ${var.project_name} of ${var.name_prefix}: ${each.key}"
  type        = "String"
  value       = each.value

  tags = merge(var.tags, { Project = var.project_name })
}
