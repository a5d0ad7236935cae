# The foundation stack composes kms, network and storage and publishes the SSM contract.

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
  mock_data "aws_availability_zones" {
    defaults = { names = ["eu-west-1a", "eu-west-1b", "eu-west-1c"], zone_ids = ["euw1-az1", "euw1-az2", "euw1-az3"] }
  }
}

variables {
  prefix          = "mlops"
  environment     = "dev"
  deploy_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy"
  network = {
    vpc_cidr                      = "10.10.0.0/16"
    az_count                      = 2
    private_subnet_cidrs          = ["10.10.0.0/19", "10.10.32.0/19"]
    internet_access               = "none"
    public_subnet_cidrs           = []
    interface_endpoints           = ["sagemaker.api", "sts", "logs"]
    s3_endpoint_extra_bucket_arns = []
    flow_logs_retention_days      = 365
  }
  kms = {
    deletion_window_days = 30
    rotation_period_days = 365
    administrator_arns   = ["arn:aws:iam::111111111111:role/break-glass"]
  }
  storage = {
    noncurrent_version_expiration_days     = 90
    abort_incomplete_multipart_upload_days = 7
    access_log_retention_days              = 365
    force_destroy                          = false
  }
}

# One plan (same variables) for: contract_keys_and_buckets,
#   keys_are_for_environment_roles_and_administered_by_the_deployer.
run "contract_keys_and_buckets" {
  command = plan

  # --- contract_keys_and_buckets
  assert {
    condition = toset(keys(aws_ssm_parameter.contract)) == toset([
      "network/vpc-id", "network/private-subnet-ids", "network/sagemaker-security-group-id",
      "network/endpoint-security-group-id", "network/s3-gateway-endpoint-id",
      "kms/data-key-arn", "kms/ebs-key-arn", "kms/studio-key-arn", "kms/logs-key-arn",
      "storage/data-bucket", "storage/models-bucket", "storage/access-log-bucket",
    ])
    error_message = "The SSM contract must publish the network, key and bucket identifiers."
  }

  assert {
    condition     = alltrue([for p in aws_ssm_parameter.contract : startswith(p.name, "/mlops/dev/")])
    error_message = "Contract parameters must live under /<prefix>/<env>/."
  }

  assert {
    condition     = aws_ssm_parameter.contract["network/private-subnet-ids"].type == "StringList"
    error_message = "Subnet ids are published as a StringList."
  }

  assert {
    condition     = toset(keys(module.kms.key_arns)) == toset(["data", "ebs", "studio", "logs"])
    error_message = "The environment has a data, EBS, Studio and logs key."
  }

  assert {
    condition = toset(module.storage.bucket_arns) == toset([
      "arn:aws:s3:::mlops-dev-data-111111111111",
      "arn:aws:s3:::mlops-dev-models-111111111111",
      "arn:aws:s3:::mlops-dev-access-logs-111111111111",
    ])
    error_message = "Buckets follow <prefix>-<env>-<name>-<account>."
  }

  # --- keys_are_for_environment_roles_and_administered_by_the_deployer
  assert {
    condition     = toset(one([for s in jsondecode(module.kms.key_policies["data"]).Statement : s if s.Sid == "KeyAdministration"]).Principal.AWS) == toset(["arn:aws:iam::111111111111:role/mlops-dev-deploy", "arn:aws:iam::111111111111:role/break-glass", "arn:aws:iam::111111111111:role/mlops-dev-github-apply"])
    error_message = "The deploy role, the configured administrators and the CI apply role administer the keys."
  }

  assert {
    condition     = one([for s in jsondecode(module.kms.key_policies["data"]).Statement : s if s.Sid == "ReadOnly"]).Principal.AWS == ["arn:aws:iam::111111111111:role/mlops-dev-github-plan"]
    error_message = "The CI plan role reads key metadata only."
  }

  assert {
    condition     = one([for s in jsondecode(module.kms.key_policies["data"]).Statement : s if s.Sid == "KeyUse"]).Condition.ArnLike["aws:PrincipalArn"] == ["arn:aws:iam::111111111111:role/mlops-dev-*"]
    error_message = "Only the environment's own roles may use the keys."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # az_count_must_match_subnets
    network = {
      vpc_cidr                      = "10.10.0.0/16"
      az_count                      = 3
      private_subnet_cidrs          = ["10.10.0.0/19", "10.10.32.0/19"]
      internet_access               = "none"
      public_subnet_cidrs           = []
      interface_endpoints           = []
      s3_endpoint_extra_bucket_arns = []
      flow_logs_retention_days      = 365
    }

    # bad_deploy_role
    deploy_role_arn = "mlops-dev-deploy"

    # bad_prefix
    prefix = "ML-Ops"

    # bad_project_name
    project_names = ["Abalone"]
  }

  expect_failures = [
    var.network,
    var.deploy_role_arn,
    var.prefix,
    var.project_names,
  ]
}

