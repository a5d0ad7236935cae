# internet_access = "none" (default): private-only VPC, no path to the internet.

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
  # An existing VPC (the runs at the end): its subnets, route tables and endpoints.
  override_data {
    target = data.aws_vpc.existing
    values = {
      id                   = "vpc-0a1b2c3d4e5f60718"
      cidr_block           = "10.99.0.0/16"
      enable_dns_support   = true
      enable_dns_hostnames = true
    }
  }
  override_data {
    target = data.aws_subnet.existing["subnet-0aaaaaaaaaaaaaaa1"]
    values = {
      vpc_id            = "vpc-0a1b2c3d4e5f60718"
      availability_zone = "eu-west-1a"
    }
  }
  override_data {
    target = data.aws_subnet.existing["subnet-0aaaaaaaaaaaaaaa2"]
    values = {
      vpc_id            = "vpc-0a1b2c3d4e5f60718"
      availability_zone = "eu-west-1b"
    }
  }
  override_data {
    target = data.aws_subnet.existing["subnet-0aaaaaaaaaaaaaaa3"]
    values = {
      vpc_id            = "vpc-0a1b2c3d4e5f60718"
      availability_zone = "eu-west-1a"
    }
  }
  override_data {
    target = data.aws_route_tables.of_subnet["subnet-0aaaaaaaaaaaaaaa1"]
    values = {
      ids = ["rtb-0bbbbbbbbbbbbbbb1"]
    }
  }
  override_data {
    target = data.aws_route_tables.of_subnet["subnet-0aaaaaaaaaaaaaaa2"]
    values = {
      ids = []
    }
  }
  override_data {
    target = data.aws_route_tables.of_subnet["subnet-0aaaaaaaaaaaaaaa3"]
    values = {
      ids = ["rtb-0bbbbbbbbbbbbbbb1"]
    }
  }
  override_data {
    target = data.aws_route_tables.main
    values = {
      ids = ["rtb-0bbbbbbbbbbbbbbb0"]
    }
  }
  override_data {
    target = data.aws_vpc_endpoint.interface["sts"]
    values = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      vpc_endpoint_type  = "Interface"
      service_name       = "com.amazonaws.eu-west-1.sts"
      security_group_ids = ["sg-0ccccccccccccccc1"]
    }
  }
  override_data {
    target = data.aws_vpc_endpoint.s3
    values = {
      id                = "vpce-0ddddddddddddddd1"
      vpc_id            = "vpc-0a1b2c3d4e5f60718"
      vpc_endpoint_type = "Gateway"
      service_name      = "com.amazonaws.eu-west-1.s3"
      prefix_list_id    = "pl-6da54004"
      route_table_ids   = ["rtb-0bbbbbbbbbbbbbbb0", "rtb-0bbbbbbbbbbbbbbb1"]
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
    CostCenter  = "ml"
  }
}

