# Input validation: one passing baseline, boundary values that must pass, and
# one run per validation rule (each input breaks exactly one rule).

mock_provider "aws" {
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
  private_subnet_cidrs            = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
  interface_endpoint_services     = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "kms", "ecr.api", "ecr.dkr"]
  s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::mlops-test-data", "arn:aws:s3:::mlops-test-models"]
  flow_logs_kms_key_arn           = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  tags = {
    Environment = "test"
  }
}

# ---------------------------------------------------------------------------
# Baseline and boundaries (must plan cleanly)
# ---------------------------------------------------------------------------

run "baseline_is_valid" {
  command = plan

  assert {
    condition     = length(aws_subnet.private) == 3
    error_message = "Baseline inputs should plan three private subnets."
  }
}

run "boundaries_are_accepted" {
  command = plan

  variables {
    name_prefix                         = "a-1"
    vpc_cidr                            = "10.20.0.0/24"
    private_subnet_cidrs                = ["10.20.0.0/26", "10.20.0.64/26", "10.20.0.128/27", "10.20.0.160/28"]
    internet_access                     = "nat"
    public_subnet_cidrs                 = ["10.20.0.192/28", "10.20.0.208/28", "10.20.0.224/28", "10.20.0.240/28"]
    endpoint_allowed_security_group_ids = ["sg-0123456789abcdef0"]
    s3_endpoint_allowed_bucket_arns     = ["arn:aws-us-gov:s3:::gov.bucket-1"]
    flow_logs_retention_days            = 3653
  }

  assert {
    condition     = length(aws_subnet.private) == 4 && length(aws_subnet.public) == 4
    error_message = "A /24 VPC with four private and four public subnets should be accepted."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # name_prefix_rejects_uppercase
    name_prefix = "MLOps-dev"

    # tags_reject_aws_prefix
    tags = { "aws:cloudformation:stack-name" = "x" }

    # vpc_cidr_rejects_garbage
    vpc_cidr = "10.20.0.0"

    # internet_access_rejects_unknown_mode
    internet_access = "public"

    # endpoint_services_reject_bad_characters
    interface_endpoint_services = ["sts", "SageMaker.API"]

    # allowed_sgs_reject_non_sg_id
    endpoint_allowed_security_group_ids = ["sg-0123abcd", "vpc-0123abcd"]

    # s3_buckets_reject_empty_list
    s3_endpoint_allowed_bucket_arns = []

    # kms_key_rejects_alias
    flow_logs_kms_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/flow-logs"

    # retention_rejects_value_cloudwatch_does_not_accept
    flow_logs_retention_days = 366
  }

  expect_failures = [
    var.name_prefix,
    var.tags,
    var.vpc_cidr,
    var.internet_access,
    var.interface_endpoint_services,
    var.endpoint_allowed_security_group_ids,
    var.s3_endpoint_allowed_bucket_arns,
    var.flow_logs_kms_key_arn,
    var.flow_logs_retention_days,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # name_prefix_rejects_trailing_hyphen
    name_prefix = "mlops-"

    # tags_reject_long_value
    tags = { Owner = join("", [for i in range(257) : "x"]) }

    # vpc_cidr_rejects_bad_octet
    vpc_cidr = "10.256.0.0/16"

    # endpoint_services_reject_full_service_name
    interface_endpoint_services = ["sts", "com.amazonaws.eu-west-1.logs"]

    # allowed_sgs_reject_uppercase_hex
    endpoint_allowed_security_group_ids = ["sg-0123ABCD"]

    # s3_buckets_reject_wildcard
    s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::*"]

    # kms_key_rejects_bare_key_id
    flow_logs_kms_key_arn = "1234abcd-12ab-34cd-56ef-1234567890ab"

    # retention_rejects_less_than_a_year
    flow_logs_retention_days = 180
  }

  expect_failures = [
    var.name_prefix,
    var.tags,
    var.vpc_cidr,
    var.interface_endpoint_services,
    var.endpoint_allowed_security_group_ids,
    var.s3_endpoint_allowed_bucket_arns,
    var.flow_logs_kms_key_arn,
    var.flow_logs_retention_days,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # name_prefix_rejects_too_long
    name_prefix = "a23456789012345678901234567890123"

    # vpc_cidr_rejects_host_bits
    vpc_cidr = "10.20.1.0/16"

    # endpoint_services_reject_s3_interface
    interface_endpoint_services = ["sts", "s3"]

    # allowed_sgs_reject_duplicates
    endpoint_allowed_security_group_ids = ["sg-0123abcd", "sg-0123abcd"]

    # s3_buckets_reject_short_prefix_wildcard
    s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::ml*"]

    # retention_rejects_never_expire
    flow_logs_retention_days = 0
  }

  expect_failures = [
    var.name_prefix,
    var.vpc_cidr,
    var.interface_endpoint_services,
    var.endpoint_allowed_security_group_ids,
    var.s3_endpoint_allowed_bucket_arns,
    var.flow_logs_retention_days,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # vpc_cidr_rejects_prefix_too_short
    vpc_cidr = "10.0.0.0/12"

    # endpoint_services_reject_duplicates
    interface_endpoint_services = ["sts", "logs", "sts"]

    # s3_buckets_reject_object_arn
    s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::mlops-test-data/prefix/*"]
  }

  expect_failures = [
    var.vpc_cidr,
    var.interface_endpoint_services,
    var.s3_endpoint_allowed_bucket_arns,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_5" {
  command = plan

  variables {
    # vpc_cidr_rejects_prefix_too_long
    vpc_cidr             = "10.20.0.0/25"
    private_subnet_cidrs = ["10.20.0.0/27", "10.20.0.32/27"]

    # s3_buckets_reject_duplicates
    s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::mlops-test-data", "arn:aws:s3:::mlops-test-data"]
  }

  expect_failures = [
    var.vpc_cidr,
    var.s3_endpoint_allowed_bucket_arns,
  ]
}

# ---------------------------------------------------------------------------
# private_subnet_cidrs
# ---------------------------------------------------------------------------

run "private_subnets_reject_single_entry" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_five_entries" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20", "10.20.48.0/20", "10.20.64.0/20"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_malformed" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "not-a-cidr"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_host_bits" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.17.0/20"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_prefix_too_long" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.16.0/29"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_outside_vpc" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.21.0.0/20"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_larger_than_vpc" {
  command = plan
  variables {
    vpc_cidr             = "10.20.0.0/20"
    private_subnet_cidrs = ["10.20.0.0/24", "10.20.0.0/16"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_duplicates" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.0.0/20"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "private_subnets_reject_overlap" {
  command = plan
  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.8.0/21"]
  }
  expect_failures = [var.private_subnet_cidrs]
}

run "public_subnets_must_be_empty_without_nat" {
  command = plan
  variables {
    internet_access     = "none"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.241.0/24", "10.20.242.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_required_with_nat" {
  command = plan
  variables {
    internet_access = "nat"
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_must_match_private_count" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.241.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_reject_malformed" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.241.0/33", "10.20.242.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_reject_outside_vpc" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.241.0/24", "192.168.0.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_reject_duplicates" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.240.0/24", "10.20.242.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_reject_overlap_with_each_other" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/22", "10.20.241.0/24", "10.20.244.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_reject_overlap_with_private" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.241.0/24", "10.20.33.0/24"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "public_subnets_reject_copy_of_private" {
  command = plan
  variables {
    internet_access     = "nat"
    public_subnet_cidrs = ["10.20.240.0/24", "10.20.241.0/24", "10.20.16.0/20"]
  }
  expect_failures = [var.public_subnet_cidrs]
}

run "s3_buckets_accept_a_name_prefix" {
  command = plan
  variables {
    s3_endpoint_allowed_bucket_arns = ["arn:aws:s3:::mlops-test-data", "arn:aws:s3:::mlops-test-project-*"]
  }
}

# Two resource preconditions in one plan; neither reads what breaks the other:
# - kms_key_must_be_in_deployment_region: the flow-log group's key is in another region
#   (the log group's precondition reads only the key ARN and the region);
# - region_must_have_enough_azs: the region has two AZs for three private subnets
#   (the VPC's precondition reads only the AZs and private_subnet_cidrs).
run "key_in_another_region_and_too_few_azs" {
  command = plan

  variables {
    flow_logs_kms_key_arn = "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  }

  override_data {
    target = data.aws_availability_zones.available
    values = {
      names = ["eu-west-1a", "eu-west-1b"]
    }
  }

  expect_failures = [
    aws_cloudwatch_log_group.flow_logs,
    aws_vpc.this,
  ]
}
