# The projects stack: one mlops-project per configured project, wired to the dev contract.

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
  target = data.aws_ssm_parameter.contract["network/s3-gateway-endpoint-id"]
  values = { value = "vpce-0dddddddddddddddd" }
}
override_data {
  target = data.aws_ssm_parameter.contract["kms/data-key-arn"]
  values = { value = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000001" }
}
override_data {
  target = data.aws_ssm_parameter.contract["storage/access-log-bucket"]
  values = { value = "mlops-dev-access-logs-111111111111" }
}
override_data {
  target = data.aws_ssm_parameter.contract["storage/models-bucket"]
  values = { value = "mlops-dev-models-111111111111" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/permission-boundary-arn"]
  values = { value = "arn:aws:iam::111111111111:policy/mlops-dev-permission-boundary" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/guardrails-policy-arn"]
  values = { value = "arn:aws:iam::111111111111:policy/mlops-dev-sagemaker-guardrails" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/instance-types-policy-arn"]
  values = { value = "arn:aws:iam::111111111111:policy/mlops-dev-instance-types" }
}
override_data {
  target = data.aws_ssm_parameter.contract["storage/data-bucket"]
  values = { value = "mlops-dev-data-111111111111" }
}
override_data {
  target = data.aws_ssm_parameter.contract["kms/ebs-key-arn"]
  values = { value = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000002" }
}
override_data {
  target = data.aws_ssm_parameter.contract["network/private-subnet-ids"]
  values = { value = "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb" }
}
override_data {
  target = data.aws_ssm_parameter.contract["network/sagemaker-security-group-id"]
  values = { value = "sg-0cccccccccccccccc" }
}

variables {
  prefix          = "mlops"
  environment     = "dev"
  deploy_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy"
  projects = {
    abalone = { repository = { owner = "example-org", name = "abalone-model" } }
    churn   = { repository = { owner = "example-org", name = "churn" } }
  }
  target_accounts   = { staging = ["222222222222"], prod = ["333333333333"] }
  oidc_provider_arn = "arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"
}

run "one_project_module_per_entry" {
  command = plan

  assert {
    condition     = toset(keys(module.project)) == toset(["abalone", "churn"])
    error_message = "Each configured project gets its module instance; adding a project is one entry."
  }

  assert {
    condition     = module.project["abalone"].model_package_group_name == "mlops-dev-abalone"
    error_message = "Project resources are named <prefix>-<env>-<project>."
  }

  assert {
    condition     = module.project["abalone"].ci_oidc_subject == "repo:example-org/abalone-model:environment:build"
    error_message = "The CI role trusts the project's own repository only."
  }

  # The seed code's run-pipeline uploads the Processing scripts to the contract's models bucket.
  assert {
    condition     = one([for s in jsondecode(module.project["abalone"].policy_documents["ci"]).Statement : s.Resource if s.Sid == "UploadPipelineScripts"]) == "arn:aws:s3:::mlops-dev-models-111111111111/abalone/code/*"
    error_message = "Each project's CI role may put objects under <models bucket>/<project>/code/ only."
  }

  # Each project runs as its own roles: its CI role passes its own pipeline role, which passes its
  # own job role; their objects are the project's prefix of the contract's data and models buckets.
  assert {
    condition = [for p in ["abalone", "churn"] : one([for s in jsondecode(module.project[p].policy_documents["ci"]).Statement : s.Resource if s.Sid == "PassProjectPipelineRoleToSageMaker"])] == [
      "arn:aws:iam::111111111111:role/mlops-dev-abalone-pipeline",
      "arn:aws:iam::111111111111:role/mlops-dev-churn-pipeline",
    ]
    error_message = "Each project's CI role may pass its own pipeline role only."
  }

  assert {
    condition = one([for s in jsondecode(module.project["churn"].policy_documents["job"]).Statement : s.Resource if s.Sid == "WriteProjectObjects"]) == [
      "arn:aws:s3:::mlops-dev-data-111111111111/churn/*",
      "arn:aws:s3:::mlops-dev-models-111111111111/churn/*",
    ]
    error_message = "A project's job role writes its own prefix of the data and models buckets only."
  }

  assert {
    condition     = one([for s in jsondecode(module.project["abalone"].policy_documents["pipeline"]).Statement : s.Resource if s.Sid == "PassProjectJobRoleToSageMaker"]) == "arn:aws:iam::111111111111:role/mlops-dev-abalone-pipeline-jobs"
    error_message = "A project's pipeline role may pass its own job role only."
  }
}

run "no_projects_reads_nothing" {
  command = plan

  variables {
    projects = {}
  }

  assert {
    condition     = length(module.project) == 0 && length(data.aws_ssm_parameter.contract) == 0
    error_message = "Without projects the stack is empty (removing the last project plans a clean destroy)."
  }
}

run "notify_emails_are_subscribed_to_their_projects_topic" {
  command = plan

  variables {
    projects = {
      abalone = { repository = { owner = "example-org", name = "abalone-model" }, notify = ["ml-abalone@example.org", "Oncall@example.org"] }
      churn   = { repository = { owner = "example-org", name = "churn" } }
    }
  }

  assert {
    condition     = { for k, s in aws_sns_topic_subscription.pipeline_events_email : k => [s.protocol, s.endpoint] } == { "abalone/ml-abalone@example.org" = ["email", "ml-abalone@example.org"], "abalone/oncall@example.org" = ["email", "Oncall@example.org"] }
    error_message = "Each notify address of a project is one email subscription (keyed by project and address); a project without notify has none."
  }
}

run "notify_rejects_a_bad_or_repeated_address" {
  command = plan

  variables {
    projects = {
      abalone = { repository = { owner = "example-org", name = "abalone-model" }, notify = ["oncall"] }
      churn   = { repository = { owner = "example-org", name = "churn" }, notify = ["a@example.org", "A@example.org"] }
    }
  }

  expect_failures = [var.projects]
}

# The package repository the foundation published (packages.tf): every project's CI role reads it.
run "a_package_repository_in_the_contract_reaches_every_ci_role" {
  command = plan

  override_data {
    target = data.aws_ssm_parameters_by_path.packages[0]
    values = {
      names  = ["/mlops/dev/packages/domain", "/mlops/dev/packages/domain-arn", "/mlops/dev/packages/repository-arn"]
      values = ["mlops-dev-packages", "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages", "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated"]
    }
  }

  assert {
    condition = [for p in ["abalone", "churn"] : [for s in jsondecode(module.project[p].policy_documents["ci"]).Statement : s.Resource if startswith(s.Sid, "JobPackages")]] == [for p in ["abalone", "churn"] : [
      "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages",
      "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated",
      "*",
    ]]
    error_message = "Each project's CI role gets a token for the contract's domain and reads its repository."
  }
}

run "without_a_package_repository_in_the_contract_no_ci_role_reads_one" {
  command = plan

  override_data {
    target = data.aws_ssm_parameters_by_path.packages[0]
    values = { names = [], values = [] }
  }

  assert {
    condition     = alltrue([for p in ["abalone", "churn"] : !strcontains(module.project[p].policy_documents["ci"], "codeartifact")])
    error_message = "Without /<prefix>/<env>/packages/* no CI role has a CodeArtifact statement."
  }
}
