# The endpoint policies: no bucket of another account by name, no principal of another account.

mock_provider "aws" {
  # The provider validates ARN arguments even when mocked, so resources whose
  # ARNs feed other resources get realistic values.
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:111111111111:log-group:/mlops-test/vpc-flow-logs"
    }
  }
  mock_resource "aws_iam_policy" {
    defaults = {
      arn = "arn:aws:iam::111111111111:policy/mlops-test-vpc-flow-logs-boundary"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::111111111111:role/mlops-test-vpc-flow-logs"
    }
  }

  override_data {
    target = data.aws_caller_identity.current
    values = {
      account_id = "111111111111"
    }
  }
  override_data {
    target = data.aws_partition.current
    values = {
      partition          = "aws"
      reverse_dns_prefix = "com.amazonaws"
      dns_suffix         = "amazonaws.com"
    }
  }
  override_data {
    target = data.aws_region.current
    values = {
      name = "eu-west-1"
    }
  }
  override_data {
    target = data.aws_availability_zones.available
    values = {
      names = ["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"]
    }
  }
}

variables {
  name_prefix                     = "mlops-test"
  vpc_cidr                        = "10.20.0.0/16"
  private_subnet_cidrs            = ["10.20.0.0/20", "10.20.16.0/20"]
  interface_endpoint_services     = ["sagemaker.api", "sts"]
  s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::mlops-test-data", "arn:aws:s3:::mlops-test-project-*"]
  flow_logs_kms_key_arn           = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
}

run "buckets_of_this_account_only_and_no_aws_owned_bucket_by_default" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_vpc_endpoint.s3.policy).Statement : s.Condition] == [
      { StringEquals = { "aws:ResourceAccount" = ["111111111111"] } },
      { StringEquals = { "aws:ResourceAccount" = ["111111111111"] } },
    ]
    error_message = "Every listed bucket is reachable only in this account (aws:ResourceAccount): a same-named bucket elsewhere is no exfiltration path."
  }

  assert {
    condition     = output.endpoint_policies.s3 == aws_vpc_endpoint.s3.policy
    error_message = "endpoint_policies.s3 must be the gateway endpoint's policy."
  }

  assert {
    condition = alltrue([for e in aws_vpc_endpoint.interface : jsondecode(e.policy).Statement == [{
      Sid       = "OnlyPrincipalsOfTheseAccounts"
      Effect    = "Allow"
      Principal = "*"
      Action    = "*"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = ["111111111111"] } }
    }]])
    error_message = "Every interface endpoint serves principals of this account only (the default policy serves anyone)."
  }
}

run "owner_accounts_and_aws_owned_buckets" {
  command = plan

  variables {
    s3_endpoint_bucket_owner_accounts     = ["222222222222"]
    s3_endpoint_aws_owned_bucket_arns     = ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket"]
    interface_endpoint_principal_accounts = ["333333333333", "111111111111"]
  }

  assert {
    condition = jsondecode(aws_vpc_endpoint.s3.policy).Statement[0].Condition == { StringEquals = { "aws:ResourceAccount" = ["111111111111", "222222222222"] } }
    error_message = "The owner accounts are added to this account."
  }

  assert {
    condition = jsondecode(aws_vpc_endpoint.s3.policy).Statement[2] == {
      Sid       = "ReadAwsOwnedBuckets"
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:GetObject"
      Resource  = ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*"]
    }
    error_message = "AWS-owned buckets are read-only and carry no account condition."
  }

  assert {
    condition     = jsondecode(aws_vpc_endpoint.interface["sts"].policy).Statement[0].Condition == { StringEquals = { "aws:PrincipalAccount" = ["111111111111", "333333333333"] } }
    error_message = "The interface endpoints serve this account and the listed accounts, each once."
  }
}

run "endpoint_accounts_must_be_account_ids" {
  command = plan

  variables {
    s3_endpoint_bucket_owner_accounts     = ["2222"]
    s3_endpoint_aws_owned_bucket_arns     = ["arn:aws:s3:::prod-*"]
    interface_endpoint_principal_accounts = ["abc"]
  }

  expect_failures = [
    var.s3_endpoint_bucket_owner_accounts,
    var.s3_endpoint_aws_owned_bucket_arns,
    var.interface_endpoint_principal_accounts,
  ]
}
