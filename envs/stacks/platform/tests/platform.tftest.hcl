# The platform stack wires the foundation and identity contracts into Studio and the portfolio.

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
  target = data.aws_ssm_parameter.contract["network/vpc-id"]
  values = { value = "vpc-0aaaaaaaaaaaaaaaa" }
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
  target = data.aws_ssm_parameter.contract["network/s3-gateway-endpoint-id"]
  values = { value = "vpce-0dddddddddddddddd" }
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
  target = data.aws_ssm_parameter.contract["storage/access-log-bucket"]
  values = { value = "mlops-dev-access-logs-111111111111" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/sagemaker-execution-role-arn"]
  values = { value = "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/launch-role-arn"]
  values = { value = "arn:aws:iam::111111111111:role/mlops-dev-launch" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/data-scientist-role-arn"]
  values = { value = "arn:aws:iam::111111111111:role/mlops-dev-data-scientist" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/team-lead-role-arn"]
  values = { value = "arn:aws:iam::111111111111:role/mlops-dev-team-lead" }
}
override_data {
  target = data.aws_ssm_parameter.contract["identity/data-science-admin-role-arn"]
  values = { value = "arn:aws:iam::111111111111:role/mlops-dev-data-science-admin" }
}

variables {
  prefix          = "mlops"
  environment     = "dev"
  deploy_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy"
  personas        = ["data_science_admin", "team_lead", "data_scientist"]
  studio = {
    users                = { alice = "data_scientist", bob = "team_lead" }
    idle_timeout_minutes = 120
    home_efs_retention   = "Delete"
    enable_projects      = true
  }
  project_templates = {
    provider_name   = "ML Platform team"
    launch_personas = ["data_scientist", "team_lead"]
  }
}

# One plan (same variables) for: studio_is_private_encrypted_and_has_the_configured_users,
#   portfolio_is_shared_with_the_launch_personas_only.
run "studio_is_private_encrypted_and_has_the_configured_users" {
  command = plan

  # --- studio_is_private_encrypted_and_has_the_configured_users
  assert {
    condition     = module.studio.subnet_ids == tolist(["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"]) && module.studio.security_group_ids == tolist(["sg-0cccccccccccccccc"])
    error_message = "Studio runs in the foundation's private subnets with the SageMaker security group."
  }

  assert {
    condition     = module.studio.user_profile_execution_role_arns.alice == "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution" && module.studio.user_profile_execution_role_arns.bob == "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
    error_message = "Every user profile runs with the environment's SageMaker execution role."
  }

  # --- portfolio_is_shared_with_the_launch_personas_only
  assert {
    condition     = toset(keys(module.project_templates.current_versions)) == toset(["model-build", "model-deploy-2"])
    error_message = "Both project templates are published."
  }

  # --- s3_templates_are_where_the_domain_points
  assert {
    condition     = module.project_templates.current_versions["model-deploy-2"] == "v4" && module.project_templates.template_distribution == "s3"
    error_message = "The deploy template's current version is v4 (no typed ARN), published in S3."
  }

  assert {
    condition     = aws_ssm_parameter.project_templates["project-templates/location"].value == "s3://mlops-dev-sc-templates-111111111111/templates/" && aws_ssm_parameter.project_templates["project-templates/location"].value == module.project_templates.templates_location
    error_message = "The templates' location is published in the SSM contract (the same value the domain's sagemaker:projectS3TemplatesLocation tag carries)."
  }

  assert {
    condition     = startswith(aws_ssm_parameter.project_templates["project-templates/model-deploy-2/template-url"].value, "https://mlops-dev-sc-templates-111111111111.s3.") && endswith(aws_ssm_parameter.project_templates["project-templates/model-deploy-2/template-url"].value, ".yaml")
    error_message = "The current deploy template's URL (CreateProject's TemplateURL) is published in the SSM contract."
  }
}

run "launch_personas_must_exist" {
  command = plan

  variables {
    personas = ["data_scientist"]
    studio = {
      users                = { alice = "data_scientist" }
      idle_timeout_minutes = 120
      home_efs_retention   = "Delete"
      enable_projects      = true
    }
    project_templates = {
      provider_name   = "ML Platform team"
      launch_personas = ["team_lead"]
    }
  }

  expect_failures = [var.project_templates]
}

run "unknown_persona_is_refused" {
  command = plan

  variables {
    personas = ["data_scientist", "owner"]
  }

  expect_failures = [var.personas]
}

run "team_users_get_profiles_on_their_team_roles" {
  command = plan

  override_data {
    target = data.aws_ssm_parameter.contract["identity/teams/risk/users/carol/execution-role-arn"]
    values = { value = "arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution" }
  }

  variables {
    teams = {
      risk = { users = { carol = "data_scientist" }, projects = ["abalone"], data_prefixes = ["teams/risk/"], execution_role = "per_team" }
    }
  }

  assert {
    condition     = module.studio.user_profile_execution_role_arns["carol"] == "arn:aws:iam::111111111111:role/mlops-dev-team-risk-execution" && module.studio.user_profile_execution_role_arns["alice"] == "arn:aws:iam::111111111111:role/mlops-dev-sagemaker-execution"
    error_message = "A team user's profile runs as the role the identity stack published for it; studio.users keep the execution role."
  }
}
