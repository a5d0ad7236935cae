# The detective stack: the switch decides whether the module exists (off plans its destroy),
# and the keys are administered by the deploy role and env.yaml's administrators; the CI roles only read them.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "333333333333", arn = "arn:aws:iam::333333333333:role/mlops-prod-deploy" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws", dns_suffix = "amazonaws.com", reverse_dns_prefix = "com.amazonaws" }
  }
  mock_data "aws_region" {
    defaults = { name = "eu-west-1" }
  }
}

override_resource {
  target          = module.detective_controls[0].module.kms.aws_kms_key.this["audit"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:333333333333:key/11111111-1111-1111-1111-111111111111" }
}

variables {
  prefix          = "mlops"
  environment     = "prod"
  deploy_role_arn = "arn:aws:iam::333333333333:role/mlops-prod-deploy"
  kms = {
    deletion_window_days = 30
    rotation_period_days = 365
    administrator_arns   = ["arn:aws:iam::333333333333:role/break-glass"]
  }
  detective_controls = {
    enabled            = true
    minimum_severity   = "HIGH"
    subscriptions      = []
    log_retention_days = 365
    log_reader_arns    = []
  }
}

run "enabled" {
  command = plan

  assert {
    condition     = length(module.detective_controls) == 1 && output.enabled
    error_message = "enabled = true must create the detective controls."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(module.detective_controls[0].key_policies["audit"]).Statement :
      try(s.Sid == "KeyAdministration" && toset(s.Principal.AWS) == toset([
        "arn:aws:iam::333333333333:role/mlops-prod-deploy",
        "arn:aws:iam::333333333333:role/break-glass",
      ]), false)
    ])
    error_message = "The deploy role and env.yaml's key administrators administer the keys (never a CI role)."
  }

  assert {
    condition = anytrue([
      for s in jsondecode(module.detective_controls[0].key_policies["audit"]).Statement :
      try(s.Sid == "ReadOnly" && s.Principal.AWS == [
        "arn:aws:iam::333333333333:role/mlops-prod-github-plan",
        "arn:aws:iam::333333333333:role/mlops-prod-github-apply",
      ], false)
    ])
    error_message = "The CI roles only read the keys' metadata."
  }
}

run "disabled" {
  command = plan

  variables {
    detective_controls = {
      enabled            = false
      minimum_severity   = "HIGH"
      subscriptions      = []
      log_retention_days = 365
      log_reader_arns    = []
    }
  }

  assert {
    condition     = length(module.detective_controls) == 0 && output.trail_arn == null && output.config_rule_names == {}
    error_message = "enabled = false must leave nothing (an earlier apply's resources are planned for destroy)."
  }
}
