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
  instance_types = {
    studio_apps = ["system", "ml.t3.medium"]
    processing  = ["ml.m5.large"]
    training    = ["ml.m5.large"]
    transform   = ["ml.m5.large"]
    endpoints   = ["ml.m5.large"]
  }
  identity = {
    persona_principals = {
      data_science_admin = []
      team_lead          = ["arn:aws:iam::999999999999:role/sso-ml-team-leads"]
      data_scientist     = ["arn:aws:iam::999999999999:role/sso-data-scientists"]
    }
    existing_role_arns = {}
  }
  target_accounts = { staging = ["222222222222"], prod = ["333333333333"] }
}

run "contract_lists_present_roles_only" {
  command = plan

  assert {
    condition = toset(keys(aws_ssm_parameter.contract)) == toset([
      "identity/sagemaker-execution-role-arn", "identity/pipeline-execution-role-arn", "identity/launch-role-arn",
      "identity/team-lead-role-arn", "identity/data-scientist-role-arn", "identity/deploy-events-role-arn",
      "identity/permission-boundary-arn", "identity/guardrails-policy-arn", "identity/instance-types-policy-arn",
      "accounts/staging", "accounts/prod",
    ])
    error_message = "Only roles that exist are published (a persona without principals is not created), plus the deploy-events role and the target accounts."
  }

  assert {
    condition     = aws_ssm_parameter.contract["identity/deploy-events-role-arn"].value == "arn:aws:iam::111111111111:role/mlops-dev-deploy-events" && aws_ssm_parameter.contract["identity/deploy-events-role-arn"].name == "/mlops/dev/identity/deploy-events-role-arn"
    error_message = "The deploy-events role is published at /<prefix>/<env>/identity/deploy-events-role-arn."
  }

  # The model-deploy template reads the deployment accounts from here (SSM-typed parameters),
  # so the user launching a project cannot choose them.
  assert {
    condition = (
      aws_ssm_parameter.contract["accounts/staging"].name == "/mlops/dev/accounts/staging" && aws_ssm_parameter.contract["accounts/staging"].value == "222222222222" &&
      aws_ssm_parameter.contract["accounts/prod"].name == "/mlops/dev/accounts/prod" && aws_ssm_parameter.contract["accounts/prod"].value == "333333333333" &&
      aws_ssm_parameter.contract["accounts/prod"].type == "String"
    )
    error_message = "The target accounts are published as String parameters /<prefix>/<env>/accounts/<stage>."
  }
}

run "no_target_accounts_no_account_parameters" {
  command = plan

  variables {
    target_accounts = {}
  }

  assert {
    condition     = length([for key in keys(aws_ssm_parameter.contract) : key if startswith(key, "accounts/")]) == 0
    error_message = "Without target accounts no accounts/<stage> parameter is published."
  }
}

run "a_stage_of_several_accounts_publishes_its_first" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = ["333333333333", "444444444444"] }
  }

  assert {
    condition     = aws_ssm_parameter.contract["accounts/prod"].value == "333333333333" && aws_ssm_parameter.contract["accounts/staging"].value == "222222222222"
    error_message = "A stage's contract parameter accounts/<stage> is its first account (the one a project template's registry grants)."
  }
}

run "bad_target_account" {
  command = plan

  variables {
    target_accounts = { prod = ["333"] }
  }

  expect_failures = [var.target_accounts]
}