run "plan_private_only_network" {
  command = plan

  # --- VPC and subnets -------------------------------------------------------

  assert {
    condition     = aws_vpc.this[0].cidr_block == "10.20.0.0/16" && aws_vpc.this[0].enable_dns_support && aws_vpc.this[0].enable_dns_hostnames
    error_message = "The VPC must use vpc_cidr with DNS support and DNS hostnames enabled."
  }

  assert {
    condition     = output.availability_zones == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    error_message = "One AZ per private subnet must be used, taken in order from the region's AZ list."
  }

  assert {
    condition = (
      { for az, s in aws_subnet.private : az => s.cidr_block } == {
        "eu-west-1a" = "10.20.0.0/20"
        "eu-west-1b" = "10.20.16.0/20"
        "eu-west-1c" = "10.20.32.0/20"
      }
    )
    error_message = "Private subnet i must get private_subnet_cidrs[i] in AZ i."
  }

  assert {
    condition     = alltrue([for az, s in aws_subnet.private : s.availability_zone == az && s.map_public_ip_on_launch == false])
    error_message = "Private subnets must sit in their AZ and never assign public IPs."
  }

  assert {
    condition     = length(aws_route_table.private) == 3 && length(aws_route_table_association.private) == 3
    error_message = "Each private subnet needs its own route table and association."
  }

  # --- No internet path -----------------------------------------------------

  assert {
    condition     = length(aws_internet_gateway.this) == 0 && length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0
    error_message = "Mode none must create no internet gateway, NAT gateway or Elastic IP."
  }

  assert {
    condition     = length(aws_subnet.public) == 0 && length(aws_route_table.public) == 0 && length(aws_route_table_association.public) == 0
    error_message = "Mode none must create no public subnets or public route table."
  }

  assert {
    condition     = length(aws_route.private_nat) == 0 && length(aws_route.public_internet) == 0
    error_message = "Mode none must create no default (0.0.0.0/0) route."
  }

  assert {
    condition     = length(aws_security_group_rule.sagemaker_egress_https_internet) == 0
    error_message = "Mode none must not let the SageMaker security group reach 0.0.0.0/0."
  }

  assert {
    condition     = length(output.public_subnet_ids) == 0 && length(output.nat_gateway_ids) == 0
    error_message = "Mode none must output empty public subnet and NAT gateway lists."
  }

  # --- S3 gateway endpoint and its policy -----------------------------------------

  assert {
    condition     = aws_vpc_endpoint.s3[0].service_name == "com.amazonaws.eu-west-1.s3" && aws_vpc_endpoint.s3[0].vpc_endpoint_type == "Gateway"
    error_message = "S3 must be reached through a gateway endpoint for the regional S3 service."
  }

  assert {
    condition = alltrue([
      for st in jsondecode(aws_vpc_endpoint.s3[0].policy).Statement :
      st.Effect == "Allow" && st.Principal == "*" && alltrue([for a in st.Action : startswith(a, "s3:") && !strcontains(a, "*")])
    ])
    error_message = "The S3 endpoint policy may only contain Allow statements with explicit, wildcard-free s3: actions."
  }

  assert {
    condition = (
      toset(flatten([for st in jsondecode(aws_vpc_endpoint.s3[0].policy).Statement : st.Resource])) ==
      toset([
        "arn:aws:s3:::mlops-test-data",
        "arn:aws:s3:::mlops-test-models",
        "arn:aws:s3:::mlops-test-data/*",
        "arn:aws:s3:::mlops-test-models/*",
      ])
    )
    error_message = "The S3 endpoint policy must cover exactly the listed buckets and their objects."
  }

  assert {
    condition = alltrue([
      for st in jsondecode(aws_vpc_endpoint.s3[0].policy).Statement :
      alltrue([for r in st.Resource : endswith(r, "/*")]) || alltrue([for r in st.Resource : !strcontains(r, "/")])
    ])
    error_message = "Each S3 endpoint policy statement must target either only buckets or only objects."
  }

  assert {
    condition = contains(flatten([for st in jsondecode(aws_vpc_endpoint.s3[0].policy).Statement : st.Action]), "s3:GetObject") && contains(
      flatten([for st in jsondecode(aws_vpc_endpoint.s3[0].policy).Statement : st.Action]), "s3:ListBucket"
    )
    error_message = "The S3 endpoint policy must allow reading objects and listing the listed buckets."
  }

  # --- Interface endpoints -------------------------------------------------------

  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sagemaker.api", "sagemaker.runtime", "sts", "logs", "kms", "ecr.api", "ecr.dkr"])
    error_message = "One interface endpoint per requested service must be planned."
  }

  assert {
    condition = alltrue([
      for svc, ep in aws_vpc_endpoint.interface :
      ep.service_name == "com.amazonaws.eu-west-1.${svc}" && ep.vpc_endpoint_type == "Interface" && ep.private_dns_enabled == true
    ])
    error_message = "Interface endpoints must use com.amazonaws.<region>.<service> with private DNS enabled."
  }

  # --- Security group rules (ports / protocols / sources) ----------------------------

  assert {
    condition = (
      aws_security_group_rule.endpoints_ingress_https_from_sagemaker.type == "ingress" &&
      aws_security_group_rule.endpoints_ingress_https_from_sagemaker.protocol == "tcp" &&
      aws_security_group_rule.endpoints_ingress_https_from_sagemaker.from_port == 443 &&
      aws_security_group_rule.endpoints_ingress_https_from_sagemaker.to_port == 443 &&
      try(length(aws_security_group_rule.endpoints_ingress_https_from_sagemaker.cidr_blocks), 0) == 0
    )
    error_message = "The endpoint security group may only accept TCP 443, and never from a CIDR."
  }

  assert {
    condition     = length(aws_security_group_rule.endpoints_ingress_https_from_allowed) == 0
    error_message = "Without endpoint_allowed_security_group_ids no extra endpoint ingress rules may exist."
  }

  assert {
    condition = (
      aws_security_group_rule.sagemaker_ingress_self.type == "ingress" && aws_security_group_rule.sagemaker_ingress_self.self == true &&
      try(length(aws_security_group_rule.sagemaker_ingress_self.cidr_blocks), 0) == 0 &&
      aws_security_group_rule.sagemaker_egress_self.type == "egress" && aws_security_group_rule.sagemaker_egress_self.self == true &&
      try(length(aws_security_group_rule.sagemaker_egress_self.cidr_blocks), 0) == 0
    )
    error_message = "The SageMaker group's all-protocol rules must be self-referencing only."
  }

  assert {
    condition = alltrue([
      for r in [aws_security_group_rule.sagemaker_egress_https_endpoints, aws_security_group_rule.sagemaker_egress_https_s3] :
      r.type == "egress" && r.protocol == "tcp" && r.from_port == 443 && r.to_port == 443 && try(length(r.cidr_blocks), 0) == 0
    ])
    error_message = "SageMaker egress to endpoints and S3 must be TCP 443 without any CIDR."
  }

  # --- Flow logs -----------------------------------------------------------------

  assert {
    condition     = aws_flow_log.this[0].traffic_type == "ALL" && aws_flow_log.this[0].log_destination_type == "cloud-watch-logs"
    error_message = "Flow logs must capture ALL traffic into CloudWatch Logs."
  }

  assert {
    condition = (
      aws_cloudwatch_log_group.flow_logs[0].name == "/mlops-test/vpc-flow-logs" &&
      aws_cloudwatch_log_group.flow_logs[0].retention_in_days == 365 &&
      aws_cloudwatch_log_group.flow_logs[0].kms_key_id == "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    )
    error_message = "The flow-log group must be /<name_prefix>/vpc-flow-logs, KMS-encrypted, retained 365 days by default."
  }

  assert {
    condition = (
      length(jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement) == 1 &&
      jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0].Effect == "Allow" &&
      jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0].Action == "sts:AssumeRole" &&
      jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0].Principal == { Service = "vpc-flow-logs.amazonaws.com" }
    )
    error_message = "The flow-log role must be assumable by vpc-flow-logs.amazonaws.com only."
  }

  assert {
    condition = (
      jsondecode(aws_iam_role.flow_logs[0].assume_role_policy).Statement[0].Condition == {
        StringEquals = { "aws:SourceAccount" = "111111111111" }
        ArnLike      = { "aws:SourceArn" = "arn:aws:ec2:eu-west-1:111111111111:vpc-flow-log/*" }
      }
    )
    error_message = "The flow-log trust policy must be pinned to this account's flow logs (confused-deputy protection)."
  }

  assert {
    condition = (
      toset(flatten([for st in jsondecode(aws_iam_role_policy.flow_logs[0].policy).Statement : st.Action])) ==
      toset(["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:DescribeLogGroups"])
    )
    error_message = "The flow-log role may only create/describe streams, put events and describe groups."
  }

  assert {
    condition = alltrue([
      for st in jsondecode(aws_iam_role_policy.flow_logs[0].policy).Statement :
      st.Effect == "Allow" && (
        flatten([st.Resource]) == ["*"]
        ? flatten([st.Action]) == ["logs:DescribeLogGroups"]
        : alltrue([for r in flatten([st.Resource]) : startswith(r, "arn:aws:logs:eu-west-1:111111111111:log-group:/mlops-test/vpc-flow-logs")])
      )
    ])
    error_message = "Only logs:DescribeLogGroups may use Resource \"*\"; everything else must be scoped to the flow-log group."
  }

  # --- Tags --------------------------------------------------------------------

  assert {
    condition = alltrue([
      for t in concat(
        [aws_vpc.this[0].tags, aws_default_security_group.this[0].tags, aws_vpc_endpoint.s3[0].tags, aws_security_group.endpoints.tags,
        aws_security_group.sagemaker.tags, aws_cloudwatch_log_group.flow_logs[0].tags, aws_iam_role.flow_logs[0].tags, aws_flow_log.this[0].tags],
        [for s in aws_subnet.private : s.tags], [for r in aws_route_table.private : r.tags], [for e in aws_vpc_endpoint.interface : e.tags],
      ) : t["Environment"] == "test" && t["CostCenter"] == "ml" && startswith(t["Name"], "mlops-test-")
    ])
    error_message = "Every taggable resource must carry var.tags and a Name starting with name_prefix."
  }
}

