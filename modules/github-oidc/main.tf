# GitHub Actions OIDC for one account/environment: the account's OIDC provider, a read-only plan
# role for pull requests, an apply role for one GitHub environment, and a CI permissions boundary
# on both roles.
#
# Every policy is a literal object rendered with jsonencode(): known at plan time (tests decode
# it), reviewable in the plan, and simple enough for checkov to evaluate (no for expressions,
# for_each or list functions inside policy documents, which checkov can not render).

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

  # --- Trust ----------------------------------------------------------------------------------

  github_audience = "sts.${local.dns_suffix}"

  # IAM names an OIDC provider after its URL, so the ARN of the provider created here is known
  # before it exists (the roles depend on the provider; a postcondition checks the ARN).
  created_oidc_provider_arn = "${local.iam_arn}:oidc-provider/token.actions.githubusercontent.com"
  oidc_provider_arn         = var.create_oidc_provider ? local.created_oidc_provider_arn : var.existing_oidc_provider_arn

  # GitHub's default subject says either the environment of a job or its branch, never both: a
  # trust on `environment:<env>` alone lets any branch the environment admits obtain the role.
  # The repository therefore customises its subject template (GitHub REST API, PUT
  # /repos/<owner>/<repo>/actions/oidc/customization/sub with {"use_default": false,
  # "include_claim_keys": <subject_claim_keys>}; `python -m orchestrator oidc-subject --apply`),
  # and every token's subject then reads, claim by claim in this order, <key>:<value>:
  #   repo:<owner>/<name>:<context>:ref:<ref>
  # where <context> is what followed the repository in the default subject (environment:<env>,
  # pull_request, ref:refs/heads/<branch>). IAM evaluates only the sub and aud claims of GitHub's
  # tokens, so the branch is pinned inside the subject. The subjects are computed here only.
  subject_claim_keys = ["repo", "context", "ref"]
  subject_repo       = "repo:${var.repository.owner}/${var.repository.name}"

  # - jobs of pull_request events without a GitHub environment, of any pull request (the one
  #   wildcard: the pull request's number in refs/pull/<number>/merge); only pull_request events
  #   have the context pull_request;
  pull_request_subject = "${local.subject_repo}:pull_request:ref:refs/pull/*/merge"
  # - jobs without a GitHub environment on the protected branch: the plan before each reviewed
  #   apply, and the scheduled drift check;
  plan_branch_subject = "${local.subject_repo}:ref:refs/heads/${var.plan_branch}:ref:refs/heads/${var.plan_branch}"
  # - jobs that declare `environment: <env>` and run on the protected branch apply_branch: no
  #   other branch or tag obtains the apply role, whatever the environment's deployment rules.
  apply_subject = "${local.subject_repo}:environment:${var.github_environment}:ref:refs/heads/${var.apply_branch}"

  plan_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "GitHubActionsPullRequests"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = { "token.actions.githubusercontent.com:aud" = local.github_audience }
          StringLike   = { "token.actions.githubusercontent.com:sub" = local.pull_request_subject }
        }
      },
      {
        Sid       = "GitHubActionsPlanBranch"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = local.github_audience
            "token.actions.githubusercontent.com:sub" = local.plan_branch_subject
          }
        }
      },
    ]
  }

  apply_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "GitHubActionsEnvironmentOnBranch"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = local.github_audience
            "token.actions.githubusercontent.com:sub" = local.apply_subject
          }
        }
      },
    ]
  }

  # --- Names and scopes -----------------------------------------------------------------------

  plan_role_name   = "${var.name_prefix}-github-plan"
  apply_role_name  = "${var.name_prefix}-github-apply"
  ci_boundary_name = "${var.name_prefix}-ci-boundary"

  # Known before the resources exist, so the boundary can name the roles and itself.
  plan_role_arn   = "${local.iam_arn}:role/${local.plan_role_name}"
  apply_role_arn  = "${local.iam_arn}:role/${local.apply_role_name}"
  ci_boundary_arn = "${local.iam_arn}:policy/${local.ci_boundary_name}"

  prefix_roles    = "${local.iam_arn}:role/${var.name_prefix}-*"
  prefix_policies = "${local.iam_arn}:policy/${var.name_prefix}-*"
  prefix_buckets  = "arn:${local.partition}:s3:::${var.name_prefix}-*"
  prefix_tables   = "arn:${local.partition}:dynamodb:${local.regional}:table/${var.name_prefix}-*"
  prefix_aliases  = "arn:${local.partition}:kms:${local.regional}:alias/${var.name_prefix}-*"
  all_keys        = "arn:${local.partition}:kms:${local.regional}:key/*"
  log_groups      = "arn:${local.partition}:logs:${local.regional}:log-group:/${var.name_prefix}/*"
  parameter_path  = "arn:${local.partition}:ssm:${local.regional}:parameter${var.ssm_parameter_prefix}"
  rules           = "arn:${local.partition}:events:${local.regional}:rule/${var.name_prefix}-*"
  # The platform's own event buses (the project templates' approval bus).
  buses           = "arn:${local.partition}:events:${local.regional}:event-bus/${var.name_prefix}-*"
  prefix_queues   = "arn:${local.partition}:sqs:${local.regional}:${var.name_prefix}-*"
  package_groups  = "arn:${local.partition}:sagemaker:${local.regional}:model-package-group/${var.name_prefix}-*"
  portfolios      = "arn:${local.partition}:catalog:${local.regional}:portfolio/*"
  products        = "arn:${local.partition}:catalog:${local.regional}:product/*"
  named_sagemaker = "arn:${local.partition}:sagemaker:${local.regional}:*/${var.name_prefix}-*"
  domains         = "arn:${local.partition}:sagemaker:${local.regional}:domain/*"
  user_profiles   = "arn:${local.partition}:sagemaker:${local.regional}:user-profile/*"

  # Bare variable references inside policy documents go through locals: checkov's renderer
  # gives up on a document that uses var.x both bare and inside "${...}".
  state_bucket = var.state_bucket_arn
  # Without objects to read besides state, the statement names the state objects (no empty Resource).
  plan_readable_objects = length(var.plan_readable_object_arns) > 0 ? var.plan_readable_object_arns : ["${var.state_bucket_arn}/*"]
  lock_table            = var.lock_table_arn
  state_key             = var.state_key_arn
  # The guardrails (never an empty condition: the CI boundary, never attached to a role, stands in).
  protected_policies = length(var.protected_policy_arns) > 0 ? var.protected_policy_arns : [local.ci_boundary_arn]
  allowed_boundaries = concat([var.workload_boundary_policy_arn], var.additional_boundary_policy_arns)

  # The state key is used only through S3 (state, lockfile) and DynamoDB (lock table) of its
  # own region.
  state_key_region = split(":", var.state_key_arn)[3]

  # Statements on Resource "*" whose actions do have a region carry this condition.
  in_region = { StringEquals = { "aws:RequestedRegion" = local.region } }

  # --- Statements -----------------------------------------------------------------------------

  statements = {
    # Read-only, both roles.

    read_regional = {
      Sid    = "ReadRegional"
      Effect = "Allow"
      Action = [
        "ec2:Describe*",
        "events:Describe*",
        "events:List*",
        "kms:Describe*",
        "kms:Get*",
        "kms:List*",
        "logs:Describe*",
        "logs:ListTags*",
        "sagemaker:Describe*",
        "sagemaker:GetSagemakerServicecatalogPortfolioStatus",
        "sagemaker:List*",
        "servicecatalog:Describe*",
        "servicecatalog:List*",
        "ssm:DescribeParameters",
      ]
      # Most Describe/List calls of these services have no resource-level permissions.
      Resource  = "*"
      Condition = local.in_region
    }

    # IAM is global (its aws:RequestedRegion is the IAM endpoint region, not this one) and these
    # actions have no resource types.
    read_global = {
      Sid      = "ReadGlobal"
      Effect   = "Allow"
      Action   = ["iam:ListOpenIDConnectProviders", "iam:ListPolicies", "iam:ListRoles", "sts:GetCallerIdentity"]
      Resource = "*"
    }

    read_iam = {
      Sid      = "ReadIam"
      Effect   = "Allow"
      Action   = ["iam:Get*", "iam:List*"]
      Resource = ["${local.iam_arn}:role/*", "${local.iam_arn}:policy/*", "arn:${local.partition}:iam::aws:policy/*", "${local.iam_arn}:oidc-provider/*"]
    }

    # Bucket configuration only: no s3:GetObject outside the state bucket.
    read_buckets = {
      Sid    = "ReadBuckets"
      Effect = "Allow"
      Action = [
        "s3:GetAccelerateConfiguration",
        "s3:GetBucket*",
        "s3:GetEncryptionConfiguration",
        "s3:GetIntelligentTieringConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
      ]
      Resource = local.prefix_buckets
    }

    read_tables = {
      Sid      = "ReadTables"
      Effect   = "Allow"
      Action   = ["dynamodb:DescribeContinuousBackups", "dynamodb:DescribeTable", "dynamodb:DescribeTimeToLive", "dynamodb:ListTagsOfResource"]
      Resource = [local.prefix_tables, local.lock_table]
    }

    # SQS queues <name_prefix>-* (e.g. a project's approval dead-letter queue): attributes
    # (including the queue policy), URL and tags, which Terraform refreshes.
    read_queues = {
      Sid      = "ReadQueues"
      Effect   = "Allow"
      Action   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
      Resource = local.prefix_queues
    }

    # The resource policy of model package groups <name_prefix>-* (not a Describe/List call).
    read_package_group_policies = {
      Sid      = "ReadPackageGroupPolicies"
      Effect   = "Allow"
      Action   = "sagemaker:GetModelPackageGroupPolicy"
      Resource = local.package_groups
    }

    # The environment's parameter path only (GetParametersByPath is evaluated on the path).
    read_parameters = {
      Sid      = "ReadParameters"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter*", "ssm:ListTagsForResource"]
      Resource = [local.parameter_path, "${local.parameter_path}/*"]
    }

    # State backend: both roles read state; the apply role alone takes and releases the lock
    # (S3 lockfile and DynamoDB item) and writes state.

    # Plan role only: the stacks' own objects (aws_s3_object) that a plan refreshes; the apply
    # role reads them through ManageBuckets.
    read_managed_objects = {
      Sid      = "ReadManagedObjects"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectTagging"]
      Resource = local.plan_readable_objects
    }

    state_list = {
      Sid      = "StateList"
      Effect   = "Allow"
      Action   = "s3:ListBucket"
      Resource = local.state_bucket
    }

    state_read = {
      Sid      = "StateRead"
      Effect   = "Allow"
      Action   = "s3:GetObject"
      Resource = "${local.state_bucket}/*"
    }

    state_lockfile = {
      Sid      = "StateLockfile"
      Effect   = "Allow"
      Action   = ["s3:DeleteObject", "s3:PutObject"]
      Resource = "${local.state_bucket}/*.tflock"
    }

    state_lock_table = {
      Sid      = "StateLockTable"
      Effect   = "Allow"
      Action   = ["dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem"]
      Resource = local.lock_table
    }

    # The plan role takes no lock (a plan for review writes nothing: `plan` runs with
    # -lock=false); it reads the lock table's state digest only. It can neither take nor
    # break the lock of a running apply.
    state_digest_read = {
      Sid      = "StateDigestRead"
      Effect   = "Allow"
      Action   = "dynamodb:GetItem"
      Resource = local.lock_table
    }

    state_key = {
      Sid      = "StateKey"
      Effect   = "Allow"
      Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      Resource = local.state_key
      Condition = {
        StringEquals = {
          "kms:ViaService" = ["s3.${local.state_key_region}.${local.dns_suffix}", "dynamodb.${local.state_key_region}.${local.dns_suffix}"]
        }
      }
    }

    # Apply role only from here on.

    state_write = {
      Sid      = "StateWrite"
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "${local.state_bucket}/*"
    }

    manage_buckets = {
      Sid      = "ManageBuckets"
      Effect   = "Allow"
      Action   = "s3:*"
      Resource = [local.prefix_buckets, "${local.prefix_buckets}/*"]
    }

    # Creating a role, attaching or writing its policies and setting its boundary: only when the
    # role carries (or will carry) the workload boundary. Roles without it (e.g. a deploy role
    # whose name happens to start with name_prefix) can not be changed this way.
    manage_bounded_roles = {
      Sid    = "ManageBoundedRoles"
      Effect = "Allow"
      Action = [
        "iam:AttachRolePolicy",
        "iam:CreateRole",
        "iam:DeleteRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePermissionsBoundary",
        "iam:PutRolePolicy",
      ]
      Resource  = local.prefix_roles
      Condition = { StringEquals = { "iam:PermissionsBoundary" = local.allowed_boundaries } }
    }

    # No iam:PermissionsBoundary condition key exists for these; the CI roles and
    # protected_role_arns are excluded by the boundary's DenyCiAndBoundaryChanges.
    manage_roles = {
      Sid      = "ManageRoles"
      Effect   = "Allow"
      Action   = ["iam:DeleteRole", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UpdateRoleDescription"]
      Resource = local.prefix_roles
    }

    manage_policies = {
      Sid    = "ManagePolicies"
      Effect = "Allow"
      Action = [
        "iam:CreatePolicy",
        "iam:CreatePolicyVersion",
        "iam:DeletePolicy",
        "iam:DeletePolicyVersion",
        "iam:SetDefaultPolicyVersion",
        "iam:TagPolicy",
        "iam:UntagPolicy",
      ]
      Resource = local.prefix_policies
    }

    # The first Studio domain of an account makes SageMaker create its service-linked role
    # (AWSServiceRoleForAmazonSageMakerNotebooks), the first EventBridge connection the API
    # destinations role (AWSServiceRoleForAmazonEventBridgeApiDestinations, which keeps connection
    # secrets in Secrets Manager). iam:AWSServiceName limits the call to these two services' roles;
    # the resource is the service-linked role path (the two full ARNs would not fit the boundary).
    service_linked_roles = {
      Sid       = "ServiceLinkedRoles"
      Effect    = "Allow"
      Action    = "iam:CreateServiceLinkedRole"
      Resource  = "${local.iam_arn}:role/aws-service-role/*"
      Condition = { StringEquals = { "iam:AWSServiceName" = ["sagemaker.${local.dns_suffix}", "apidestinations.events.${local.dns_suffix}"] } }
    }

    pass_roles = {
      Sid      = "PassRoles"
      Effect   = "Allow"
      Action   = "iam:PassRole"
      Resource = local.prefix_roles
      Condition = {
        StringEquals = {
          "iam:PassedToService" = [
            "sagemaker.${local.dns_suffix}",
            "vpc-flow-logs.${local.dns_suffix}",
            "servicecatalog.${local.dns_suffix}",
            "events.${local.dns_suffix}",
          ]
        }
      }
    }

    # kms:CreateKey has no resource-level permissions: the key does not exist yet.
    create_keys = {
      Sid       = "CreateKeys"
      Effect    = "Allow"
      Action    = "kms:CreateKey"
      Resource  = "*"
      Condition = local.in_region
    }

    # Key ids are generated, so keys can not be scoped by name; KMS additionally requires each
    # key's policy to allow this role. Alias actions need both the key and the alias; aliases
    # are scoped by name.
    manage_keys = {
      Sid    = "ManageKeys"
      Effect = "Allow"
      Action = [
        "kms:CancelKeyDeletion",
        "kms:CreateAlias",
        "kms:DeleteAlias",
        "kms:Disable*",
        "kms:Enable*",
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
        "kms:TagResource",
        "kms:UntagResource",
        "kms:Update*",
      ]
      Resource = [local.all_keys, local.prefix_aliases]
    }

    # Objects the stacks write into SSE-KMS buckets (project template files): S3 asks KMS for a
    # data key with the caller's permissions. Only through S3 and only to encrypt (no Decrypt:
    # the apply role writes objects, it never reads the data in the platform's buckets); each
    # key's policy must also let the role use it.
    encrypt_objects_via_s3 = {
      Sid       = "EncryptObjectsViaS3"
      Effect    = "Allow"
      Action    = "kms:GenerateDataKey"
      Resource  = local.all_keys
      Condition = { StringEquals = { "kms:ViaService" = "s3.${local.region}.${local.dns_suffix}" } }
    }

    # SageMaker, DynamoDB and EC2 create grants on customer-managed keys for the resources the
    # apply role creates; grants for AWS resources only.
    grants_for_aws_resources = {
      Sid       = "GrantsForAwsResources"
      Effect    = "Allow"
      Action    = "kms:CreateGrant"
      Resource  = local.all_keys
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    }

    # EC2 create actions can not be scoped to resources that do not exist yet. The wildcards
    # cover the create/delete/modify/associate actions of each VPC resource family.
    manage_network = {
      Sid    = "ManageNetwork"
      Effect = "Allow"
      Action = [
        "ec2:*FlowLogs",
        "ec2:*InternetGateway",
        "ec2:*NatGateway",
        "ec2:*Route",
        "ec2:*RouteTable*",
        "ec2:*SecurityGroup*",
        "ec2:*Subnet*",
        "ec2:*Vpc",
        "ec2:*VpcEndpoint*",
        "ec2:AllocateAddress",
        "ec2:CreateTags",
        "ec2:DeleteTags",
        "ec2:DisassociateAddress",
        "ec2:ModifyVpcAttribute",
        "ec2:ReleaseAddress",
      ]
      Resource  = "*"
      Condition = local.in_region
    }

    manage_log_groups = {
      Sid    = "ManageLogGroups"
      Effect = "Allow"
      Action = [
        "logs:AssociateKmsKey",
        "logs:CreateLogGroup",
        "logs:Delete*",
        "logs:DisassociateKmsKey",
        "logs:PutRetentionPolicy",
        "logs:Tag*",
        "logs:Untag*",
      ]
      Resource = local.log_groups
    }

    manage_parameters = {
      Sid      = "ManageParameters"
      Effect   = "Allow"
      Action   = ["ssm:AddTagsToResource", "ssm:DeleteParameter", "ssm:DeleteParameters", "ssm:PutParameter", "ssm:RemoveTagsFromResource"]
      Resource = "${local.parameter_path}/*"
    }

    # Named SageMaker resources (<type>/<name_prefix>-..., including spaces and apps below a
    # domain). Domain ARNs carry a generated id (domain/d-...), hence domain/*; Studio user
    # profiles are named after their users (user-profile/<domain id>/<user>).
    manage_sagemaker = {
      Sid      = "ManageSageMaker"
      Effect   = "Allow"
      Action   = "sagemaker:*"
      Resource = [local.named_sagemaker, local.domains, local.user_profiles]
    }

    # No resource-level permissions: the account-level switch for SageMaker Projects templates.
    sagemaker_projects_portfolio = {
      Sid       = "SageMakerProjectsPortfolio"
      Effect    = "Allow"
      Action    = ["sagemaker:DisableSagemakerServicecatalogPortfolio", "sagemaker:EnableSagemakerServicecatalogPortfolio"]
      Resource  = "*"
      Condition = local.in_region
    }

    # Portfolio and product ARNs carry generated ids (port-..., prod-...): scoped to this
    # account and region, not by name. No portfolio sharing, no provisioning.
    manage_catalog = {
      Sid    = "ManageCatalog"
      Effect = "Allow"
      Action = [
        "servicecatalog:AssociatePrincipalWithPortfolio",
        "servicecatalog:CreateConstraint",
        "servicecatalog:CreateProvisioningArtifact",
        "servicecatalog:DeletePortfolio",
        "servicecatalog:DeleteProduct",
        "servicecatalog:DeleteProvisioningArtifact",
        "servicecatalog:DisassociatePrincipalFromPortfolio",
        "servicecatalog:UpdatePortfolio",
        "servicecatalog:UpdateProduct",
        "servicecatalog:UpdateProvisioningArtifact",
      ]
      Resource = [local.portfolios, local.products]
    }

    # Service Catalog actions without resource-level permissions.
    manage_catalog_unscoped = {
      Sid    = "ManageCatalogUnscoped"
      Effect = "Allow"
      Action = [
        "servicecatalog:AssociateProductWithPortfolio",
        "servicecatalog:CreatePortfolio",
        "servicecatalog:CreateProduct",
        "servicecatalog:DeleteConstraint",
        "servicecatalog:DisassociateProductFromPortfolio",
        "servicecatalog:UpdateConstraint",
      ]
      Resource  = "*"
      Condition = local.in_region
    }

    manage_rules = {
      Sid    = "ManageRules"
      Effect = "Allow"
      Action = [
        "events:CreateEventBus",
        "events:DeleteEventBus",
        "events:DeleteRule",
        "events:DisableRule",
        "events:EnableRule",
        "events:PutRule",
        "events:PutTargets",
        "events:RemoveTargets",
        "events:TagResource",
        "events:UntagResource",
        "events:UpdateEventBus",
      ]
      Resource = [local.rules, local.buses]
    }

    # SQS queues <name_prefix>-* (a project's approval dead-letter queue and its policy).
    manage_queues = {
      Sid      = "ManageQueues"
      Effect   = "Allow"
      Action   = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
      Resource = local.prefix_queues
    }

    # Apply guardrails: explicit denies that carve exceptions out of the apply policy's own
    # broad allows (an explicit deny wins wherever it is written; they live here rather than in
    # the boundary to keep the boundary under IAM's 6,144-character limit).

    # The state bucket's name usually starts with name_prefix (ManageBuckets): its policy,
    # versioning, encryption, logging, ACLs and object versions stay out of reach.
    deny_state_bucket_changes = {
      Sid       = "DenyStateBucketChanges"
      Effect    = "Deny"
      NotAction = ["s3:DeleteObject", "s3:Get*", "s3:List*", "s3:PutObject"]
      Resource  = [local.state_bucket, "${local.state_bucket}/*"]
    }

    # The state key: use and read only (ManageKeys covers every key of the region).
    deny_state_key_changes = {
      Sid       = "DenyStateKeyChanges"
      Effect    = "Deny"
      NotAction = ["kms:Decrypt", "kms:Describe*", "kms:Encrypt", "kms:GenerateDataKey*", "kms:Get*", "kms:List*"]
      Resource  = local.state_key
    }

    deny_key_lockout_bypass = {
      Sid       = "DenyKeyLockoutBypass"
      Effect    = "Deny"
      Action    = ["kms:CreateKey", "kms:PutKeyPolicy"]
      Resource  = "*"
      Condition = { Bool = { "kms:BypassPolicyLockoutSafetyCheck" = "true" } }
    }

    # The guardrails stay attached to every role that carries them: no reviewed plan the apply
    # role applies removes them (removing such a role is the deploy role's: orchestrator/protected.py).
    deny_guardrails_detach = {
      Sid       = "DenyGuardrailsDetach"
      Effect    = "Deny"
      Action    = "iam:DetachRolePolicy"
      Resource  = "*"
      Condition = { ArnEquals = { "iam:PolicyARN" = local.protected_policies } }
    }

    # No interactive Studio, notebook or MLflow sessions from CI (sagemaker:* above).
    deny_presigned_urls = {
      Sid      = "DenyPresignedUrls"
      Effect   = "Deny"
      Action   = "sagemaker:CreatePresigned*"
      Resource = "*"
    }
  }

  plan_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.read_regional,
      local.statements.read_global,
      local.statements.read_iam,
      local.statements.read_buckets,
      local.statements.read_tables,
      local.statements.read_parameters,
      local.statements.read_queues,
      local.statements.read_package_group_policies,
      local.statements.read_managed_objects,
      local.statements.state_list,
      local.statements.state_read,
      local.statements.state_digest_read,
      local.statements.state_key,
    ]
  }

  # The apply role's statements are split over two inline policies: each must render below
  # checkov's 10,000-character limit (CHECKOV_RENDER_MAX_LEN) or checkov skips it silently.
  apply_read_state_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.read_regional,
      local.statements.read_global,
      local.statements.read_iam,
      local.statements.read_buckets,
      local.statements.read_tables,
      local.statements.read_parameters,
      local.statements.read_queues,
      local.statements.read_package_group_policies,
      local.statements.state_list,
      local.statements.state_read,
      local.statements.state_lockfile,
      local.statements.state_lock_table,
      local.statements.state_digest_read,
      local.statements.state_key,
      local.statements.state_write,
    ]
  }

  apply_manage_policy = {
    Version = "2012-10-17"
    Statement = [
      local.statements.manage_buckets,
      local.statements.manage_bounded_roles,
      local.statements.manage_roles,
      local.statements.manage_policies,
      local.statements.pass_roles,
      local.statements.service_linked_roles,
      local.statements.create_keys,
      local.statements.manage_keys,
      local.statements.encrypt_objects_via_s3,
      local.statements.grants_for_aws_resources,
      local.statements.manage_network,
      local.statements.manage_log_groups,
      local.statements.manage_parameters,
      local.statements.manage_sagemaker,
      local.statements.sagemaker_projects_portfolio,
      local.statements.manage_catalog,
      local.statements.manage_catalog_unscoped,
      local.statements.manage_rules,
      local.statements.manage_queues,
      local.statements.deny_state_bucket_changes,
      local.statements.deny_state_key_changes,
      local.statements.deny_key_lockout_bypass,
      local.statements.deny_guardrails_detach,
      local.statements.deny_presigned_urls,
    ]
  }

  # All statements of the apply role in one document (the permission_policies output).
  apply_policy = {
    Version   = "2012-10-17"
    Statement = concat(local.apply_read_state_policy.Statement, local.apply_manage_policy.Statement)
  }

  # --- CI boundary ----------------------------------------------------------------------------

  # IAM limits a managed policy to 6,144 characters, so the boundary can not repeat the apply
  # policy. It is a ceiling over the apply policy's own resource scopes and conditions:
  # statements on "*" or with conditions are the apply policy's statements (the regional "*"
  # ones merged into RegionalUnscoped), and statements on name-scoped resources allow the
  # service's actions on exactly those resources. The tests check that the boundary covers every
  # Allow of both roles and uses no (resource, condition) scope the apply policy does not use.
  ci_boundary_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "RegionalUnscoped"
        Effect = "Allow"
        # The Action lists of ReadRegional, CreateKeys, ManageNetwork, SageMakerProjectsPortfolio
        # and ManageCatalogUnscoped, written out (checkov does not render concat() of them).
        Action = [
          "ec2:*FlowLogs",
          "ec2:*InternetGateway",
          "ec2:*NatGateway",
          "ec2:*Route",
          "ec2:*RouteTable*",
          "ec2:*SecurityGroup*",
          "ec2:*Subnet*",
          "ec2:*Vpc",
          "ec2:*VpcEndpoint*",
          "ec2:AllocateAddress",
          "ec2:CreateTags",
          "ec2:DeleteTags",
          "ec2:Describe*",
          "ec2:DisassociateAddress",
          "ec2:ModifyVpcAttribute",
          "ec2:ReleaseAddress",
          "events:Describe*",
          "events:List*",
          "kms:CreateKey",
          "kms:Describe*",
          "kms:Get*",
          "kms:List*",
          "logs:Describe*",
          "logs:ListTags*",
          "sagemaker:*SagemakerServicecatalogPortfolio*",
          "sagemaker:Describe*",
          "sagemaker:List*",
          "servicecatalog:AssociateProductWithPortfolio",
          "servicecatalog:CreatePortfolio",
          "servicecatalog:CreateProduct",
          "servicecatalog:DeleteConstraint",
          "servicecatalog:Describe*",
          "servicecatalog:DisassociateProductFromPortfolio",
          "servicecatalog:List*",
          "servicecatalog:UpdateConstraint",
          "ssm:DescribeParameters",
        ]
        Resource  = "*"
        Condition = local.in_region
      },
      local.statements.read_global,
      local.statements.read_iam,
      local.statements.manage_bounded_roles,
      local.statements.manage_roles,
      local.statements.manage_policies,
      local.statements.pass_roles,
      local.statements.service_linked_roles,
      local.statements.state_key,
      {
        # ManageKeys' actions and EncryptObjectsViaS3's kms:GenerateDataKey on the same keys: a
        # statement of its own would not fit IAM's 6,144 characters. The apply policy alone limits
        # the data keys to S3's requests (kms:ViaService).
        Sid      = "ManageKeys"
        Effect   = "Allow"
        Action   = ["kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:Disable*", "kms:Enable*", "kms:GenerateDataKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:Update*"]
        Resource = [local.all_keys, local.prefix_aliases]
      },
      local.statements.grants_for_aws_resources,
      local.statements.manage_sagemaker,
      {
        # One statement for several services, to stay under the size limit. Equivalent to one
        # statement per service (an action only matches ARNs of its own service): S3 on <p>-*
        # buckets and the state bucket with their objects, DynamoDB item/describe on <p>-*
        # tables and the lock table, SSM under the parameter path, Logs on /<p>/* groups,
        # Service Catalog on this region's portfolios and products, EventBridge on rules <p>-*,
        # SQS on queues <p>-*. Never EventBridge connections or API destinations: where a
        # project's approval events go with the GitHub token is the deploy role's to change.
        Sid    = "NamedResources"
        Effect = "Allow"
        Action = [
          "dynamodb:*Item",
          "dynamodb:Describe*",
          "dynamodb:ListTagsOfResource",
          "events:*",
          "logs:*",
          "s3:*",
          "servicecatalog:*",
          "sqs:*",
          "ssm:*",
        ]
        Resource = [
          local.prefix_buckets,
          "${local.prefix_buckets}/*",
          local.state_bucket,
          "${local.state_bucket}/*",
          local.prefix_tables,
          local.lock_table,
          local.parameter_path,
          "${local.parameter_path}/*",
          local.log_groups,
          local.portfolios,
          local.products,
          local.rules,
          local.buses,
          local.prefix_queues,
        ]
      },
      # Guardrails for both roles, whatever their own policies allow.
      {
        # Both boundaries, both CI roles and the protected roles/policies: reads only (no policy
        # versions, deletion, boundary removal, trust or inline policy changes, PassRole, tags).
        Sid       = "DenyCiAndBoundaryChanges"
        Effect    = "Deny"
        NotAction = ["iam:Get*", "iam:List*"]
        Resource = concat(
          [local.ci_boundary_arn],
          local.allowed_boundaries,
          [local.plan_role_arn, local.apply_role_arn],
          var.protected_policy_arns,
          var.protected_role_arns,
        )
      },
      {
        # Identity providers (OIDC and SAML), users and long-term credentials.
        Sid    = "DenyIdentityProvidersAndUsers"
        Effect = "Deny"
        Action = [
          "iam:*ClientID*",
          "iam:*LoginProfile",
          "iam:Create*Provider",
          "iam:CreateAccessKey",
          "iam:CreateServiceSpecificCredential",
          "iam:CreateUser",
          "iam:Delete*Provider",
          "iam:Update*Provider*",
        ]
        Resource = "*"
      },
    ]
  }

  ci_boundary_json = jsonencode(local.ci_boundary_policy)

  # --- Checks ---------------------------------------------------------------------------------

  foreign_arns = [
    for arn in concat(
      [var.state_key_arn, var.lock_table_arn, var.workload_boundary_policy_arn],
      var.additional_boundary_policy_arns,
      var.create_oidc_provider ? [] : [var.existing_oidc_provider_arn],
      var.protected_role_arns,
      var.protected_policy_arns,
    ) : arn if split(":", arn)[4] != local.account_id
  ]

  # The CI roles and boundaries are always protected; listing them again would duplicate ARNs.
  redundant_protected_arns = [
    for arn in concat(var.protected_role_arns, var.protected_policy_arns) : arn
    if contains(concat([local.plan_role_arn, local.apply_role_arn, local.ci_boundary_arn], local.allowed_boundaries), arn)
  ]
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = [local.github_audience]
  thumbprint_list = [for t in var.oidc_thumbprints : lower(t)]

  tags = merge(var.tags, { Name = "${var.name_prefix}-github-actions" })

  lifecycle {
    postcondition {
      condition     = self.arn == local.created_oidc_provider_arn
      error_message = "The OIDC provider ARN ${self.arn} differs from the ARN the trust policies use (${local.created_oidc_provider_arn})."
    }
  }
}

