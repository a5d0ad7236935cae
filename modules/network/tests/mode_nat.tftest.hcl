# internet_access = "nat": per-AZ NAT gateways behind one internet gateway.

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
  name_prefix                         = "mlops-test"
  vpc_cidr                            = "10.20.0.0/16"
  private_subnet_cidrs                = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20"]
  interface_endpoint_services         = ["sagemaker.api", "sagemaker.runtime", "sts", "logs", "kms", "ecr.api", "ecr.dkr"]
  s3_endpoint_allowed_bucket_arns     = ["arn:aws:s3:::mlops-test-data", "arn:aws:s3:::mlops-test-models"]
  flow_logs_kms_key_arn               = "arn:aws:kms:eu-west-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  internet_access                     = "nat"
  public_subnet_cidrs                 = ["10.20.240.0/24", "10.20.241.0/24", "10.20.242.0/24"]
  endpoint_allowed_security_group_ids = ["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2"]
  tags = {
    Environment = "test"
  }
}

run "plan_nat_network" {
  command = plan

  assert {
    condition     = length(aws_internet_gateway.this) == 1 && length(aws_route_table.public) == 1
    error_message = "Mode nat must create exactly one internet gateway and one public route table."
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3
    error_message = "Mode nat must create one NAT gateway and one Elastic IP per AZ."
  }

  assert {
    condition     = alltrue([for e in aws_eip.nat : e.domain == "vpc"])
    error_message = "NAT Elastic IPs must be VPC-domain addresses."
  }

  assert {
    condition = (
      { for az, s in aws_subnet.public : az => s.cidr_block } == {
        "eu-west-1a" = "10.20.240.0/24"
        "eu-west-1b" = "10.20.241.0/24"
        "eu-west-1c" = "10.20.242.0/24"
      }
    )
    error_message = "Public subnet i must get public_subnet_cidrs[i] in AZ i."
  }

  assert {
    condition     = alltrue([for az, s in aws_subnet.public : s.availability_zone == az && s.map_public_ip_on_launch == false])
    error_message = "Public subnets must not assign public IPs on launch."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.private : s.map_public_ip_on_launch == false]) && length(aws_subnet.private) == 3
    error_message = "Private subnets must not assign public IPs on launch."
  }

  assert {
    condition     = aws_route.public_internet[0].destination_cidr_block == "0.0.0.0/0"
    error_message = "The public route table must have a default route."
  }

  assert {
    condition = (
      toset(keys(aws_route.private_nat)) == toset(["eu-west-1a", "eu-west-1b", "eu-west-1c"]) &&
      alltrue([for r in aws_route.private_nat : r.destination_cidr_block == "0.0.0.0/0"])
    )
    error_message = "Every private route table must get a default route in mode nat."
  }

  assert {
    condition = (
      length(aws_security_group_rule.sagemaker_egress_https_internet) == 1 &&
      aws_security_group_rule.sagemaker_egress_https_internet[0].type == "egress" &&
      aws_security_group_rule.sagemaker_egress_https_internet[0].protocol == "tcp" &&
      aws_security_group_rule.sagemaker_egress_https_internet[0].from_port == 443 &&
      aws_security_group_rule.sagemaker_egress_https_internet[0].to_port == 443 &&
      aws_security_group_rule.sagemaker_egress_https_internet[0].cidr_blocks == tolist(["0.0.0.0/0"])
    )
    error_message = "Mode nat must add exactly one SageMaker egress rule: TCP 443 to 0.0.0.0/0."
  }

  assert {
    condition = (
      toset([for r in aws_security_group_rule.endpoints_ingress_https_from_allowed : r.source_security_group_id]) ==
      toset(["sg-0aaaaaaaaaaaaaaa1", "sg-0bbbbbbbbbbbbbbb2"]) &&
      alltrue([
        for r in aws_security_group_rule.endpoints_ingress_https_from_allowed :
        r.type == "ingress" && r.protocol == "tcp" && r.from_port == 443 && r.to_port == 443 && try(length(r.cidr_blocks), 0) == 0
      ])
    )
    error_message = "Each allowed security group must get exactly one TCP 443 ingress rule on the endpoint group."
  }

  assert {
    condition     = alltrue([for t in concat([for n in aws_nat_gateway.this : n.tags], [for e in aws_eip.nat : e.tags], [for s in aws_subnet.public : s.tags], [aws_internet_gateway.this[0].tags, aws_route_table.public[0].tags]) : t["Environment"] == "test" && startswith(t["Name"], "mlops-test-")])
    error_message = "NAT-mode resources must carry var.tags and a Name starting with name_prefix."
  }
}

