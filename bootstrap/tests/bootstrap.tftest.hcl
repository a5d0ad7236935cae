# The state backend of an account: key, state bucket (+ access-log bucket) and lock table.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111", arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_dynamodb_table" {
    defaults = { arn = "arn:aws:dynamodb:eu-west-1:111111111111:table/mlops-dev-tflock" }
  }
  mock_resource "aws_iam_openid_connect_provider" {
    defaults = { arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::111111111111:policy/mlops-dev-ci-boundary" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/mlops-dev-github-plan" }
  }
}

variables {
  prefix            = "mlops"
  environment       = "dev"
  deploy_role_arn   = "arn:aws:iam::111111111111:role/mlops-dev-deploy"
  github_repository = "example-org/mlops-platform"
}

run "lock_table_and_names" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.lock.name == "mlops-dev-tflock" && aws_dynamodb_table.lock.hash_key == "LockID"
    error_message = "The lock table is <prefix>-<env>-tflock keyed by LockID."
  }

  assert {
    condition     = aws_dynamodb_table.lock.billing_mode == "PAY_PER_REQUEST"
    error_message = "The lock table is on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.lock.point_in_time_recovery[0].enabled && aws_dynamodb_table.lock.server_side_encryption[0].enabled
    error_message = "The lock table has point-in-time recovery and KMS encryption."
  }

  assert {
    condition     = aws_dynamodb_table.lock.deletion_protection_enabled
    error_message = "The lock table is protected from deletion."
  }

  assert {
    condition     = output.state_bucket == "mlops-dev-tfstate-111111111111" && output.state_log_bucket == "mlops-dev-tfstate-logs-111111111111"
    error_message = "State buckets follow <prefix>-<env>-tfstate[-logs]-<account>."
  }
}

run "state_bucket_is_tls_only_and_kms_encrypted" {
  command = apply

  assert {
    condition = one([for s in jsondecode(module.state_bucket.policy_json).Statement : s if s.Sid == "DenyInsecureTransport"]).Condition == {
      Bool = { "aws:SecureTransport" = "false" }
    }
    error_message = "The state bucket denies every request without TLS."
  }

  assert {
    condition     = length([for s in jsondecode(module.state_bucket.policy_json).Statement : s if s.Sid == "DenyNonKmsEncryption"]) == 1
    error_message = "The state bucket refuses uploads that ask for another encryption than KMS."
  }

  assert {
    condition     = module.state_bucket.logging_target == { target_bucket = "mlops-dev-tfstate-logs-111111111111", target_prefix = "s3/mlops-dev-tfstate-111111111111/" }
    error_message = "State bucket access is logged to the log bucket."
  }

  assert {
    condition = one([for s in jsondecode(module.kms.key_policies["tfstate"]).Statement : s if s.Sid == "KeyUse"]).Condition.ArnLike["aws:PrincipalArn"] == [
      "arn:aws:iam::111111111111:role/mlops-dev-deploy",
      "arn:aws:iam::111111111111:role/mlops-dev-github-plan",
      "arn:aws:iam::111111111111:role/mlops-dev-github-apply",
    ]
    error_message = "Only the deploy role and the two CI roles may use the state key."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # short_state_history_is_refused
    state_noncurrent_version_days = 7

    # bad_deletion_window
    key_deletion_window_days = 3

    # bad_environment
    environment = "Dev"

    # bad_administrator
    key_administrator_arns = ["root"]

    # bad_repository
    github_repository = "example-org/*"

    # rejects_wildcard_plan_branch
    github_plan_branch = "release/*"

    # the account's public access block is set here or by the organization, nothing else
    s3_public_access_block_managed_by = "nobody"
  }

  expect_failures = [
    var.state_noncurrent_version_days,
    var.key_deletion_window_days,
    var.environment,
    var.key_administrator_arns,
    var.github_repository,
    var.github_plan_branch,
    var.s3_public_access_block_managed_by,
  ]
}

run "the_account_blocks_public_access_to_every_bucket" {
  command = plan

  assert {
    condition     = module.s3_public_access.managed_here && alltrue(values(module.s3_public_access.settings))
    error_message = "Bootstrap must turn on all four account-level S3 Block Public Access settings."
  }
}

run "an_organization_managed_account_is_left_to_the_organization" {
  command = plan

  variables {
    s3_public_access_block_managed_by = "organization"
  }

  assert {
    condition     = !module.s3_public_access.managed_here
    error_message = "With the organization managing Block Public Access, bootstrap must not manage it."
  }
}

# One plan (same variables) for: ci_roles_are_pinned_to_the_repository,
#   ci_may_create_roles_with_the_workload_or_flow_log_boundary.
run "ci_roles_are_pinned_to_the_repository" {
  command = plan

  # --- ci_roles_are_pinned_to_the_repository
  assert {
    condition     = jsondecode(module.github.trust_policies["apply"]).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/mlops-platform:environment:dev:ref:refs/heads/main"
    error_message = "The apply role trusts only the repository's jobs in the GitHub environment of this env on the protected branch (github_plan_branch)."
  }

  # --- ci_may_create_roles_with_the_workload_or_flow_log_boundary
  assert {
    condition = one([for s in jsondecode(module.github.permission_policies["apply"]).Statement : s if s.Sid == "ManageBoundedRoles"]).Condition.StringEquals["iam:PermissionsBoundary"] == [
      "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary",
      "arn:aws:iam::111111111111:policy/mlops-dev-vpc-flow-logs-boundary",
      "arn:aws:iam::111111111111:policy/mlops-dev-hosting-boundary",
    ]
    error_message = "The CI apply role creates roles with the workload boundary (identity), the flow-log role's own boundary (network) or the hosting boundary (target accounts), nothing else."
  }
}


run "a_target_account_gets_the_endpoint_autoscaling_role" {
  command = plan

  variables {
    endpoint_autoscaling = true
  }

  assert {
    condition     = one(aws_iam_service_linked_role.endpoint_autoscaling[*].aws_service_name) == "sagemaker.application-autoscaling.amazonaws.com"
    error_message = "A target account's administrator creates Application Auto Scaling's SageMaker endpoint role."
  }
}

run "other_accounts_do_not" {
  command = plan

  assert {
    condition     = length(aws_iam_service_linked_role.endpoint_autoscaling) == 0
    error_message = "Without endpoints to scale, no service-linked role."
  }
}

# dev with a stage given as an OU (orchestrator/stacks.py passes env.yaml's organizations.read_role_arn):
# its plan role, the deploy workflow's waves role, may assume exactly that role; the plan passes
# the CI boundary's size precondition (IAM's 6,144 characters) with it.
run "the_dev_plan_role_may_assume_the_organizations_read_role" {
  command = plan

  variables {
    organizations_read_role_arn = "arn:aws:iam::999999999999:role/mlops-organizations-read"
  }

  assert {
    condition     = jsondecode(module.github.organizations_read_policy).Statement[0].Resource == "arn:aws:iam::999999999999:role/mlops-organizations-read" && jsondecode(module.github.organizations_read_policy).Statement[0].Action == "sts:AssumeRole"
    error_message = "The plan role may assume exactly the configured read role."
  }
}

run "without_an_ou_no_read_role_is_assumed" {
  command = plan

  assert {
    condition     = module.github.organizations_read_policy == null
    error_message = "Without organizations.read_role_arn the CI roles get no sts:AssumeRole."
  }
}