run "target_accounts_read_models_and_decrypt_only_as_model_execution_roles" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = ["333333333333"] }
  }

  assert {
    condition = toset(one([for s in jsondecode(module.kms.key_policies["data"]).Statement : s if s.Sid == "CrossAccountDecryptViaS3"]).Condition.ArnEquals["aws:PrincipalArn"]) == toset([
      "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
      "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
    ])
    error_message = "Only the target accounts' model execution roles may decrypt with the data key."
  }

  assert {
    condition     = !strcontains(jsonencode(local.cross_account_model_read), "\"*\"")
    error_message = "Cross-account grants must not contain a * principal or resource."
  }

  assert {
    condition = alltrue([for s in local.cross_account_model_read : s.Condition.ArnEquals["aws:PrincipalArn"] == [
      "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
      "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
    ]])
    error_message = "Each cross-account bucket statement is pinned to the exact model execution role ARNs."
  }
}

run "every_account_of_a_stage_reads_models" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = ["333333333333", "444444444444"] }
  }

  assert {
    condition = toset(one([for s in jsondecode(module.kms.key_policies["data"]).Statement : s if s.Sid == "CrossAccountDecryptViaS3"]).Condition.ArnEquals["aws:PrincipalArn"]) == toset([
      "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
      "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
      "arn:aws:iam::444444444444:role/mlops-prod-model-execution",
    ])
    error_message = "Each account of a stage (a list, or an OU resolved at plan time) gets its model execution role's decrypt grant."
  }

  assert {
    condition     = toset(one([for s in local.cross_account_model_read : s if s.Sid == "TargetAccountsListModels"]).Principal.AWS) == toset(["arn:aws:iam::222222222222:root", "arn:aws:iam::333333333333:root", "arn:aws:iam::444444444444:root"])
    error_message = "Each account of a stage is a principal of the models bucket's grants, once."
  }
}

