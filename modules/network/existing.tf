################################################################################
# The network the module works in: its own VPC, or one created outside it
# (existing_network). With an existing VPC the module creates only what the
# platform needs in it: the security groups, the interface endpoints not
# given in interface_endpoint_ids, the S3 gateway endpoint (unless
# s3_gateway_endpoint_id) and the flow log (unless flow_logs is "existing"). It never changes the VPC, its subnets, route tables or default
# security group.
################################################################################

locals {
  existing = var.existing_network == null ? {
    vpc_id = null, private_subnet_ids = [], route_table_ids = [], interface_endpoint_ids = {}, s3_gateway_endpoint_id = null, flow_logs = "create"
  } : var.existing_network
  existing_vpc_id                 = local.existing.vpc_id
  existing_private_subnet_ids     = local.existing.private_subnet_ids
  existing_interface_endpoint_ids = local.existing.interface_endpoint_ids
  existing_s3_gateway_endpoint_id = local.existing.s3_gateway_endpoint_id
  create_flow_logs                = local.existing.flow_logs == "create"

  create_vpc      = var.existing_network == null
  lookup_routes   = !local.create_vpc && length(local.existing.route_table_ids) == 0
  existing_subnet = { for id in local.existing_private_subnet_ids : id => data.aws_subnet.existing[id].availability_zone }

  vpc_id = local.create_vpc ? aws_vpc.this[0].id : data.aws_vpc.existing[0].id
  private_subnet_ids = (
    local.create_vpc ? [for az in local.azs : aws_subnet.private[az].id] : local.existing_private_subnet_ids
  )
  subnet_azs = local.create_vpc ? local.azs : [for id in local.existing_private_subnet_ids : local.existing_subnet[id]]
  # An interface endpoint takes at most one subnet per AZ: the first given of each.
  endpoint_subnet_ids = [
    for az in distinct(local.subnet_azs) : local.private_subnet_ids[index(local.subnet_azs, az)]
  ]
  # The subnets' own route tables (or the VPC's main table for a subnet without one).
  existing_route_table_ids = length(local.existing.route_table_ids) > 0 ? local.existing.route_table_ids : distinct([
    for id in local.existing_private_subnet_ids :
    try(data.aws_route_tables.of_subnet[id].ids[0], data.aws_route_tables.main[0].ids[0])
  ])
  private_route_table_ids = (
    local.create_vpc ? [for az in local.azs : aws_route_table.private[az].id] : local.existing_route_table_ids
  )
  s3_gateway_endpoint_id = (
    local.existing_s3_gateway_endpoint_id == null ? aws_vpc_endpoint.s3[0].id : data.aws_vpc_endpoint.s3[0].id
  )
  s3_prefix_list_id = (
    local.existing_s3_gateway_endpoint_id == null ? aws_vpc_endpoint.s3[0].prefix_list_id : data.aws_vpc_endpoint.s3[0].prefix_list_id
  )
  # The security groups of the interface endpoints that exist already: the SageMaker group may reach them on 443.
  existing_endpoint_security_group_ids = toset(flatten([
    for endpoint in data.aws_vpc_endpoint.interface : endpoint.security_group_ids
  ]))
}

data "aws_vpc" "existing" {
  count = local.create_vpc ? 0 : 1

  id = local.existing_vpc_id

  lifecycle {
    postcondition {
      condition     = self.enable_dns_support && self.enable_dns_hostnames
      error_message = "The VPC ${local.existing_vpc_id} must have DNS support and DNS hostnames enabled: the interface endpoints' private DNS names resolve only then."
    }
    postcondition {
      condition     = length(distinct(values(local.existing_subnet))) >= 2
      error_message = "The subnets ${join(", ", local.existing_private_subnet_ids)} (existing_network.private_subnet_ids) are in ${length(distinct(values(local.existing_subnet)))} availability zone(s) (${join(", ", distinct(values(local.existing_subnet)))}); give subnets in at least two."
    }
  }
}

data "aws_subnet" "existing" {
  for_each = toset(local.existing_private_subnet_ids)

  id = each.key

  lifecycle {
    postcondition {
      condition     = self.vpc_id == local.existing_vpc_id
      error_message = "The subnet ${each.key} (existing_network.private_subnet_ids) is in ${self.vpc_id}, not in existing_network.vpc_id ${local.existing_vpc_id}."
    }
  }
}

data "aws_route_tables" "of_subnet" {
  for_each = local.lookup_routes ? toset(local.existing_private_subnet_ids) : toset([])

  vpc_id = local.existing_vpc_id

  filter {
    name   = "association.subnet-id"
    values = [each.key]
  }
}

data "aws_route_tables" "main" {
  count = local.lookup_routes ? 1 : 0

  vpc_id = local.existing_vpc_id

  filter {
    name   = "association.main"
    values = ["true"]
  }
}

data "aws_vpc_endpoint" "s3" {
  count = local.existing_s3_gateway_endpoint_id == null ? 0 : 1

  id = local.existing_s3_gateway_endpoint_id

  lifecycle {
    postcondition {
      condition = (
        self.vpc_id == local.existing_vpc_id && self.vpc_endpoint_type == "Gateway" &&
        self.service_name == "${local.service_prefix}.${local.region}.s3" &&
        length(setsubtract(local.existing_route_table_ids, self.route_table_ids)) == 0
      )
      error_message = "The endpoint ${local.existing_s3_gateway_endpoint_id} (existing_network.s3_gateway_endpoint_id) must be an S3 gateway endpoint of ${local.existing_vpc_id} associated with every route table of the private subnets (${join(", ", local.existing_route_table_ids)}); it is a ${self.vpc_endpoint_type} endpoint of ${self.service_name} in ${self.vpc_id} with ${join(", ", self.route_table_ids)}."
    }
  }
}

data "aws_vpc_endpoint" "interface" {
  for_each = local.existing_interface_endpoint_ids

  id = each.value

  lifecycle {
    postcondition {
      condition = (
        self.vpc_id == local.existing_vpc_id && self.vpc_endpoint_type == "Interface" &&
        self.service_name == "${local.service_prefix}.${local.region}.${each.key}"
      )
      error_message = "The endpoint ${each.value} (existing_network.interface_endpoint_ids.${each.key}) must be an interface endpoint of ${local.service_prefix}.${local.region}.${each.key} in ${local.existing_vpc_id}; it is a ${self.vpc_endpoint_type} endpoint of ${self.service_name} in ${self.vpc_id}."
    }
  }
}

resource "aws_security_group_rule" "sagemaker_egress_https_existing_endpoints" {
  for_each = local.existing_endpoint_security_group_ids

  type                     = "egress"
  security_group_id        = aws_security_group.sagemaker.id
  protocol                 = "tcp"
  from_port                = 443
  to_port                  = 443
  source_security_group_id = each.value
  description              = "HTTPS to the interface VPC endpoints that existed before the platform (group ${each.value})"
}
