# GitHub Actions OIDC roles: trust, permissions and the CI boundary, decoded from the rendered
# JSON and compared statement by statement.
#
# Wildcard coverage is checked with IAM's own matching rule: pattern p covers action (or ARN) x
# when x matches ^p$ with "*" read as ".*" (dots escaped first). A pattern that covers another
# pattern this way covers every expansion of it.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111", arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy", user_id = "AROAEXAMPLEEXAMPLE" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  # The provider validates ARN arguments even when mocked (permissions_boundary).
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
  }
}

variables {
  name_prefix                  = "mlops-dev"
  repository                   = { owner = "example-org", name = "mlops-platform" }
  github_environment           = "dev"
  plan_branch                  = "main"
  state_bucket_arn             = "arn:aws:s3:::mlops-dev-tfstate-111111111111"
  state_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  lock_table_arn               = "arn:aws:dynamodb:eu-west-1:111111111111:table/mlops-dev-tflock"
  workload_boundary_policy_arn = "arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary"
  ssm_parameter_prefix         = "/mlops/dev"
  plan_readable_object_arns    = ["arn:aws:s3:::mlops-dev-sc-templates-111111111111/*"]
}

# One plan (same variables) for: oidc_provider, trust_policies, roles, plan_policy, apply_policy,
#   ci_boundary.
run "oidc_provider" {
  command = plan

  # --- oidc_provider
  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1
    error_message = "create_oidc_provider defaults to true: exactly one OIDC provider."
  }

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].url == "https://token.actions.githubusercontent.com"
    error_message = "The provider URL must be https://token.actions.githubusercontent.com."
  }

  assert {
    condition     = toset(aws_iam_openid_connect_provider.github[0].client_id_list) == toset(["sts.amazonaws.com"])
    error_message = "The only audience must be sts.amazonaws.com."
  }

  assert {
    condition     = aws_iam_openid_connect_provider.github[0].thumbprint_list == tolist(["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"])
    error_message = "The default thumbprints must be GitHub's two published thumbprints."
  }

  # --- trust_policies
  assert {
    condition = jsondecode(aws_iam_role.ci["plan"].assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "GitHubActionsPullRequests"
          Effect    = "Allow"
          Principal = { Federated = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
          Action    = "sts:AssumeRoleWithWebIdentity"
          Condition = {
            StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
            StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/mlops-platform:pull_request:ref:refs/pull/*/merge" }
          }
        },
        {
          Sid       = "GitHubActionsPlanBranch"
          Effect    = "Allow"
          Principal = { Federated = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
          Action    = "sts:AssumeRoleWithWebIdentity"
          Condition = {
            StringEquals = {
              "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
              "token.actions.githubusercontent.com:sub" = "repo:example-org/mlops-platform:ref:refs/heads/main:ref:refs/heads/main"
            }
          }
        },
      ]
    }
    error_message = "The plan role must trust exactly pull_request jobs (any pull request's merge ref) and jobs on main without an environment of example-org/mlops-platform, in the subject format repo, context, ref."
  }

  assert {
    condition = jsondecode(aws_iam_role.ci["apply"].assume_role_policy) == {
      Version = "2012-10-17"
      Statement = [{
        Sid       = "GitHubActionsEnvironmentOnBranch"
        Effect    = "Allow"
        Principal = { Federated = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
            "token.actions.githubusercontent.com:sub" = "repo:example-org/mlops-platform:environment:dev:ref:refs/heads/main"
          }
        }
      }]
    }
    error_message = "The apply role must trust exactly jobs of the GitHub environment dev of example-org/mlops-platform on main (apply_branch's default)."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.trust_policies["apply"]).Statement : keys(s.Condition) == ["StringEquals"] && !strcontains(jsonencode(s.Condition), "*")
    ])
    error_message = "The apply role's trust must be StringEquals only (no StringLike) without any wildcard."
  }

  assert {
    condition = [for s in jsondecode(output.trust_policies["plan"]).Statement : lookup(s.Condition, "StringLike", {})] == [
      { "token.actions.githubusercontent.com:sub" = "repo:example-org/mlops-platform:pull_request:ref:refs/pull/*/merge" }, {},
    ] && !strcontains(jsonencode(jsondecode(output.trust_policies["plan"]).Statement[1]), "*")
    error_message = "The plan role's one wildcard must be the pull request number of the pull_request subject (StringLike); the branch statement is StringEquals without wildcard."
  }

  assert {
    condition     = output.subject_claim_keys == ["repo", "context", "ref"]
    error_message = "The trusts expect the subject template repo, context, ref (in that order)."
  }

  assert {
    condition = output.subjects == {
      pull_request = "repo:example-org/mlops-platform:pull_request:ref:refs/pull/*/merge"
      plan_branch  = "repo:example-org/mlops-platform:ref:refs/heads/main:ref:refs/heads/main"
      apply        = "repo:example-org/mlops-platform:environment:dev:ref:refs/heads/main"
    }
    error_message = "subjects must be the subjects of the trust policies."
  }

  assert {
    condition     = output.trust_policies == { plan = aws_iam_role.ci["plan"].assume_role_policy, apply = aws_iam_role.ci["apply"].assume_role_policy }
    error_message = "trust_policies must map plan and apply to their roles' trust policies."
  }

  # --- roles
  assert {
    condition     = aws_iam_role.ci["plan"].name == "mlops-dev-github-plan" && aws_iam_role.ci["apply"].name == "mlops-dev-github-apply"
    error_message = "Roles must be <name_prefix>-github-plan and <name_prefix>-github-apply."
  }

  assert {
    condition     = aws_iam_role.ci["plan"].max_session_duration == 3600 && aws_iam_role.ci["apply"].max_session_duration == 3600
    error_message = "max_session_duration defaults to 3600 on both roles."
  }

  assert {
    condition     = aws_iam_policy.ci_boundary.name == "mlops-dev-ci-boundary"
    error_message = "The CI boundary must be <name_prefix>-ci-boundary."
  }

  assert {
    condition = (
      aws_iam_role_policy.ci["plan"].role == "mlops-dev-github-plan" &&
      aws_iam_role_policy.ci["apply_read_state"].role == "mlops-dev-github-apply" &&
      aws_iam_role_policy.ci["apply_manage"].role == "mlops-dev-github-apply"
    )
    error_message = "Each inline policy must be attached to its role."
  }

  # --- plan_policy
  assert {
    condition = [for s in jsondecode(output.permission_policies["plan"]).Statement : s.Sid] == [
      "ReadRegional", "ReadGlobal", "ReadIam", "ReadBuckets", "ReadTables", "ReadParameters", "ReadQueues", "ReadPackageGroupPolicies",
      "ReadPackageRepository", "ReadManagedObjects", "LookupEvents", "StateList", "StateRead", "StateDigestRead", "StateKey",
    ]
    error_message = "The plan policy must contain exactly the read and state-read statements (no lock: a plan for review takes none)."
  }

  assert {
    condition     = output.permission_policies["plan"] == aws_iam_role_policy.ci["plan"].policy
    error_message = "permission_policies.plan must be the plan role's inline policy."
  }

  # Every action is a read (Describe/Get/List) except the state-key actions below.
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.permission_policies["plan"]).Statement : [
        for a in flatten([s.Action]) :
        can(regex("^[a-z0-9-]+:(Describe|Get|List)", a)) || contains(["cloudtrail:LookupEvents", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], a)
      ] if s.Effect == "Allow"
    ]))
    error_message = "The plan role may only read."
  }

  assert {
    condition = [
      for s in jsondecode(output.permission_policies["plan"]).Statement : s
      if anytrue([for a in flatten([s.Action]) : can(regex("^(s3:(Put|Delete)|dynamodb:(Put|Delete|Update))", a))])
    ] == []
    error_message = "The plan role may neither write nor delete a state object, S3 lockfile or lock-table item: it cannot break a running apply's lock."
  }

  assert {
    condition = [
      for s in jsondecode(output.permission_policies["plan"]).Statement : s
      if anytrue([for a in flatten([s.Action]) : can(regex("^s3:Get(Object|\\*)", a))])
      ] == [{
        Sid      = "ReadManagedObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:GetObjectTagging"]
        Resource = ["arn:aws:s3:::mlops-dev-sc-templates-111111111111/*"]
        }, {
        Sid      = "StateRead"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "arn:aws:s3:::mlops-dev-tfstate-111111111111/*"
    }]
    error_message = "s3:GetObject only on the state bucket's objects and plan_readable_object_arns."
  }

  # Its region: the assert on Resource "*" statements below.
  assert {
    condition     = [for s in jsondecode(output.permission_policies["plan"]).Statement : [s.Action, s.Resource] if s.Sid == "LookupEvents"] == [["cloudtrail:LookupEvents", "*"]]
    error_message = "The plan role reads CloudTrail's event history (drift attribution) in its region only; LookupEvents has no resource-level permissions."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["plan"]).Statement : s if s.Sid == "StateDigestRead"]) == {
      Sid      = "StateDigestRead"
      Effect   = "Allow"
      Action   = "dynamodb:GetItem"
      Resource = "arn:aws:dynamodb:eu-west-1:111111111111:table/mlops-dev-tflock"
    }
    error_message = "The plan role reads only the lock table's state digest."
  }

  assert {
    condition = [
      for s in jsondecode(output.permission_policies["plan"]).Statement : s
      if anytrue([for a in flatten([s.Action]) : contains(["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"], a)])
      ] == [{
        Sid      = "StateKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
        Resource = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
        Condition = {
          StringEquals = { "kms:ViaService" = ["s3.eu-west-1.amazonaws.com", "dynamodb.eu-west-1.amazonaws.com"] }
        }
    }]
    error_message = "KMS data actions only on the state key, only through S3 and DynamoDB."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["plan"]).Statement : s if s.Sid == "ReadParameters"]) == {
      Sid      = "ReadParameters"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter*", "ssm:ListTagsForResource"]
      Resource = ["arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev", "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev/*"]
    }
    error_message = "Parameter values only under ssm_parameter_prefix."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.permission_policies["plan"]).Statement :
      try(s.Condition, null) == { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } } || s.Sid == "ReadGlobal"
      if s.Resource == "*"
    ])
    error_message = "Plan statements on Resource \"*\" must be limited to the region (except ReadGlobal)."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["plan"]).Statement : s if s.Sid == "ReadGlobal"]) == {
      Sid      = "ReadGlobal"
      Effect   = "Allow"
      Action   = ["iam:ListOpenIDConnectProviders", "iam:ListPolicies", "iam:ListRoles", "sts:GetCallerIdentity"]
      Resource = "*"
    }
    error_message = "The only unconditioned \"*\" statement is ReadGlobal (actions without resource-level permissions)."
  }

  # --- apply_policy
  assert {
    condition = [for s in jsondecode(output.permission_policies["apply"]).Statement : s.Sid] == [
      "ReadRegional", "ReadGlobal", "ReadIam", "ReadBuckets", "ReadTables", "ReadParameters", "ReadQueues", "ReadPackageGroupPolicies",
      "StateList", "StateRead", "StateLockfile", "StateLockTable", "StateDigestRead", "StateKey", "StateWrite",
      "ManageBuckets", "ManageBoundedRoles", "ManageRoles", "ManagePolicies", "PassRoles", "ServiceLinkedRoles", "CreateKeys",
      "ManageKeys", "EncryptObjectsViaS3", "GrantsForAwsResources", "ManageNetwork", "ManageLogGroups", "ManageParameters",
      "ManageSageMaker", "SageMakerProjectsPortfolio", "ManageCatalog", "ManageCatalogUnscoped", "ManageRules",
      "ManageQueues",
      "DenyStateBucketChanges", "DenyStateKeyChanges", "DenyKeyLockoutBypass", "DenyGuardrailsDetach", "DenyPresignedUrls",
      "ManagePackageRepository",
    ]
    error_message = "Unexpected statements in the apply policy."
  }

  assert {
    condition = jsondecode(output.permission_policies["apply"]).Statement == concat(
      jsondecode(aws_iam_role_policy.ci["apply_read_state"].policy).Statement,
      jsondecode(aws_iam_role_policy.ci["apply_manage"].policy).Statement,
      jsondecode(aws_iam_policy.ci_packages.policy).Statement,
    )
    error_message = "permission_policies.apply must hold the statements of both apply inline policies and of the ci-packages managed policy."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.ci_packages.role == "mlops-dev-github-apply" && jsondecode(aws_iam_policy.ci_packages.policy).Statement[0].Resource == "arn:aws:codeartifact:eu-west-1:111111111111:*/mlops-dev-*" && !anytrue([for a in jsondecode(aws_iam_policy.ci_packages.policy).Statement[0].Action : contains(["codeartifact:GetAuthorizationToken", "codeartifact:ReadFromRepository", "codeartifact:PublishPackageVersion"], a) || a == "codeartifact:*"])
    error_message = "Only the apply role carries ci-packages: the environment's domain, never tokens, package reads or publications."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["plan"]).Statement : s if s.Sid == "ReadManagedObjects"]) == {
      Sid      = "ReadManagedObjects"
      Effect   = "Allow"
      Action   = ["s3:GetObject", "s3:GetObjectTagging"]
      Resource = ["arn:aws:s3:::mlops-dev-sc-templates-111111111111/*"]
    }
    error_message = "The plan role reads objects only of the buckets named in plan_readable_object_arns (and state)."
  }

  # ReadManagedObjects (s3:GetObject on objects of the stacks' buckets): ManageBuckets' s3:* there.
  # LookupEvents (drift's attribution) is the plan role's alone: no apply looks up events.
  assert {
    condition = alltrue([
      for s in jsondecode(output.permission_policies["plan"]).Statement :
      contains(jsondecode(output.permission_policies["apply"]).Statement, s) || contains(["ReadManagedObjects", "LookupEvents", "ReadPackageRepository"], s.Sid)
    ])
    error_message = "Everything the plan role may do but look up CloudTrail events, the apply role may do too."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "StateWrite"]) == {
      Sid      = "StateWrite"
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:aws:s3:::mlops-dev-tfstate-111111111111/*"
    }
    error_message = "The apply role writes state objects."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.permission_policies["apply"]).Statement : [
        for a in flatten([s.Action]) : a != "*" && !endswith(a, ":*") || contains(["ManageBuckets", "ManageSageMaker"], s.Sid)
      ] if s.Effect == "Allow"
    ]))
    error_message = "No \"*\" action; service-wide actions (s3:*, sagemaker:*) only in ManageBuckets and ManageSageMaker."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageBuckets"]).Resource == [
      "arn:aws:s3:::mlops-dev-*", "arn:aws:s3:::mlops-dev-*/*",
    ]
    error_message = "s3:* only on <name_prefix>-* buckets and their objects."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageSageMaker"]).Resource == [
      "arn:aws:sagemaker:eu-west-1:111111111111:*/mlops-dev-*", "arn:aws:sagemaker:eu-west-1:111111111111:domain/*",
      "arn:aws:sagemaker:eu-west-1:111111111111:user-profile/*",
    ]
    error_message = "sagemaker:* only on <name_prefix>-* resources and the domains of this account and region."
  }

  # Dangerous IAM actions are matched by no Allow pattern (wildcards included).
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.permission_policies["apply"]).Statement : [
        for p in flatten([s.Action]) : [
          for a in [
            "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:DeleteRolePermissionsBoundary",
            "iam:CreateOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "sts:AssumeRole", "iam:CreatePolicyVersion",
          ] : !can(regex("^${replace(p, "*", ".*")}$", a)) || (a == "iam:CreatePolicyVersion" && s.Sid == "ManagePolicies")
        ]
      ] if s.Effect == "Allow"
    ]))
    error_message = "The apply role must not create users, access keys, login profiles or OIDC providers, remove boundaries or assume roles; policy versions only on its own policies."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageBoundedRoles"]) == {
      Sid    = "ManageBoundedRoles"
      Effect = "Allow"
      Action = [
        "iam:AttachRolePolicy", "iam:CreateRole", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy",
      ]
      Resource  = "arn:aws:iam::111111111111:role/mlops-dev-*"
      Condition = { StringEquals = { "iam:PermissionsBoundary" = ["arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary"] } }
    }
    error_message = "CreateRole, PutRolePermissionsBoundary and role policy changes only on <name_prefix>-* roles carrying the workload boundary."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.permission_policies["apply"]).Statement : [
        for p in flatten([s.Action]) : [
          for a in ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:AttachRolePolicy", "iam:PutRolePolicy"] :
          !can(regex("^${replace(p, "*", ".*")}$", a)) || s.Sid == "ManageBoundedRoles"
        ]
      ] if s.Effect == "Allow"
    ]))
    error_message = "No other statement may allow CreateRole, PutRolePermissionsBoundary, AttachRolePolicy or PutRolePolicy (they would bypass the boundary condition)."
  }

  assert {
    condition = [
      for s in jsondecode(output.permission_policies["apply"]).Statement : s
      if s.Effect == "Allow" && anytrue([for p in flatten([try(s.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", "iam:PassRole"))])
      ] == [{
        Sid      = "PassRoles"
        Effect   = "Allow"
        Action   = "iam:PassRole"
        Resource = "arn:aws:iam::111111111111:role/mlops-dev-*"
        Condition = {
          StringEquals = {
            "iam:PassedToService" = ["sagemaker.amazonaws.com", "vpc-flow-logs.amazonaws.com", "servicecatalog.amazonaws.com", "events.amazonaws.com"]
          }
        }
    }]
    error_message = "iam:PassRole only in PassRoles: <name_prefix>-* roles to SageMaker, VPC Flow Logs, Service Catalog and EventBridge."
  }

  assert {
    condition     = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManagePolicies"]).Resource == "arn:aws:iam::111111111111:policy/mlops-dev-*"
    error_message = "Managed policies only <name_prefix>-*."
  }

  # Resource "*" only where there is no resource-level permission, and limited to the region.
  assert {
    condition = sort([for s in jsondecode(output.permission_policies["apply"]).Statement : s.Sid if s.Effect == "Allow" && s.Resource == "*"]) == sort([
      "ReadRegional", "ReadGlobal", "CreateKeys", "ManageNetwork", "SageMakerProjectsPortfolio", "ManageCatalogUnscoped",
    ])
    error_message = "Unexpected Allow statement on Resource \"*\"."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(output.permission_policies["apply"]).Statement :
      try(s.Condition, null) == { StringEquals = { "aws:RequestedRegion" = "eu-west-1" } }
      if s.Effect == "Allow" && s.Resource == "*" && s.Sid != "ReadGlobal"
    ])
    error_message = "Allow statements on \"*\" (other than ReadGlobal) must be limited to the region."
  }

  assert {
    condition     = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "CreateKeys"]).Action == "kms:CreateKey"
    error_message = "CreateKeys must allow kms:CreateKey only."
  }

  # ManageNetwork covers what the network module manages, and nothing outside ec2 VPC plumbing.
  assert {
    condition = alltrue([
      for a in [
        "ec2:CreateVpc", "ec2:DeleteVpc", "ec2:ModifyVpcAttribute", "ec2:CreateSubnet", "ec2:DeleteSubnet", "ec2:ModifySubnetAttribute",
        "ec2:CreateRouteTable", "ec2:DeleteRouteTable", "ec2:AssociateRouteTable", "ec2:DisassociateRouteTable", "ec2:CreateRoute",
        "ec2:DeleteRoute", "ec2:ReplaceRoute", "ec2:CreateInternetGateway", "ec2:AttachInternetGateway", "ec2:DetachInternetGateway",
        "ec2:DeleteInternetGateway", "ec2:AllocateAddress", "ec2:ReleaseAddress", "ec2:CreateNatGateway", "ec2:DeleteNatGateway",
        "ec2:CreateSecurityGroup", "ec2:DeleteSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress", "ec2:RevokeSecurityGroupEgress", "ec2:CreateVpcEndpoint", "ec2:DeleteVpcEndpoints",
        "ec2:ModifyVpcEndpoint", "ec2:CreateFlowLogs", "ec2:DeleteFlowLogs", "ec2:CreateTags", "ec2:DeleteTags",
      ] : anytrue([for p in one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageNetwork"]).Action : can(regex("^${replace(p, "*", ".*")}$", a))])
    ])
    error_message = "ManageNetwork must cover the VPC resources of the network module."
  }

  assert {
    condition = alltrue([
      for p in one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageNetwork"]).Action :
      startswith(p, "ec2:") && p != "ec2:*" && !anytrue([for a in ["ec2:RunInstances", "ec2:ModifyInstanceAttribute", "ec2:ModifySnapshotAttribute", "ec2:CreateVolume"] : can(regex("^${replace(p, "*", ".*")}$", a))])
    ])
    error_message = "ManageNetwork must stay within ec2 VPC plumbing (no instances, volumes or snapshot sharing)."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageKeys"]).Resource == [
      "arn:aws:kms:eu-west-1:111111111111:key/*", "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-*",
    ]
    error_message = "Key management on this region's keys, aliases only <name_prefix>-*."
  }

  assert {
    condition = alltrue([
      for p in one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageKeys"]).Action :
      !anytrue([for a in ["kms:Decrypt", "kms:Encrypt", "kms:ReEncryptFrom", "kms:GenerateDataKey", "kms:CreateGrant"] : can(regex("^${replace(p, "*", ".*")}$", a))])
    ])
    error_message = "ManageKeys must not allow data-plane use or grants."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "GrantsForAwsResources"]).Condition == {
      Bool = { "kms:GrantIsForAWSResource" = "true" }
    }
    error_message = "kms:CreateGrant only for AWS resources."
  }

  assert {
    condition = (
      one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageLogGroups"]).Resource == "arn:aws:logs:eu-west-1:111111111111:log-group:/mlops-dev/*" &&
      one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageParameters"]).Resource == "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev/*" &&
      one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageRules"]).Resource == ["arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-*", "arn:aws:events:eu-west-1:111111111111:event-bus/mlops-dev-*"] &&
      one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageCatalog"]).Resource == [
        "arn:aws:catalog:eu-west-1:111111111111:portfolio/*", "arn:aws:catalog:eu-west-1:111111111111:product/*",
      ]
    )
    error_message = "Log groups /<name_prefix>/*, parameters <ssm_parameter_prefix>/*, rules and event buses <name_prefix>-*, portfolios and products of this account and region."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(output.permission_policies["apply"]).Statement : [
        for p in flatten([s.Action]) : !anytrue([for a in ["servicecatalog:CreatePortfolioShare", "servicecatalog:ProvisionProduct"] : can(regex("^${replace(p, "*", ".*")}$", a))])
      ] if s.Effect == "Allow"
    ]))
    error_message = "No portfolio sharing and no provisioning."
  }

  assert {
    condition = [for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Effect == "Deny"] == [
      {
        Sid       = "DenyStateBucketChanges"
        Effect    = "Deny"
        NotAction = ["s3:DeleteObject", "s3:Get*", "s3:List*", "s3:PutObject"]
        Resource  = ["arn:aws:s3:::mlops-dev-tfstate-111111111111", "arn:aws:s3:::mlops-dev-tfstate-111111111111/*"]
      },
      {
        Sid       = "DenyStateKeyChanges"
        Effect    = "Deny"
        NotAction = ["kms:Decrypt", "kms:Describe*", "kms:Encrypt", "kms:GenerateDataKey*", "kms:Get*", "kms:List*"]
        Resource  = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
      },
      {
        Sid       = "DenyKeyLockoutBypass"
        Effect    = "Deny"
        Action    = ["kms:CreateKey", "kms:PutKeyPolicy"]
        Resource  = "*"
        Condition = { Bool = { "kms:BypassPolicyLockoutSafetyCheck" = "true" } }
      },
      {
        Sid       = "DenyGuardrailsDetach"
        Effect    = "Deny"
        Action    = "iam:DetachRolePolicy"
        Resource  = "*"
        Condition = { ArnEquals = { "iam:PolicyARN" = ["arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary"] } }
      },
      {
        Sid      = "DenyPresignedUrls"
        Effect   = "Deny"
        Action   = "sagemaker:CreatePresigned*"
        Resource = "*"
      },
    ]
    error_message = "The apply guardrails must protect the state bucket and key, forbid the key-policy lockout bypass, detaching the guardrails (protected_policy_arns; none given here) and presigned SageMaker URLs."
  }

  # --- ci_boundary
  assert {
    condition     = length(aws_iam_policy.ci_boundary.policy) <= 6144
    error_message = "The CI boundary must fit IAM's 6,144-character limit for managed policies."
  }

  assert {
    condition = [for s in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : s if s.Effect == "Deny"] == [
      {
        Sid       = "DenyCiAndBoundaryChanges"
        Effect    = "Deny"
        NotAction = ["iam:Get*", "iam:List*"]
        Resource = [
          "arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary",
          "arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary",
          "arn:aws:iam::111111111111:role/mlops-dev-github-plan",
          "arn:aws:iam::111111111111:role/mlops-dev-github-apply",
        ]
      },
      {
        Sid    = "DenyIdentityProvidersAndUsers"
        Effect = "Deny"
        Action = [
          "iam:*ClientID*", "iam:*LoginProfile", "iam:Create*Provider", "iam:CreateAccessKey", "iam:CreateServiceSpecificCredential",
          "iam:CreateUser", "iam:Delete*Provider", "iam:Update*Provider*",
        ]
        Resource = "*"
      },
    ]
    error_message = "The boundary must deny everything but reads on both boundaries and both CI roles, and identity providers, users and credentials."
  }

  # The boundary denies what the brief names, and does not deny the reads the roles need.
  assert {
    condition = alltrue([
      for a in [
        "iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:CreateOpenIDConnectProvider",
        "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider",
        "iam:CreateSAMLProvider",
      ] : anytrue([for p in one([for s in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : s if s.Sid == "DenyIdentityProvidersAndUsers"]).Action : can(regex("^${replace(p, "*", ".*")}$", a))])
    ])
    error_message = "DenyIdentityProvidersAndUsers must cover user, access key, login profile and identity provider creation and changes."
  }

  assert {
    condition = !anytrue([
      for a in ["iam:GetOpenIDConnectProvider", "iam:ListOpenIDConnectProviders", "iam:GetRole", "iam:ListRoles", "iam:CreateRole", "iam:PassRole"] :
      anytrue([for p in one([for s in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : s if s.Sid == "DenyIdentityProvidersAndUsers"]).Action : can(regex("^${replace(p, "*", ".*")}$", a))])
    ])
    error_message = "DenyIdentityProvidersAndUsers must not hit reads or the role management the apply role needs."
  }

  # For the boundary, "DenyCiAndBoundaryChanges" denies (among others) the brief's actions on
  # the boundaries and the CI roles: NotAction covers reads only.
  assert {
    condition = alltrue([
      for a in [
        "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion",
        "iam:DeleteRolePermissionsBoundary", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PassRole",
      ] : !anytrue([for p in one([for s in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : s if s.Sid == "DenyCiAndBoundaryChanges"]).NotAction : can(regex("^${replace(p, "*", ".*")}$", a))])
    ])
    error_message = "DenyCiAndBoundaryChanges must deny policy-version, deletion, boundary, trust and PassRole actions."
  }

  # Every Allow of both roles is covered by a boundary Allow with the same or no condition.
  assert {
    condition = alltrue(flatten([
      for s in concat(jsondecode(output.permission_policies["plan"]).Statement, jsondecode(output.permission_policies["apply"]).Statement) : [
        for a in flatten([s.Action]) : [
          for r in flatten([s.Resource]) : anytrue([
            for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement :
            b.Effect == "Allow"
            && (try(b.Condition, null) == null || try(b.Condition, null) == try(s.Condition, null))
            && anytrue([for p in flatten([try(b.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", a))])
            && anytrue([for q in flatten([b.Resource]) : can(regex("^${replace(replace(replace(q, ".", "\\."), "*", ".*"), "?", ".")}$", r))])
          ])
        ]
      ] if s.Effect == "Allow"
    ]))
    error_message = "The CI boundary must allow every action the plan and apply policies allow (on the same resources and conditions)."
  }

  # ...and uses no (resource, condition) scope the apply policy does not use.
  assert {
    condition = alltrue(flatten([
      for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : [
        for rb in flatten([b.Resource]) : anytrue([
          for s in jsondecode(output.permission_policies["apply"]).Statement :
          s.Effect == "Allow" && contains(flatten([s.Resource]), rb) && try(s.Condition, null) == try(b.Condition, null)
        ])
      ] if b.Effect == "Allow"
    ]))
    error_message = "Every boundary Allow must use a resource scope and condition of the apply policy (the boundary is no wider than the apply role's scopes)."
  }

  assert {
    condition = alltrue(flatten([
      for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : [
        for p in flatten([b.Action]) : p != "*" && p != "iam:*" && (b.Resource != "*" || try(b.Condition, null) != null || b.Sid == "ReadGlobal")
      ] if b.Effect == "Allow"
    ]))
    error_message = "The boundary must not allow \"*\" or iam:*, and nothing on \"*\" without a condition except ReadGlobal."
  }
}

run "outputs_after_apply" {
  command = apply

  override_resource {
    target = aws_iam_role.ci["plan"]
    values = { arn = "arn:aws:iam::111111111111:role/mlops-dev-github-plan" }
  }
  override_resource {
    target = aws_iam_role.ci["apply"]
    values = { arn = "arn:aws:iam::111111111111:role/mlops-dev-github-apply" }
  }

  assert {
    condition     = aws_iam_role.ci["plan"].permissions_boundary == aws_iam_policy.ci_boundary.arn && aws_iam_role.ci["apply"].permissions_boundary == aws_iam_policy.ci_boundary.arn
    error_message = "Both roles must carry the CI boundary."
  }

  assert {
    condition = (
      output.oidc_provider_arn == "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" &&
      output.plan_role_arn == "arn:aws:iam::111111111111:role/mlops-dev-github-plan" &&
      output.apply_role_arn == "arn:aws:iam::111111111111:role/mlops-dev-github-apply" &&
      output.plan_role_name == "mlops-dev-github-plan" &&
      output.apply_role_name == "mlops-dev-github-apply" &&
      output.ci_boundary_policy_arn == "arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary"
    )
    error_message = "Outputs must expose the provider, role and boundary ARNs and the role names."
  }
}

run "existing_oidc_provider" {
  command = plan

  variables {
    create_oidc_provider       = false
    existing_oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    github_environment         = "prod"
    apply_branch               = "release/prod"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "No provider is created when create_oidc_provider is false."
  }

  assert {
    condition     = output.oidc_provider_arn == "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
    error_message = "oidc_provider_arn must be the existing provider."
  }

  assert {
    condition = alltrue([
      for doc in values(output.trust_policies) : jsondecode(doc).Statement[0].Principal == { Federated = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
    ])
    error_message = "Both roles must trust the existing provider."
  }

  assert {
    condition     = jsondecode(aws_iam_role.ci["apply"].assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/mlops-platform:environment:prod:ref:refs/heads/release/prod"
    error_message = "The apply subject must follow github_environment and apply_branch."
  }
}

run "protected_arns" {
  command = plan

  variables {
    protected_role_arns   = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
    protected_policy_arns = ["arn:aws:iam::111111111111:policy/mlops-dev-deploy-extra"]
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : s if s.Sid == "DenyCiAndBoundaryChanges"]).Resource == [
      "arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary",
      "arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary",
      "arn:aws:iam::111111111111:role/mlops-dev-github-plan",
      "arn:aws:iam::111111111111:role/mlops-dev-github-apply",
      "arn:aws:iam::111111111111:policy/mlops-dev-deploy-extra",
      "arn:aws:iam::111111111111:role/mlops-dev-deploy",
    ]
    error_message = "Protected roles and policies must be added to DenyCiAndBoundaryChanges."
  }

  assert {
    condition     = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "DenyGuardrailsDetach"]).Condition == { ArnEquals = { "iam:PolicyARN" = ["arn:aws:iam::111111111111:policy/mlops-dev-deploy-extra"] } }
    error_message = "The apply role may detach none of protected_policy_arns (the guardrails) from any role."
  }
}

# A state backend whose names do not start with name_prefix, with its key in another region:
# the boundary must still cover the state statements, and the key is used through that region.
run "unprefixed_state_backend" {
  command = plan

  variables {
    state_bucket_arn = "arn:aws:s3:::acme-terraform-state-111111111111"
    state_key_arn    = "arn:aws:kms:eu-central-1:111111111111:key/99999999-8888-7777-6666-555555555555"
    lock_table_arn   = "arn:aws:dynamodb:eu-central-1:111111111111:table/acme-terraform-locks"
  }

  assert {
    condition = alltrue(flatten([
      for s in concat(jsondecode(output.permission_policies["plan"]).Statement, jsondecode(output.permission_policies["apply"]).Statement) : [
        for a in flatten([s.Action]) : [
          for r in flatten([s.Resource]) : anytrue([
            for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement :
            b.Effect == "Allow"
            && (try(b.Condition, null) == null || try(b.Condition, null) == try(s.Condition, null))
            && anytrue([for p in flatten([try(b.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", a))])
            && anytrue([for q in flatten([b.Resource]) : can(regex("^${replace(replace(replace(q, ".", "\\."), "*", ".*"), "?", ".")}$", r))])
          ])
        ]
      ] if s.Effect == "Allow"
    ]))
    error_message = "The CI boundary must cover the state backend even when its names do not start with name_prefix."
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["plan"]).Statement : s if s.Sid == "StateKey"]).Condition == {
      StringEquals = { "kms:ViaService" = ["s3.eu-central-1.amazonaws.com", "dynamodb.eu-central-1.amazonaws.com"] }
    }
    error_message = "The state key must be used through S3 and DynamoDB of the key's own region."
  }

  assert {
    condition = (
      one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "StateLockfile"]).Resource == "arn:aws:s3:::acme-terraform-state-111111111111/*.tflock" &&
      one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "StateLockTable"]).Resource == "arn:aws:dynamodb:eu-central-1:111111111111:table/acme-terraform-locks" &&
      one([for s in jsondecode(output.permission_policies["plan"]).Statement : s if s.Sid == "StateDigestRead"]).Resource == "arn:aws:dynamodb:eu-central-1:111111111111:table/acme-terraform-locks"
    )
    error_message = "The state statements must follow the state backend inputs."
  }
}

run "longest_names_fit_iam_limits" {
  command = plan

  variables {
    name_prefix                  = "abcdefghij-klmnopqrst"
    state_bucket_arn             = "arn:aws:s3:::abcdefghij-klmnopqrst-tfstate-111111111111"
    lock_table_arn               = "arn:aws:dynamodb:eu-west-1:111111111111:table/abcdefghij-klmnopqrst-tflock"
    workload_boundary_policy_arn = "arn:aws:iam::111111111111:policy/abcdefghij-klmnopqrst-workload-boundary"
    ssm_parameter_prefix         = "/abcdefghij/klmnopqrst"
    protected_role_arns          = ["arn:aws:iam::111111111111:role/abcdefghij-klmnopqrst-deploy"]
  }

  assert {
    condition     = length(aws_iam_policy.ci_boundary.policy) <= 6144
    error_message = "The boundary must fit 6,144 characters with a 21-character name_prefix (<prefix>-<environment> of 10 characters each)."
  }

  assert {
    condition     = length(aws_iam_role_policy.ci["apply_read_state"].policy) + length(aws_iam_role_policy.ci["apply_manage"].policy) <= 10240
    error_message = "The apply inline policies must fit 10,240 characters with a 21-character name_prefix (<prefix>-<environment> of 10 characters each)."
  }
}

# The trust policies use the provider ARN derived from its URL; the postcondition catches a
# provider whose real ARN differs (fresh state, so the provider is created in this run).
run "provider_arn_mismatch_is_caught" {
  command   = apply
  state_key = "provider_arn_mismatch"

  override_resource {
    target = aws_iam_openid_connect_provider.github
    values = { arn = "arn:aws:iam::111111111111:oidc-provider/example.com" }
  }

  expect_failures = [aws_iam_openid_connect_provider.github]
}

run "additional_boundaries_are_allowed_and_protected" {
  command = plan

  variables {
    additional_boundary_policy_arns = ["arn:aws:iam::111111111111:policy/mlops-dev-vpc-flow-logs-boundary"]
  }

  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ManageBoundedRoles"]).Condition.StringEquals["iam:PermissionsBoundary"] == [
      "arn:aws:iam::111111111111:policy/mlops-dev-workload-boundary",
      "arn:aws:iam::111111111111:policy/mlops-dev-vpc-flow-logs-boundary",
    ]
    error_message = "Roles may be created with the workload boundary or one of the additional boundaries (values of one condition key are ORed)."
  }

  assert {
    condition     = contains(one([for s in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : s if s.Sid == "DenyCiAndBoundaryChanges"]).Resource, "arn:aws:iam::111111111111:policy/mlops-dev-vpc-flow-logs-boundary")
    error_message = "The CI roles can never change an additional boundary."
  }
}

# One plan (same variables) for: service_linked_roles_only_sagemaker_and_api_destinations,
#   projects_stack_resources.
run "service_linked_roles_only_sagemaker_and_api_destinations" {
  command = plan

  # --- service_linked_roles_only_sagemaker_and_api_destinations
  assert {
    condition = one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ServiceLinkedRoles"]) == {
      Sid       = "ServiceLinkedRoles"
      Effect    = "Allow"
      Action    = "iam:CreateServiceLinkedRole"
      Resource  = "arn:aws:iam::111111111111:role/aws-service-role/*"
      Condition = { StringEquals = { "iam:AWSServiceName" = ["sagemaker.amazonaws.com", "apidestinations.events.amazonaws.com"] } }
    }
    error_message = "The apply role may create the service-linked roles of SageMaker and of EventBridge API destinations, and no other (iam:AWSServiceName)."
  }

  assert {
    condition = [
      for s in jsondecode(output.permission_policies["apply"]).Statement : s.Sid
      if s.Effect == "Allow" && anytrue([for p in flatten([try(s.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", "iam:CreateServiceLinkedRole"))])
    ] == ["ServiceLinkedRoles"]
    error_message = "No other statement may allow iam:CreateServiceLinkedRole (it would bypass the service-name condition)."
  }

  assert {
    condition     = contains(jsondecode(aws_iam_policy.ci_boundary.policy).Statement, one([for s in jsondecode(output.permission_policies["apply"]).Statement : s if s.Sid == "ServiceLinkedRoles"]))
    error_message = "The CI boundary allows the same service-linked roles, with the same condition."
  }

  assert {
    condition     = length(aws_iam_policy.ci_boundary.policy) <= 6144
    error_message = "The CI boundary must stay under IAM's 6,144-character limit for managed policies."
  }

  # --- projects_stack_resources
  # What the projects stack (modules/mlops-project) creates: the apply role may manage it and the
  # plan role may refresh it, each only on <name_prefix>-* resources of this account and region.
  assert {
    condition = [for s in jsondecode(output.permission_policies["apply"]).Statement : s if contains(["ManageQueues", "ReadQueues", "ReadPackageGroupPolicies"], s.Sid)] == [
      {
        Sid      = "ReadQueues"
        Effect   = "Allow"
        Action   = ["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ListQueueTags"]
        Resource = "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-*"
      },
      {
        Sid      = "ReadPackageGroupPolicies"
        Effect   = "Allow"
        Action   = "sagemaker:GetModelPackageGroupPolicy"
        Resource = "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-*"
      },
      {
        Sid      = "ManageQueues"
        Effect   = "Allow"
        Action   = ["sqs:CreateQueue", "sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:TagQueue", "sqs:UntagQueue"]
        Resource = "arn:aws:s?s:eu-west-1:111111111111:mlops-dev-*"
      },
    ]
    error_message = "Queues <name_prefix>-* (apply, in the boundary's scope of queues and topics), queue attributes and model package group policies <name_prefix>-* (both roles)."
  }

  # Every call Terraform makes for a project, on the project's resource names, is allowed by
  # some Allow statement of the apply role (actions and ARNs matched with IAM's wildcards).
  assert {
    condition = alltrue([
      for pair in [
        ["sqs:CreateQueue", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["sqs:SetQueueAttributes", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["sqs:TagQueue", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["sqs:GetQueueAttributes", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["sqs:DeleteQueue", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["events:PutRule", "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-abalone-model-approval"],
        ["events:PutTargets", "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-abalone-model-approval"],
        ["sagemaker:CreateModelPackageGroup", "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone"],
        ["sagemaker:PutModelPackageGroupPolicy", "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone"],
        ["sagemaker:GetModelPackageGroupPolicy", "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone"],
        ["s3:CreateBucket", "arn:aws:s3:::mlops-dev-abalone-artifacts-111111111111"],
        ["kms:CreateAlias", "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-abalone-approval-events"],
        ["ssm:PutParameter", "arn:aws:ssm:eu-west-1:111111111111:parameter/mlops/dev/projects/abalone/ci-role-arn"],
        ["iam:CreateServiceLinkedRole", "arn:aws:iam::111111111111:role/aws-service-role/apidestinations.events.amazonaws.com/AWSServiceRoleForAmazonEventBridgeApiDestinations"],
        ] : anytrue([
          for s in jsondecode(output.permission_policies["apply"]).Statement :
          s.Effect == "Allow"
          && anytrue([for p in flatten([try(s.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", pair[0]))])
          && anytrue([for q in flatten([try(s.Resource, [])]) : can(regex("^${replace(replace(replace(q, ".", "\\."), "*", ".*"), "?", ".")}$", pair[1]))])
      ])
    ])
    error_message = "The apply role must be able to create, change and delete what the projects stack manages."
  }

  # The plan role refreshes them (Describe/List of EventBridge and SageMaker are in ReadRegional).
  assert {
    condition = alltrue([
      for pair in [
        ["sqs:GetQueueAttributes", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["sqs:ListQueueTags", "arn:aws:sqs:eu-west-1:111111111111:mlops-dev-abalone-approval-dlq"],
        ["sagemaker:GetModelPackageGroupPolicy", "arn:aws:sagemaker:eu-west-1:111111111111:model-package-group/mlops-dev-abalone"],
        ] : anytrue([
          for s in jsondecode(output.permission_policies["plan"]).Statement :
          s.Effect == "Allow"
          && anytrue([for p in flatten([try(s.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", pair[0]))])
          && anytrue([for q in flatten([try(s.Resource, [])]) : can(regex("^${replace(replace(replace(q, ".", "\\."), "*", ".*"), "?", ".")}$", pair[1]))])
      ])
    ])
    error_message = "The plan role must be able to refresh the projects stack's queues and model package group policies."
  }

  # Where a project's approval events go with the GitHub token is the deploy role's: neither the
  # apply policy nor the CI boundary allows a write on a connection or an API destination.
  assert {
    condition = !anytrue(flatten([
      for s in concat(jsondecode(output.permission_policies["apply"]).Statement, jsondecode(aws_iam_policy.ci_boundary.policy).Statement) : [
        for pair in [
          ["events:UpdateApiDestination", "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-abalone-repository-dispatch"],
          ["events:CreateApiDestination", "arn:aws:events:eu-west-1:111111111111:api-destination/mlops-dev-abalone-repository-dispatch"],
          ["events:UpdateConnection", "arn:aws:events:eu-west-1:111111111111:connection/mlops-dev-abalone-github"],
          ["events:CreateConnection", "arn:aws:events:eu-west-1:111111111111:connection/mlops-dev-abalone-github"],
        ] : s.Effect == "Allow"
        && anytrue([for p in flatten([try(s.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", pair[0]))])
        && anytrue([for q in flatten([try(s.Resource, [])]) : can(regex("^${replace(replace(replace(q, ".", "\\."), "*", ".*"), "?", ".")}$", pair[1]))])
      ]
    ]))
    error_message = "No CI role may create or change an EventBridge connection or API destination."
  }

  assert {
    condition = !anytrue(flatten([
      for s in jsondecode(output.permission_policies["plan"]).Statement : [
        for p in flatten([s.Action]) : [
          for a in ["sqs:CreateQueue", "sqs:SetQueueAttributes", "sqs:ReceiveMessage", "events:CreateConnection", "events:UpdateConnection", "sagemaker:PutModelPackageGroupPolicy"] :
          can(regex("^${replace(p, "*", ".*")}$", a))
        ]
      ] if s.Effect == "Allow"
    ]))
    error_message = "The plan role must not change queues, connections or registry policies, nor read queue messages."
  }
}

run "additional_boundary_must_be_a_policy_arn" {
  command = plan

  variables {
    additional_boundary_policy_arns = ["arn:aws:iam::aws:policy/AdministratorAccess"]
    plan_readable_object_arns       = ["arn:aws:s3:::mlops-dev-sc-templates-111111111111"] # a bucket, not its objects
  }

  expect_failures = [var.additional_boundary_policy_arns, var.plan_readable_object_arns]
}


run "apply_role_manages_topics_only" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_policy.ci_topics.policy).Statement == [{ Sid = "ManageTopics", Effect = "Allow", Action = ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource"], Resource = ["arn:aws:sns:eu-west-1:111111111111:mlops-dev-*"] }] && aws_iam_role_policy_attachment.ci_topics.role == "mlops-dev-github-apply" && !startswith(aws_iam_policy.ci_topics.name, "mlops-dev-")
    error_message = "The apply role (only) manages the topics <name_prefix>-* and their subscriptions, never sns:Publish, with a policy no CI role may change."
  }

  # The boundary allows every action of the topics policy on its resources (IAM's wildcards).
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_policy.ci_topics.policy).Statement : [
        for a in s.Action : [
          for r in s.Resource : anytrue([
            for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement :
            b.Effect == "Allow" && try(b.Condition, null) == null
            && anytrue([for p in flatten([try(b.Action, [])]) : can(regex("^${replace(p, "*", ".*")}$", a))])
            && anytrue([for q in flatten([b.Resource]) : can(regex("^${replace(replace(replace(q, ".", "\\."), "*", ".*"), "?", ".")}$", r))])
          ])
        ]
      ]
    ]))
    error_message = "The CI boundary must allow the topics policy's actions on its topics."
  }
}

# --- organizations.tf: the plan role may assume the organization's read role (organizations_read_role_arn)
# through a managed policy of its own, created only when that role is configured: exactly that ARN,
# on the plan role only; the CI boundary allows sts:AssumeRole on that ARN and nothing else. With
# dev's inputs and a 70-character read role ARN the boundary is 6,060 characters (IAM: 6,144).

run "without_a_read_role_nothing_may_be_assumed" {
  command = plan

  assert {
    condition     = length(aws_iam_policy.ci_organizations_read) == 0 && length(aws_iam_role_policy_attachment.ci_organizations_read) == 0
    error_message = "Without organizations_read_role_arn there is no organizations read policy and no attachment."
  }

  assert {
    condition = !anytrue(flatten([
      for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : [
        for a in flatten([try(b.Action, [])]) : can(regex("^sts:", a)) && a != "sts:GetCallerIdentity"
      ] if b.Effect == "Allow"
    ]))
    error_message = "Without organizations_read_role_arn the CI boundary allows no sts action but ReadGlobal's sts:GetCallerIdentity."
  }
}

run "the_plan_role_assumes_exactly_the_read_role" {
  command = plan

  variables {
    organizations_read_role_arn = "arn:aws:iam::999999999999:role/organizations/mlops-organizations-read"
    # As bootstrap composes dev's account (bootstrap/main.tf), so that the boundary's size is dev's.
    additional_boundary_policy_arns = ["arn:aws:iam::111111111111:policy/mlops-dev-vpc-flow-logs-boundary", "arn:aws:iam::111111111111:policy/mlops-dev-hosting-boundary"]
    protected_role_arns             = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
    protected_policy_arns           = ["arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails", "arn:aws:iam::111111111111:policy/mlops-dev-instance-types"]
  }

  assert {
    condition     = aws_iam_policy.ci_organizations_read[0].name == "ci-organizations-read-mlops-dev" && !startswith(aws_iam_policy.ci_organizations_read[0].name, "mlops-dev-")
    error_message = "The policy's name is outside the CI roles' policy name scope (<name_prefix>-*), so no CI role may change it."
  }

  assert {
    condition = jsondecode(aws_iam_policy.ci_organizations_read[0].policy).Statement == [{
      Sid      = "AssumeOrganizationsReadRole"
      Effect   = "Allow"
      Action   = "sts:AssumeRole"
      Resource = "arn:aws:iam::999999999999:role/organizations/mlops-organizations-read"
    }]
    error_message = "The policy allows sts:AssumeRole on exactly the configured read role, nothing else."
  }

  assert {
    condition     = [for a in aws_iam_role_policy_attachment.ci_organizations_read : a.role] == ["mlops-dev-github-plan"]
    error_message = "Only the plan role (the waves job's role) carries the policy."
  }

  # The boundary allows exactly that: sts:AssumeRole in one Allow, whose only role ARN is the read role.
  assert {
    condition = flatten([
      for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : [
        for a in flatten([try(b.Action, [])]) : a if can(regex("^sts:", a)) && a != "sts:GetCallerIdentity"
      ] if b.Effect == "Allow"
    ]) == ["sts:AssumeRole"]
    error_message = "The CI boundary names sts:AssumeRole in one Allow and no other sts action (but ReadGlobal's sts:GetCallerIdentity)."
  }

  assert {
    condition = [
      for r in flatten([one([for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : b if b.Effect == "Allow" && contains(flatten([try(b.Action, [])]), "sts:AssumeRole")]).Resource]) : r
      if can(regex("^arn:aws:iam::", r))
    ] == ["arn:aws:iam::999999999999:role/organizations/mlops-organizations-read"]
    error_message = "The only role ARN of the boundary statement that allows sts:AssumeRole is the read role (no other role, no wildcard)."
  }

  assert {
    condition     = one([for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : b if b.Effect == "Allow" && contains(flatten([try(b.Action, [])]), "sts:AssumeRole")]).Sid == "NamedResources" && try(one([for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement : b if contains(flatten([try(b.Action, [])]), "sts:AssumeRole")]).Condition, null) == null
    error_message = "sts:AssumeRole is in NamedResources (no statement of its own: the boundary is at IAM's size limit), without a condition, as the policy."
  }

  assert {
    condition     = length(aws_iam_policy.ci_boundary.policy) <= 6144
    error_message = "The CI boundary with the read role is ${length(aws_iam_policy.ci_boundary.policy)} characters; IAM allows 6,144."
  }
}

run "a_read_role_with_a_wildcard_is_refused" {
  command = plan

  variables {
    organizations_read_role_arn = "arn:aws:iam::999999999999:role/*"
  }

  expect_failures = [var.organizations_read_role_arn]
}
