# The hosting stack wires the network, the flow-log key and modules/model-hosting for a target
# account, and publishes the SSM contract.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "222222222222", arn = "arn:aws:iam::222222222222:role/mlops-staging-deploy" }
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

# Real-looking identifiers at plan time, so the rendered policies are known.
override_resource {
  target          = module.network.aws_vpc.this
  override_during = plan
  values          = { id = "vpc-0123456789abcdef0" }
}
override_resource {
  target          = module.network.aws_subnet.private["eu-west-1a"]
  override_during = plan
  values          = { id = "subnet-0aaaaaaaaaaaaaaaa" }
}
override_resource {
  target          = module.network.aws_subnet.private["eu-west-1b"]
  override_during = plan
  values          = { id = "subnet-0bbbbbbbbbbbbbbbb" }
}
override_resource {
  target          = module.network.aws_security_group.sagemaker
  override_during = plan
  values          = { id = "sg-0cccccccccccccccc" }
}
override_resource {
  target          = module.network.aws_vpc_endpoint.s3
  override_during = plan
  values          = { id = "vpce-0dddddddddddddddd" }
}
override_resource {
  target          = module.kms.aws_kms_key.this["logs"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/44444444-4444-4444-4444-444444444444" }
}
override_resource {
  target          = module.model_hosting.module.kms.aws_kms_key.this["endpoint"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222" }
}
override_resource {
  target          = module.model_hosting.module.kms.aws_kms_key.this["notifications"]
  override_during = plan
  values          = { arn = "arn:aws:kms:eu-west-1:222222222222:key/55555555-5555-5555-5555-555555555555" }
}

variables {
  prefix                  = "mlops"
  environment             = "staging"
  deploy_role_arn         = "arn:aws:iam::222222222222:role/mlops-staging-deploy"
  endpoint_instance_types = ["ml.m5.large"]
  network = {
    vpc_cidr                      = "10.20.0.0/16"
    az_count                      = 2
    private_subnet_cidrs          = ["10.20.0.0/19", "10.20.32.0/19"]
    internet_access               = "none"
    public_subnet_cidrs           = []
    interface_endpoints           = ["sagemaker.api", "ssm"]
    s3_endpoint_extra_bucket_arns = []
    flow_logs_retention_days      = 365
  }
  kms = {
    deletion_window_days = 30
    rotation_period_days = 365
    administrator_arns   = ["arn:aws:iam::222222222222:role/break-glass"]
  }
  model_source = { account_id = "111111111111", env = "dev" }
  projects     = { abalone = { repository = "example-org/abalone-model" } }
}

# One plan (same variables) for: model_execution_role_is_the_one_dev_grants,
#   source_models_are_read_from_the_dev_bucket_and_key,
#   no_nat_and_the_endpoints_an_endpoint_needs, deploy_roles_trust_the_accounts_github_provider,
#   contract, keys_administered_by_the_deployer_and_ci.
run "model_execution_role_is_the_one_dev_grants" {
  command = plan

  # --- model_execution_role_is_the_one_dev_grants
  assert {
    condition     = module.model_hosting.model_execution_role_name == "mlops-staging-model-execution"
    error_message = "With prefix mlops and environment staging the model execution role must be mlops-staging-model-execution (dev grants that exact ARN)."
  }

  # --- source_models_are_read_from_the_dev_bucket_and_key
  assert {
    condition     = local.source_models_bucket_arn == "arn:aws:s3:::mlops-dev-models-111111111111"
    error_message = "The source models bucket is <prefix>-<source env>-models-<source account>."
  }

  assert {
    condition     = one([for s in jsondecode(module.model_hosting.policies.model_execution).Statement : s if s.Sid == "ReadSourceModelArtifacts"]).Resource == "arn:aws:s3:::mlops-dev-models-111111111111/*"
    error_message = "The model execution role reads the dev models bucket."
  }

  assert {
    condition     = one([for s in jsondecode(module.model_hosting.policies.model_execution).Statement : s if s.Sid == "DecryptSourceModelArtifactsViaS3"]).Condition["ForAnyValue:StringEquals"]["kms:ResourceAliases"] == "alias/mlops-dev-data" && one([for s in jsondecode(module.model_hosting.policies.model_execution).Statement : s if s.Sid == "DecryptSourceModelArtifactsViaS3"]).Resource == "arn:aws:kms:eu-west-1:111111111111:key/*"
    error_message = "The model execution role decrypts with the dev data key (alias/mlops-dev-data of the dev account)."
  }

  assert {
    condition = toset(local.s3_endpoint_allowed_bucket_arns) == toset([
      "arn:aws:s3:::mlops-dev-models-111111111111",
      "arn:aws:s3:::mlops-staging-data-capture-222222222222",
      "arn:aws:s3:::mlops-staging-access-logs-222222222222",
    ])
    error_message = "The S3 gateway endpoint lets through the dev models bucket and the local data-capture and access-log buckets (and, read-only, the ECR layer bucket) only."
  }

  assert {
    condition = alltrue([
      for s in jsondecode(module.network.endpoint_policies.s3).Statement :
      s.Sid == "ReadAwsOwnedBuckets" ? s.Resource == ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"] && s.Action == "s3:GetObject" : s.Condition == { StringEquals = { "aws:ResourceAccount" = ["222222222222", "111111111111"] } }
    ])
    error_message = "The hosting VPC reaches buckets of its own account and of the source (dev) account only (a same-named bucket elsewhere is refused), and reads the AWS-owned ECR layer bucket."
  }

  # --- no_nat_and_the_endpoints_an_endpoint_needs
  assert {
    condition     = length(module.network.nat_gateway_ids) == 0 && length(module.network.public_subnet_ids) == 0
    error_message = "A target account has no NAT gateway and no public subnet."
  }

  assert {
    condition     = toset(keys(module.network.interface_endpoint_ids)) == toset(["sagemaker.api", "sagemaker.runtime", "sts", "logs", "monitoring", "ecr.api", "ecr.dkr", "kms", "ssm"])
    error_message = "The required interface endpoints are always there; env.yaml may add more (ssm)."
  }

  # --- deploy_roles_trust_the_accounts_github_provider
  assert {
    condition     = jsondecode(module.model_hosting.deploy_trust_policies["abalone"]).Statement[0].Principal.Federated == "arn:aws:iam::222222222222:oidc-provider/token.actions.githubusercontent.com"
    error_message = "The deploy role trusts this account's GitHub OIDC provider (created by bootstrap)."
  }

  assert {
    condition     = jsondecode(module.model_hosting.deploy_trust_policies["abalone"]).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == "repo:example-org/abalone-model:environment:staging"
    error_message = "owner/name is split into the repository and pinned to the staging environment."
  }

  # --- contract
  assert {
    condition = toset(keys(aws_ssm_parameter.contract)) == toset([
      "network/vpc-id", "network/private-subnet-ids", "network/sagemaker-security-group-id",
      "kms/endpoint-key-arn", "storage/data-capture-bucket", "hosting/model-execution-role-arn",
      "hosting/projects/abalone/deploy-role-arn", "hosting/projects/abalone/serving",
      "monitoring/alerts-topic-arn", "monitoring/monitor-role-arn", "monitoring/analyzer-image-uri", "monitoring/settings",
    ])
    error_message = "The contract publishes the network, the endpoint key, the data-capture bucket, the model execution role, each project's deploy role and serving mode, and the monitoring settings."
  }

  assert {
    condition     = aws_ssm_parameter.contract["monitoring/analyzer-image-uri"].value == "468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer" && jsondecode(aws_ssm_parameter.contract["monitoring/settings"].value).scaling.max_instances == 2
    error_message = "The region's Model Monitor analyzer image and the monitoring settings (defaults here) are published for the deployments."
  }

  assert {
    condition     = alltrue([for p in aws_ssm_parameter.contract : startswith(p.name, "/mlops/staging/")])
    error_message = "Contract parameters live under /<prefix>/<stage>/."
  }

  assert {
    condition     = aws_ssm_parameter.contract["network/private-subnet-ids"].type == "StringList" && aws_ssm_parameter.contract["network/private-subnet-ids"].value == "subnet-0aaaaaaaaaaaaaaaa,subnet-0bbbbbbbbbbbbbbbb"
    error_message = "Subnet ids are published as a StringList."
  }

  assert {
    condition     = aws_ssm_parameter.contract["kms/endpoint-key-arn"].value == "arn:aws:kms:eu-west-1:222222222222:key/22222222-2222-2222-2222-222222222222" && aws_ssm_parameter.contract["storage/data-capture-bucket"].value == "mlops-staging-data-capture-222222222222"
    error_message = "The endpoint key and the data-capture bucket are published."
  }

  # --- keys_administered_by_the_deployer_and_ci
  assert {
    condition     = toset(one([for s in jsondecode(module.model_hosting.key_policies["endpoint"]).Statement : s if s.Sid == "KeyAdministration"]).Principal.AWS) == toset(["arn:aws:iam::222222222222:role/mlops-staging-deploy", "arn:aws:iam::222222222222:role/break-glass", "arn:aws:iam::222222222222:role/mlops-staging-github-apply"])
    error_message = "The deploy role, the configured administrators and the CI apply role administer the endpoint key."
  }

  assert {
    condition     = contains(one([for s in jsondecode(module.model_hosting.bucket_policies.data_capture).Statement : s if s.Sid == "DenyAccessOutsideVpcEndpoints"]).Condition.ArnNotLike["aws:PrincipalArn"], "arn:aws:iam::222222222222:role/mlops-staging-github-plan")
    error_message = "The CI roles (outside the VPC) are exempt from the data-capture bucket's endpoint-only deny."
  }
}

run "prod_uses_the_same_stack" {
  command = plan

  variables {
    environment     = "prod"
    deploy_role_arn = "arn:aws:iam::222222222222:role/mlops-prod-deploy"
  }

  assert {
    condition     = module.model_hosting.model_execution_role_name == "mlops-prod-model-execution" && alltrue([for p in aws_ssm_parameter.contract : startswith(p.name, "/mlops/prod/")])
    error_message = "prod gets mlops-prod-model-execution and /mlops/prod/ from the same stack."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # nat_is_refused
    network = {
      vpc_cidr                      = "10.20.0.0/16"
      az_count                      = 2
      private_subnet_cidrs          = ["10.20.0.0/19", "10.20.32.0/19"]
      internet_access               = "nat"
      public_subnet_cidrs           = ["10.20.192.0/24", "10.20.193.0/24"]
      interface_endpoints           = []
      s3_endpoint_extra_bucket_arns = []
      flow_logs_retention_days      = 365
    }

    # bad_repository
    projects = { abalone = { repository = "example-org/*" } }

    # source_is_this_environment
    model_source = { account_id = "111111111111", env = "staging" }
  }

  expect_failures = [
    var.network,
    var.projects,
    var.model_source,
  ]
}

run "bad_project_name" {
  command = plan

  variables {
    projects = { "Abalone" = { repository = "example-org/abalone-model" } }
  }

  expect_failures = [var.projects]
}

