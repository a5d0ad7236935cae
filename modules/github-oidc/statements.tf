# Every statement of the CI roles' policies, by name; policies.tf and boundary.tf compose them.

locals {
  # SQS queues and SNS topics <name_prefix>-* in one ARN pattern ("s?s" matches the two services'
  # ARNs; each service's actions only ever match its own): one boundary scope for both (the
  # boundary is at IAM's size limit).
  prefix_queues_and_topics = "arn:${local.partition}:s?s:${local.regional}:${var.name_prefix}-*"

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

    # The package repository's configuration (plan role; the apply role's ManagePackageRepository
    # includes these): no token, no package read.
    read_packages = {
      Sid      = "ReadPackageRepository"
      Effect   = "Allow"
      Action   = ["codeartifact:DescribeDomain", "codeartifact:DescribeRepository", "codeartifact:Get*PermissionsPolicy", "codeartifact:ListTagsForResource"]
      Resource = local.package_domains
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

    # Plan role only: who changed a resource that `drift` finds changed outside Terraform (its
    # CloudTrail event history). cloudtrail:LookupEvents supports no resource-level permissions:
    # "*" is the documented form, limited to the region.
    lookup_events = {
      Sid       = "LookupEvents"
      Effect    = "Allow"
      Action    = "cloudtrail:LookupEvents"
      Resource  = "*"
      Condition = local.in_region
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

    # The package repository's domain, repositories, their permissions policies and tags (the
    # domain key's grant is GrantsForAwsResources'), in patterns that leave out tokens, package
    # reads and publications (GetAuthorizationToken, ReadFromRepository, Publish*, *Package*):
    # *Domain = Create/Delete/DescribeDomain, *eRepository = Create/Delete/UpdateRepository,
    # *PermissionsPolicy = Put/Get/Delete of the domain's and repositories' policies,
    # *Resource = Tag/Untag/ListTagsForResource: ReadPackageRepository's reads included. In the
    # apply role's managed policy <name_prefix>-ci-packages (packages.tf): its inline policies
    # are at IAM's 10,240-character limit.
    manage_packages = {
      Sid      = "ManagePackageRepository"
      Effect   = "Allow"
      Action   = ["codeartifact:*Domain", "codeartifact:*eRepository", "codeartifact:*PermissionsPolicy", "codeartifact:*ExternalConnection", "codeartifact:*Resource", "codeartifact:DescribeRepository"]
      Resource = local.package_domains
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

    # SQS queues <name_prefix>-* (a project's approval dead-letter queue and its policy), in the
    # boundary's scope of queues and topics (SNS topics: topics.tf).
    manage_queues = {
      Sid      = "ManageQueues"
      Effect   = "Allow"
      Action   = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
      Resource = local.prefix_queues_and_topics
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
}
