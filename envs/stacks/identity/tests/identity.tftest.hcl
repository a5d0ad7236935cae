# The identity stack wires the foundation's contract into the identity module.

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
}

override_data {
  target = data.aws_ssm_parameter.contract["network/private-subnet-ids"]
  values = { value = "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb" }
}
override_data {
  target = data.aws_ssm_parameter.contract["network/sagemaker-security-group-id"]
  values = { value = "sg-0cccccccccccccccc" }
}
override_data {
  target = data.aws_ssm_parameter.contract["kms/data-key-arn"]
  values = { value = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001" }
}
override_data {
  target = data.aws_ssm_parameter.contract["kms/ebs-key-arn"]
  values = { value = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002" }
}
override_data {
  target = data.aws_ssm_parameter.contract["kms/studio-key-arn"]
  values = { value = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000003" }
}
override_data {
  target = data.aws_ssm_parameter.contract["kms/logs-key-arn"]
  values = { value = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000004" }
}
override_data {
  target = data.aws_ssm_parameter.contract["storage/data-bucket"]
  values = { value = "mlops-dev-data-111111111111" }
}
override_data {
  target = data.aws_ssm_parameter.contract["storage/models-bucket"]
  values = { value = "mlops-dev-models-111111111111" }
}
override_data {
  target = data.aws_ssm_parameter.contract["storage/access-log-bucket"]
  values = { value = "mlops-dev-access-logs-111111111111" }
}

variables {
  prefix      = "mlops"
  environment = "dev"
  identity = {
    persona_principals = {
      data_science_admin = []
      team_lead          = ["arn:aws:iam::999999999999:role/sso-ml-team-leads"]
      data_scientist     = ["arn:aws:iam::999999999999:role/sso-data-scientists"]
    }
    existing_role_arns = {}
  }
  target_accounts = { staging = "222222222222", prod = "333333333333" }
}

run "contract_lists_present_roles_only" {
  command = plan

  assert {
    condition = toset(keys(aws_ssm_parameter.contract)) == toset([
      "identity/sagemaker-execution-role-arn", "identity/pipeline-execution-role-arn", "identity/launch-role-arn",
      "identity/team-lead-role-arn", "identity/data-scientist-role-arn",
      "identity/permission-boundary-arn", "identity/guardrails-policy-arn",
    ])
    error_message = "Only roles that exist are published; a persona without principals is not created."
  }
}

run "bad_target_account" {
  command = plan

  variables {
    target_accounts = { prod = "333" }
  }

  expect_failures = [var.target_accounts]
}