# Apply against the mock provider so resource ids exist and cross-references
# (which group a rule belongs to, which route tables an endpoint uses) can be
# checked.
run "apply_wiring" {
  command = apply

  assert {
    condition = alltrue([
      for az, a in aws_route_table_association.private :
      a.subnet_id == aws_subnet.private[az].id && a.route_table_id == aws_route_table.private[az].id
    ])
    error_message = "Each private subnet must be associated with the route table of its own AZ."
  }

  assert {
    condition     = toset(aws_vpc_endpoint.s3[0].route_table_ids) == toset([for rt in aws_route_table.private : rt.id])
    error_message = "The S3 gateway endpoint must be attached to every private route table."
  }

  assert {
    condition = alltrue([
      for ep in aws_vpc_endpoint.interface :
      toset(ep.subnet_ids) == toset([for s in aws_subnet.private : s.id]) &&
      toset(ep.security_group_ids) == toset([aws_security_group.endpoints.id])
    ])
    error_message = "Interface endpoints must sit in all private subnets behind the endpoint security group only."
  }

  assert {
    condition = (
      aws_security_group_rule.endpoints_ingress_https_from_sagemaker.security_group_id == aws_security_group.endpoints.id &&
      aws_security_group_rule.endpoints_ingress_https_from_sagemaker.source_security_group_id == aws_security_group.sagemaker.id
    )
    error_message = "The endpoint group must accept HTTPS from the SageMaker group."
  }

  assert {
    # Whatever rules exist, none of them gives the endpoint group egress or a
    # non-443 ingress.
    condition = alltrue([
      for r in concat(
        [
          aws_security_group_rule.endpoints_ingress_https_from_sagemaker,
          aws_security_group_rule.sagemaker_ingress_self,
          aws_security_group_rule.sagemaker_egress_self,
          aws_security_group_rule.sagemaker_egress_https_endpoints,
          aws_security_group_rule.sagemaker_egress_https_s3,
        ],
        values(aws_security_group_rule.endpoints_ingress_https_from_allowed),
        aws_security_group_rule.sagemaker_egress_https_internet,
      ) :
      r.security_group_id != aws_security_group.endpoints.id || (r.type == "ingress" && r.protocol == "tcp" && r.from_port == 443 && r.to_port == 443)
    ])
    error_message = "The endpoint security group must have TCP 443 ingress only and no egress rule."
  }

  assert {
    condition = (
      aws_security_group_rule.sagemaker_ingress_self.security_group_id == aws_security_group.sagemaker.id &&
      aws_security_group_rule.sagemaker_egress_self.security_group_id == aws_security_group.sagemaker.id &&
      aws_security_group_rule.sagemaker_egress_https_endpoints.security_group_id == aws_security_group.sagemaker.id &&
      aws_security_group_rule.sagemaker_egress_https_endpoints.source_security_group_id == aws_security_group.endpoints.id &&
      aws_security_group_rule.sagemaker_egress_https_s3.security_group_id == aws_security_group.sagemaker.id &&
      aws_security_group_rule.sagemaker_egress_https_s3.prefix_list_ids == tolist([aws_vpc_endpoint.s3[0].prefix_list_id])
    )
    error_message = "SageMaker rules must target the SageMaker group and point at itself, the endpoint group and the S3 prefix list."
  }

  assert {
    condition = (
      aws_flow_log.this[0].vpc_id == aws_vpc.this[0].id &&
      aws_flow_log.this[0].log_destination == aws_cloudwatch_log_group.flow_logs[0].arn &&
      aws_flow_log.this[0].iam_role_arn == aws_iam_role.flow_logs[0].arn &&
      aws_iam_role_policy.flow_logs[0].role == aws_iam_role.flow_logs[0].id
    )
    error_message = "The flow log must cover the VPC and deliver to the module's log group with the module's role."
  }

  assert {
    # ingress/egress are computed when not configured, so this is checked
    # after (mock) apply: any configured rule would show up here.
    condition = (
      aws_default_security_group.this[0].vpc_id == aws_vpc.this[0].id &&
      length(aws_default_security_group.this[0].ingress) == 0 &&
      length(aws_default_security_group.this[0].egress) == 0
    )
    error_message = "The VPC's default security group must be managed with no ingress and no egress rules."
  }

  assert {
    condition = (
      tolist(output.private_subnet_ids) == tolist([for az in output.availability_zones : aws_subnet.private[az].id]) &&
      tolist(output.private_route_table_ids) == tolist([for az in output.availability_zones : aws_route_table.private[az].id]) &&
      output.interface_endpoint_ids == { for svc, ep in aws_vpc_endpoint.interface : svc => ep.id } &&
      output.s3_prefix_list_id == aws_vpc_endpoint.s3[0].prefix_list_id
    )
    error_message = "Outputs must expose the created ids in AZ order."
  }
}

