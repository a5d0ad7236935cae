# The CI roles read the batch schedules (modules/model-hosting batch.tf) through a managed policy of
# their own: reads only, of the environment's schedules and groups, attached to both roles and covered
# by the CI boundary.

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

run "scheduler_read_policy" {
  command = plan

  assert {
    condition     = aws_iam_policy.ci_scheduler_read.name == "ci-scheduler-read-mlops-dev" && toset([for a in aws_iam_role_policy_attachment.ci_scheduler_read : a.role]) == toset(["mlops-dev-github-plan", "mlops-dev-github-apply"])
    error_message = "One read policy, outside the CI roles' policy name scope, attached to both CI roles."
  }

  assert {
    condition = jsondecode(aws_iam_policy.ci_scheduler_read.policy).Statement == [{
      Sid      = "ReadBatchSchedules"
      Effect   = "Allow"
      Action   = ["scheduler:GetSchedule", "scheduler:GetScheduleGroup", "scheduler:ListTagsForResource"]
      Resource = ["arn:aws:scheduler:eu-west-1:111111111111:schedule/mlops-dev-*", "arn:aws:scheduler:eu-west-1:111111111111:schedule-group/mlops-dev-*"]
    }]
    error_message = "The CI roles may only read the environment's schedules and schedule groups."
  }

  assert {
    condition = anytrue([
      for b in jsondecode(aws_iam_policy.ci_boundary.policy).Statement :
      b.Effect == "Allow" && contains(flatten([try(b.Action, [])]), "scheduler:Get*") && contains(flatten([try(b.Action, [])]), "scheduler:ListT*")
    ])
    error_message = "The CI boundary allows the schedule reads."
  }
}
