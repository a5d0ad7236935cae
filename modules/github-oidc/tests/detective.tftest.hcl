# The CI roles read the detective controls (stack detective) through a managed policy of their
# own: reads only, outside the apply role's policy name scope, attached to both roles and covered by
# the CI boundary.

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

run "detective_read_policy" {
  command = plan

  assert {
    condition     = aws_iam_policy.ci_detective_read.name == "ci-detective-read-mlops-dev" && !startswith(aws_iam_policy.ci_detective_read.name, "mlops-dev-")
    error_message = "The detective read policy must be named outside <name_prefix>-* (ManagePolicies' scope), so no CI role may change it."
  }

  assert {
    condition     = toset([for a in aws_iam_role_policy_attachment.ci_detective_read : a.role]) == toset(["mlops-dev-github-plan", "mlops-dev-github-apply"])
    error_message = "Both CI roles must carry the detective read policy."
  }

  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_policy.ci_detective_read.policy).Statement : [
        for a in s.Action : can(regex("^[a-z]+:(Describe|Get|List)[A-Za-z*]*$", a)) && !can(regex("Finding|Event|Compliance", a))
      ] if s.Effect == "Allow"
    ]))
    error_message = "The detective read policy may only describe, get and list, never findings, events or compliance results."
  }

  # Every action of it is covered by a boundary Allow on the same resources and condition.
  assert {
    condition = alltrue(flatten([
      for s in jsondecode(aws_iam_policy.ci_detective_read.policy).Statement : [
        for a in s.Action : [
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
    error_message = "The CI boundary must allow every action of the detective read policy (on the same resources and condition)."
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_policy.ci_detective_read.policy).Statement : s if s.Effect == "Deny"]) == {
      Sid       = "DenyDetectiveControlsChanges"
      Effect    = "Deny"
      NotAction = ["events:Describe*", "events:List*", "s3:Get*", "s3:List*", "sns:Get*", "sns:List*"]
      Resource = [
        "arn:aws:events:eu-west-1:111111111111:rule/mlops-dev-*-findings",
        "arn:aws:sns:eu-west-1:111111111111:mlops-dev-security-findings",
        "arn:aws:sns:eu-west-1:111111111111:mlops-dev-security-findings:*",
        "arn:aws:s3:::mlops-dev-audit-*",
      ]
    }
    error_message = "The CI roles may only read the findings rules, the findings topic and the audit buckets (the apply role's name scopes cover them)."
  }
}