run "target_deploy_roles_read_the_models_to_check_their_digest" {
  command = plan

  variables {
    target_accounts = { staging = ["222222222222"], prod = ["333333333333"] }
    project_names   = ["abalone"]
  }

  override_resource {
    target          = module.network.aws_vpc_endpoint.s3
    override_during = plan
    values          = { id = "vpce-0123456789abcdef0" }
  }

  override_resource {
    target          = module.kms.aws_kms_key.this["data"]
    override_during = plan
    values          = { arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111" }
  }

  assert {
    condition = toset(one([for s in local.cross_account_model_read : s if s.Sid == "TargetAccountsReadModels"]).Condition.ArnEquals["aws:PrincipalArn"]) == toset([
      "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
      "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
      "arn:aws:iam::222222222222:role/mlops-staging-abalone-deploy",
      "arn:aws:iam::333333333333:role/mlops-prod-abalone-deploy",
    ])
    error_message = "The stage deploy roles read the models (exact ARNs) to check an archive's SHA-256 before deploying it, beside the model execution roles."
  }

  assert {
    condition = toset(one([for s in jsondecode(module.kms.key_policies["data"]).Statement : s if s.Sid == "CrossAccountDecryptViaS3"]).Condition.ArnEquals["aws:PrincipalArn"]) == toset([
      "arn:aws:iam::222222222222:role/mlops-staging-model-execution",
      "arn:aws:iam::333333333333:role/mlops-prod-model-execution",
      "arn:aws:iam::222222222222:role/mlops-staging-abalone-deploy",
      "arn:aws:iam::333333333333:role/mlops-prod-abalone-deploy",
    ])
    error_message = "The stage deploy roles decrypt the models through S3 only, as the model execution roles do."
  }

  assert {
    condition     = contains(one([for s in jsondecode(module.storage.bucket_policies["models"]).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition.ArnNotLike["aws:PrincipalArn"], "arn:aws:iam::222222222222:role/mlops-staging-abalone-deploy")
    error_message = "A deployment runs on a GitHub-hosted runner, outside the VPC: the stage deploy roles are exempt (exact ARN) from the VPC-endpoint-only deny."
  }
}

run "ci_roles_reach_the_buckets_from_outside_the_vpc" {
  command = plan

  variables {
    project_names = ["abalone"]
  }

  override_resource {
    target          = module.network.aws_vpc_endpoint.s3
    override_during = plan
    values          = { id = "vpce-0123456789abcdef0" }
  }

  override_resource {
    target          = module.kms.aws_kms_key.this["data"]
    override_during = plan
    values          = { arn = "arn:aws:kms:eu-west-1:111111111111:key/11111111-1111-1111-1111-111111111111" }
  }

  assert {
    condition = alltrue([
      for role in ["mlops-dev-github-plan", "mlops-dev-github-apply", "mlops-dev-deploy"] :
      contains(one([for s in jsondecode(module.storage.bucket_policies["data"]).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition.ArnNotLike["aws:PrincipalArn"], "arn:aws:iam::111111111111:role/${role}")
    ])
    error_message = "GitHub-hosted runners are outside the VPC: the CI roles and the deploy role are exempt (by exact ARN) from the VPC-endpoint-only deny."
  }

  assert {
    condition     = contains(one([for s in jsondecode(module.storage.bucket_policies["models"]).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition.ArnNotLike["aws:PrincipalArn"], "arn:aws:iam::111111111111:role/mlops-dev-abalone-ci")
    error_message = "A project's CI role (exact ARN, no wildcard) is exempt from the VPC-endpoint-only deny of the models bucket, where run-pipeline uploads the pipeline's code."
  }
}


run "package_repository" {
  command = plan

  variables {
    packages = {
      enabled             = true
      public_upstream     = false
      publisher_role_arns = ["arn:aws:iam::111111111111:role/mlops-dev-data-science-admin", "arn:aws:iam::111111111111:role/mlops-dev-deploy"]
      asset_bucket_arn    = "arn:aws:s3:::assets-438097961670-eu-west-1"
    }
  }

  assert {
    condition     = module.package_repository[0].domain_name == "mlops-dev-packages" && length(module.package_repository[0].repository_arns) == 1
    error_message = "packages.enabled creates the domain <prefix>-<env>-packages with its curated repository only (no public upstream)."
  }

  assert {
    condition     = keys(aws_ssm_parameter.packages) == ["packages/domain", "packages/domain-arn", "packages/domain-owner", "packages/package-arn-pattern", "packages/repository", "packages/repository-arn"]
    error_message = "The package repository is in the SSM contract (packages/*) for the identity and platform stacks."
  }

  assert {
    condition     = contains(jsondecode(module.network.endpoint_policies["s3"]).Statement[2].Resource, "arn:aws:s3:::assets-438097961670-eu-west-1/*")
    error_message = "The S3 gateway endpoint reads CodeArtifact's asset bucket of the region."
  }
}

run "packages_off_by_default" {
  command = plan

  assert {
    condition     = length(module.package_repository) == 0 && length(aws_ssm_parameter.packages) == 0
    error_message = "Without packages.enabled there is no package repository."
  }
}