resource "aws_iam_policy" "ci_boundary" {
  name        = local.ci_boundary_name
  description = "Permissions boundary of the GitHub Actions roles of ${var.name_prefix}: the apply role's scopes at most; never the boundaries, the CI roles, identity providers or users."
  policy      = local.ci_boundary_json

  tags = merge(var.tags, { Name = local.ci_boundary_name })

  lifecycle {
    precondition {
      condition     = length(local.foreign_arns) == 0
      error_message = "state_key_arn, lock_table_arn, workload_boundary_policy_arn, existing_oidc_provider_arn, protected_role_arns and protected_policy_arns must belong to this account (${local.account_id}); foreign: ${jsonencode(local.foreign_arns)}."
    }

    precondition {
      condition     = length(local.redundant_protected_arns) == 0
      error_message = "protected_role_arns and protected_policy_arns must not list the CI roles, the CI boundary or workload_boundary_policy_arn (always protected); remove: ${jsonencode(local.redundant_protected_arns)}."
    }

    # jsonencode() emits no whitespace, so its length is what IAM counts.
    precondition {
      condition     = length(local.ci_boundary_json) <= 6144
      error_message = "The CI boundary policy is ${length(local.ci_boundary_json)} characters; IAM allows 6144 for a managed policy. Shorten name_prefix or ssm_parameter_prefix, or list fewer protected ARNs."
    }
  }
}

