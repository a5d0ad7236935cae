locals {
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
        # The Action lists of ReadRegional, LookupEvents (plan role), CreateKeys, ManageNetwork, SageMakerProjectsPortfolio
        # and ManageCatalogUnscoped, written out (checkov does not render concat() of them). The reads of the detective
        # controls (CloudTrail, Config, GuardDuty, Security Hub; the ci-detective-read policy) are short patterns of reads only
        # (Des* = Describe*, Li* = List*, GetE* = GetEnabledStandards), to fit IAM's size limit; for the same reason
        # *Address (Allocate/Associate/Disassociate/Release), *Tags (Create/Delete) and *Constraint (Create/Update/
        # Delete/Describe) stand for the apply policy's actions of those names, which alone decides which it gets.
        Action = [
          "cloudtrail:Des*",
          "cloudtrail:Get*",
          "cloudtrail:L*",
          "config:Des*",
          "config:Li*",
          "ec2:*FlowLogs",
          "ec2:*InternetGateway",
          "ec2:*NatGateway",
          "ec2:*Route",
          "ec2:*RouteTable*",
          "ec2:*SecurityGroup*",
          "ec2:*Subnet*",
          "ec2:*Vpc",
          "ec2:*VpcEndpoint*",
          "ec2:*Address",
          "ec2:*Tags",
          "ec2:Describe*",
          "ec2:ModifyVpcAttribute",
          "events:Describe*",
          "events:List*",
          "guardduty:GetD*",
          "kms:CreateKey",
          "kms:Describe*",
          "kms:Get*",
          "kms:List*",
          "logs:Describe*",
          "logs:ListTags*",
          "sagemaker:*ServicecatalogPortfolio*",
          "sagemaker:Describe*",
          "sagemaker:List*",
          "scheduler:Get*",
          "scheduler:ListT*",
          "securityhub:Des*",
          "securityhub:GetE*",
          "servicecatalog:AssociateProductWithPortfolio",
          "servicecatalog:CreatePortfolio",
          "servicecatalog:CreateProduct",
          "servicecatalog:*Constraint",
          "servicecatalog:Describe*",
          "servicecatalog:DisassociateProductFromPortfolio",
          "servicecatalog:List*",
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
        # SQS queues and SNS topics <p>-*, CodeArtifact on the domain <p>-packages. Never EventBridge connections or API destinations: where a
        # project's approval events go with the GitHub token is the deploy role's to change. With
        # organizations_read_role_arn: sts:AssumeRole on exactly that role (the plan role's
        # ci-organizations-read policy; no other resource here is a role).
        Sid    = "NamedResources"
        Effect = "Allow"
        Action = concat([
          "codeartifact:*",
          "dynamodb:*Item",
          "dynamodb:Describe*",
          "dynamodb:ListTagsOfResource",
          "events:*",
          "logs:*",
          "s3:*",
          "servicecatalog:*",
          "sns:*",
          "sqs:*",
          "ssm:*",
        ], local.organizations_read_actions)
        Resource = concat([
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
          local.prefix_queues_and_topics,
          local.package_domains,
        ], local.organizations_read_roles)
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
      error_message = "The CI boundary policy is ${length(local.ci_boundary_json)} characters; IAM allows 6144 for a managed policy. Shorten name_prefix, ssm_parameter_prefix or organizations_read_role_arn, or list fewer protected ARNs."
    }
  }
}