run "apply_nat_wiring" {
  command = apply

  assert {
    condition = alltrue([
      for az, r in aws_route.private_nat :
      r.route_table_id == aws_route_table.private[az].id && r.nat_gateway_id == aws_nat_gateway.this[az].id
    ])
    error_message = "Each private route table must route 0.0.0.0/0 to the NAT gateway of its own AZ."
  }

  assert {
    condition = alltrue([
      for az, n in aws_nat_gateway.this :
      n.subnet_id == aws_subnet.public[az].id && n.allocation_id == aws_eip.nat[az].id
    ])
    error_message = "Each NAT gateway must sit in the public subnet of its AZ with its own Elastic IP."
  }

  assert {
    condition = (
      aws_route.public_internet[0].route_table_id == aws_route_table.public[0].id &&
      aws_route.public_internet[0].gateway_id == aws_internet_gateway.this[0].id &&
      alltrue([for az, a in aws_route_table_association.public : a.subnet_id == aws_subnet.public[az].id && a.route_table_id == aws_route_table.public[0].id])
    )
    error_message = "Public subnets must use the public route table whose default route targets the internet gateway."
  }

  assert {
    condition = (
      aws_security_group_rule.sagemaker_egress_https_internet[0].security_group_id == aws_security_group.sagemaker.id &&
      alltrue([for r in aws_security_group_rule.endpoints_ingress_https_from_allowed : r.security_group_id == aws_security_group.endpoints.id])
    )
    error_message = "Internet egress belongs to the SageMaker group and allowed-group ingress to the endpoint group."
  }

  assert {
    # The endpoint group still has no egress and only HTTPS ingress when NAT is on.
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
      tolist(output.public_subnet_ids) == tolist([for az in output.availability_zones : aws_subnet.public[az].id]) &&
      tolist(output.nat_gateway_ids) == tolist([for az in output.availability_zones : aws_nat_gateway.this[az].id])
    )
    error_message = "Public subnet and NAT gateway outputs must list the ids in AZ order."
  }
}

# Switching an existing network from nat back to none must remove every
# internet-facing resource.
run "switch_back_to_none" {
  command = plan

  variables {
    internet_access     = "none"
    public_subnet_cidrs = []
  }

  assert {
    condition = (
      length(aws_internet_gateway.this) == 0 && length(aws_nat_gateway.this) == 0 && length(aws_eip.nat) == 0 &&
      length(aws_subnet.public) == 0 && length(aws_route.private_nat) == 0 && length(aws_route.public_internet) == 0 &&
      length(aws_security_group_rule.sagemaker_egress_https_internet) == 0
    )
    error_message = "Leaving nat mode must plan the removal of all internet-facing resources and rules."
  }
}

run "four_azs" {
  command = plan

  variables {
    private_subnet_cidrs = ["10.20.0.0/20", "10.20.16.0/20", "10.20.32.0/20", "10.20.48.0/20"]
    public_subnet_cidrs  = ["10.20.240.0/24", "10.20.241.0/24", "10.20.242.0/24", "10.20.243.0/24"]
  }

  assert {
    condition = (
      output.availability_zones == tolist(["eu-west-1a", "eu-west-1b", "eu-west-1c", "eu-west-1d"]) &&
      length(aws_nat_gateway.this) == 4 && length(aws_route.private_nat) == 4 && length(aws_route_table.private) == 4
    )
    error_message = "Four private subnets must spread over four AZs, each with its own NAT gateway and route table."
  }
}