resource "aws_iam_role" "plan" {
  name                 = local.plan_role_name
  description          = "GitHub Actions pull-request plans of ${var.repository.owner}/${var.repository.name}: read-only, no state lock"
  assume_role_policy   = jsonencode(local.plan_trust_policy)
  max_session_duration = var.max_session_duration
  permissions_boundary = aws_iam_policy.ci_boundary.arn

  tags = merge(var.tags, { Name = local.plan_role_name })

  depends_on = [aws_iam_openid_connect_provider.github]
}

resource "aws_iam_role" "apply" {
  name                 = local.apply_role_name
  description          = "GitHub Actions applies of ${var.repository.owner}/${var.repository.name} from GitHub environment ${var.github_environment}"
  assume_role_policy   = jsonencode(local.apply_trust_policy)
  max_session_duration = var.max_session_duration
  permissions_boundary = aws_iam_policy.ci_boundary.arn

  tags = merge(var.tags, { Name = local.apply_role_name })

  depends_on = [aws_iam_openid_connect_provider.github]
}

# Inline policies: IAM allows 10,240 characters per role for them (a managed policy only 6,144,
# less than the apply policy needs), and the CI roles can not change them (boundary denies).
resource "aws_iam_role_policy" "plan" {
  name   = local.plan_role_name
  role   = aws_iam_role.plan.name
  policy = jsonencode(local.plan_policy)
}

resource "aws_iam_role_policy" "apply_read_state" {
  name   = "${local.apply_role_name}-read-state"
  role   = aws_iam_role.apply.name
  policy = jsonencode(local.apply_read_state_policy)
}

resource "aws_iam_role_policy" "apply_manage" {
  name   = "${local.apply_role_name}-manage"
  role   = aws_iam_role.apply.name
  policy = jsonencode(local.apply_manage_policy)

  lifecycle {
    precondition {
      condition     = length(jsonencode(local.apply_read_state_policy)) + length(jsonencode(local.apply_manage_policy)) <= 10240
      error_message = "The apply role's inline policies total ${length(jsonencode(local.apply_read_state_policy)) + length(jsonencode(local.apply_manage_policy))} characters; IAM allows 10240 per role. Shorten name_prefix or ssm_parameter_prefix."
    }
  }
}