run "flow_logs_role_is_bounded_by_its_own_delivery_policy" {
  command = plan

  assert {
    condition     = jsondecode(aws_iam_policy.flow_logs_boundary[0].policy) == jsondecode(aws_iam_role_policy.flow_logs[0].policy)
    error_message = "The flow-log role's boundary must be exactly its delivery policy."
  }

  assert {
    condition     = aws_iam_policy.flow_logs_boundary[0].name == "mlops-test-vpc-flow-logs-boundary"
    error_message = "The boundary is named <name_prefix>-vpc-flow-logs-boundary."
  }
}

# The endpoint policies: no bucket of another account by name, no principal of another account.

run "endpoint_policies_buckets_of_this_account_only_and_no_aws_owned_bucket_by_default" {
  command = plan

  assert {
    condition = [for s in jsondecode(aws_vpc_endpoint.s3[0].policy).Statement : s.Condition] == [
      { StringEquals = { "aws:ResourceAccount" = ["111111111111"] } },
      { StringEquals = { "aws:ResourceAccount" = ["111111111111"] } },
    ]
    error_message = "Every listed bucket is reachable only in this account (aws:ResourceAccount): a same-named bucket elsewhere is no exfiltration path."
  }

  assert {
    condition     = output.endpoint_policies.s3 == aws_vpc_endpoint.s3[0].policy
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

run "endpoint_policies_owner_accounts_and_aws_owned_buckets" {
  command = plan

  variables {
    s3_endpoint_bucket_owner_accounts     = ["222222222222"]
    s3_endpoint_aws_owned_bucket_arns     = ["arn:aws:s3:::prod-eu-west-1-starport-layer-bucket"]
    interface_endpoint_principal_accounts = ["333333333333", "111111111111"]
  }

  assert {
    condition     = jsondecode(aws_vpc_endpoint.s3[0].policy).Statement[0].Condition == { StringEquals = { "aws:ResourceAccount" = ["111111111111", "222222222222"] } }
    error_message = "The owner accounts are added to this account."
  }

  assert {
    condition = jsondecode(aws_vpc_endpoint.s3[0].policy).Statement[2] == {
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

run "endpoint_policies_accounts_must_be_account_ids" {
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

# ---------------------------------------------------------------------------
# existing_vpc_id: a VPC, subnets and route tables created outside the module.
# The module adds only the security groups, the endpoints not given, the S3
# gateway endpoint and the flow log.
# ---------------------------------------------------------------------------

run "existing_network_gets_only_what_is_missing" {
  command = plan

  variables {
    vpc_cidr                    = null
    private_subnet_cidrs        = []
    interface_endpoint_services = ["sagemaker.api", "sts", "logs"]
    existing_network = {
      vpc_id                 = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids     = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
      interface_endpoint_ids = { sts = "vpce-0eeeeeeeeeeeeeee1" }
    }
  }

  assert {
    condition     = length(aws_vpc.this) == 0 && length(aws_subnet.private) == 0 && length(aws_route_table.private) == 0 && length(aws_default_security_group.this) == 0
    error_message = "An existing VPC gets no VPC, subnet, route table or default security group of the module."
  }
  assert {
    condition     = toset(keys(aws_vpc_endpoint.interface)) == toset(["sagemaker.api", "logs"])
    error_message = "Only the interface endpoints not given as existing are created."
  }
  assert {
    condition = alltrue([for ep in aws_vpc_endpoint.interface : ep.vpc_id == "vpc-0a1b2c3d4e5f60718" &&
    ep.subnet_ids == toset(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"])])
    error_message = "Interface endpoints go into the existing VPC, one subnet per AZ (the first given of each)."
  }
  assert {
    condition     = aws_vpc_endpoint.s3[0].vpc_id == "vpc-0a1b2c3d4e5f60718" && aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0bbbbbbbbbbbbbbb1", "rtb-0bbbbbbbbbbbbbbb0"])
    error_message = "The S3 gateway endpoint serves the subnets' own route tables and the main table of a subnet without one."
  }
  assert {
    condition     = aws_security_group.sagemaker.vpc_id == "vpc-0a1b2c3d4e5f60718" && aws_security_group.endpoints.vpc_id == "vpc-0a1b2c3d4e5f60718"
    error_message = "The security groups are created in the existing VPC."
  }
  assert {
    condition     = keys(aws_security_group_rule.sagemaker_egress_https_existing_endpoints) == ["sg-0ccccccccccccccc1"]
    error_message = "The SageMaker group reaches the existing endpoints' security groups on 443."
  }
  assert {
    condition     = aws_flow_log.this[0].vpc_id == "vpc-0a1b2c3d4e5f60718" && aws_flow_log.this[0].traffic_type == "ALL"
    error_message = "The existing VPC gets the platform's flow log by default."
  }
  assert {
    condition = (
      output.vpc_id == "vpc-0a1b2c3d4e5f60718" && output.vpc_cidr == "10.99.0.0/16" &&
      output.private_subnet_ids == tolist(["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]) &&
      output.availability_zones == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1a"]) &&
      output.interface_endpoint_ids["sts"] == "vpce-0eeeeeeeeeeeeeee1"
    )
    error_message = "The outputs name the existing VPC, its subnets as given and the existing endpoints."
  }
}

run "existing_s3_gateway_endpoint_and_flow_logs" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    existing_network = {
      vpc_id                 = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids     = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
      s3_gateway_endpoint_id = "vpce-0ddddddddddddddd1"
      flow_logs              = "existing"
    }
  }

  assert {
    condition     = length(aws_vpc_endpoint.s3) == 0 && output.s3_gateway_endpoint_id == "vpce-0ddddddddddddddd1" && output.s3_prefix_list_id == "pl-6da54004"
    error_message = "An existing S3 gateway endpoint is used, not a second one created."
  }
  assert {
    condition     = aws_security_group_rule.sagemaker_egress_https_s3.prefix_list_ids == tolist(["pl-6da54004"])
    error_message = "The SageMaker group reaches S3 through the existing endpoint's prefix list."
  }
  assert {
    condition     = length(aws_flow_log.this) == 0 && length(aws_iam_role.flow_logs) == 0 && output.flow_log_group_name == null
    error_message = "create_flow_logs = false creates no flow log, log group or delivery role."
  }
}

run "given_route_tables_are_used" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    existing_network = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
      route_table_ids    = ["rtb-0fffffffffffffff1"]
    }
  }

  assert {
    condition     = aws_vpc_endpoint.s3[0].route_table_ids == toset(["rtb-0fffffffffffffff1"])
    error_message = "Given route tables are used as they are, without a look-up."
  }
}

run "existing_s3_endpoint_must_serve_every_route_table" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    existing_network = {
      vpc_id                 = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids     = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
      s3_gateway_endpoint_id = "vpce-0ddddddddddddddd1"
      route_table_ids        = ["rtb-0fffffffffffffff1"]
    }
  }

  expect_failures = [data.aws_vpc_endpoint.s3]
}

run "subnets_in_one_az_are_refused" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    existing_network = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa3"]
    }
  }

  expect_failures = [data.aws_vpc.existing]
}

run "subnet_of_another_vpc_is_refused" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    existing_network = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    }
  }

  override_data {
    target = data.aws_subnet.existing["subnet-0aaaaaaaaaaaaaaa2"]
    values = {
      vpc_id            = "vpc-0999999999999999f"
      availability_zone = "eu-west-1b"
    }
  }

  expect_failures = [data.aws_subnet.existing]
}

run "vpc_cidr_and_existing_vpc_are_exclusive" {
  command = plan

  variables {
    vpc_cidr             = "10.20.0.0/16"
    private_subnet_cidrs = []
    existing_network = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    }
  }

  expect_failures = [var.existing_network]
}

run "existing_ids_are_checked" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    existing_network = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids = ["subnet-12", "subnet-0aaaaaaaaaaaaaaa2"]
      route_table_ids    = ["rtb-XYZ"]
    }
  }

  expect_failures = [var.existing_network]
}

run "nat_is_refused_in_an_existing_vpc" {
  command = plan

  variables {
    vpc_cidr             = null
    private_subnet_cidrs = []
    internet_access      = "nat"
    existing_network = {
      vpc_id             = "vpc-0a1b2c3d4e5f60718"
      private_subnet_ids = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"]
    }
  }

  expect_failures = [var.existing_network]
}
