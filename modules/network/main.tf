################################################################################
# Context
################################################################################

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

# Regular availability zones only (no Local Zones / Wavelength zones).
data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394: The result set cannot silently widen what the module deploys: only the first length(private_subnet_cidrs) names (sorted) are used, and a newly added AZ gets the next letter so it never displaces them. Pinning zone names/ids would mean hard-coding them, which the platform conventions forbid (no AZ names in code).
  state = "available"

  filter {
    name   = "zone-type"
    values = ["availability-zone"]
  }
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  # "com.amazonaws" in the aws partition; used to build endpoint service names.
  service_prefix = data.aws_partition.current.reverse_dns_prefix

  nat_enabled   = var.internet_access == "nat"
  anywhere_ipv4 = "0.0.0.0/0"

  # One AZ per private subnet, taking AZ names alphabetically. min() keeps
  # the expression valid when the region has too few AZs; the precondition on
  # aws_vpc.this then reports the problem.
  az_names = sort(data.aws_availability_zones.available.names)
  az_count = min(length(local.az_names), length(var.private_subnet_cidrs))
  azs      = slice(local.az_names, 0, local.az_count)

  private_subnets = { for i, az in local.azs : az => var.private_subnet_cidrs[i] }
  public_subnets = local.nat_enabled ? {
    for i, az in local.azs : az => var.public_subnet_cidrs[i] if i < length(var.public_subnet_cidrs)
  } : {}

  flow_log_group_name = "/${var.name_prefix}/vpc-flow-logs"
  # Built from known values (instead of the resource attribute) so the IAM
  # policy is fully known at plan time and reviewable in the plan.
  flow_log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${local.flow_log_group_name}"
}

################################################################################
# VPC
################################################################################

resource "aws_vpc" "this" {
  count = local.create_vpc ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true

  tags = merge(var.tags, { Name = "${var.name_prefix}-vpc" })

  lifecycle {
    precondition {
      condition     = length(data.aws_availability_zones.available.names) >= length(var.private_subnet_cidrs)
      error_message = "The region has ${length(data.aws_availability_zones.available.names)} available availability zone(s) but private_subnet_cidrs asks for ${length(var.private_subnet_cidrs)}; pass at most that many subnets."
    }
  }
}

# Adopt the VPC's default security group and strip all of its rules, so
# nothing can accidentally be launched into an open group.
resource "aws_default_security_group" "this" {
  count = local.create_vpc ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name_prefix}-default-deny-all" })
}

################################################################################
# Private subnets (one per AZ, one route table per AZ)
################################################################################

resource "aws_subnet" "private" {
  for_each = local.private_subnets

  vpc_id                  = aws_vpc.this[0].id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name_prefix}-private-${each.key}" })
}

resource "aws_route_table" "private" {
  for_each = local.private_subnets

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name_prefix}-private-${each.key}" })
}

resource "aws_route_table_association" "private" {
  for_each = local.private_subnets

  subnet_id      = aws_subnet.private[each.key].id
  route_table_id = aws_route_table.private[each.key].id
}

################################################################################
# Optional egress: public subnets, IGW, one NAT gateway per AZ
################################################################################

resource "aws_subnet" "public" {
  for_each = local.public_subnets

  vpc_id            = aws_vpc.this[0].id
  cidr_block        = each.value
  availability_zone = each.key
  # Only NAT gateways live here; nothing gets a public IP implicitly.
  map_public_ip_on_launch = false

  tags = merge(var.tags, { Name = "${var.name_prefix}-public-${each.key}" })
}

resource "aws_internet_gateway" "this" {
  count = local.nat_enabled ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name_prefix}-igw" })
}

resource "aws_route_table" "public" {
  count = local.nat_enabled ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = merge(var.tags, { Name = "${var.name_prefix}-public" })
}

resource "aws_route" "public_internet" {
  count = local.nat_enabled ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = local.anywhere_ipv4
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  for_each = local.public_subnets

  subnet_id      = aws_subnet.public[each.key].id
  route_table_id = aws_route_table.public[0].id
}

resource "aws_eip" "nat" {
  for_each = local.public_subnets

  domain = "vpc"

  tags = merge(var.tags, { Name = "${var.name_prefix}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = local.public_subnets

  allocation_id = aws_eip.nat[each.key].id
  subnet_id     = aws_subnet.public[each.key].id

  tags = merge(var.tags, { Name = "${var.name_prefix}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

# Each private route table sends internet traffic to the NAT gateway of its
# own AZ, so an AZ outage does not cut the others off.
resource "aws_route" "private_nat" {
  for_each = local.nat_enabled ? local.private_subnets : {}

  route_table_id         = aws_route_table.private[each.key].id
  destination_cidr_block = local.anywhere_ipv4
  nat_gateway_id         = aws_nat_gateway.this[each.key].id
}

################################################################################
# S3 gateway endpoint (bucket-scoped)
################################################################################

locals {
  # Buckets are reached by name, and a name can be taken in any account: the
  # listed buckets are reachable only when they belong to this account or to
  # one of s3_endpoint_bucket_owner_accounts (aws:ResourceAccount), so a
  # same-named bucket elsewhere is no way out of the VPC. AWS-owned buckets
  # (e.g. ECR's layer bucket) are read-only and have no account condition.
  s3_bucket_owner_accounts = distinct(concat([local.account_id], var.s3_endpoint_bucket_owner_accounts))
  s3_bucket_owners         = { StringEquals = { "aws:ResourceAccount" = local.s3_bucket_owner_accounts } }

  s3_endpoint_policy = {
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "AllowListedBuckets"
        Effect    = "Allow"
        Principal = "*"
        Action = [
          "s3:GetBucketLocation",
          "s3:ListBucket",
          "s3:ListBucketMultipartUploads",
          "s3:ListBucketVersions",
        ]
        Resource  = var.s3_endpoint_allowed_bucket_arns
        Condition = local.s3_bucket_owners
      },
      {
        Sid       = "AllowObjectsInListedBuckets"
        Effect    = "Allow"
        Principal = "*"
        Action = [
          "s3:AbortMultipartUpload",
          "s3:DeleteObject",
          "s3:GetObject",
          "s3:GetObjectTagging",
          "s3:GetObjectVersion",
          "s3:ListMultipartUploadParts",
          "s3:PutObject",
          "s3:PutObjectTagging",
        ]
        Resource  = [for arn in var.s3_endpoint_allowed_bucket_arns : "${arn}/*"]
        Condition = local.s3_bucket_owners
      },
      ], length(var.s3_endpoint_aws_owned_bucket_arns) == 0 ? [] : [
      {
        Sid       = "ReadAwsOwnedBuckets"
        Effect    = "Allow"
        Principal = "*"
        Action    = "s3:GetObject"
        Resource  = [for arn in var.s3_endpoint_aws_owned_bucket_arns : "${arn}/*"]
      },
    ])
  }

  # Interface endpoints serve only principals of this account (and of
  # interface_endpoint_principal_accounts): the default policy would let any
  # principal, of any account, use them from inside the VPC.
  interface_endpoint_policy = {
    Version = "2012-10-17"
    Statement = [{
      Sid       = "OnlyPrincipalsOfTheseAccounts"
      Effect    = "Allow"
      Principal = "*"
      Action    = "*"
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalAccount" = distinct(concat([local.account_id], var.interface_endpoint_principal_accounts)) } }
    }]
  }
}

resource "aws_vpc_endpoint" "s3" {
  count = local.existing_s3_gateway_endpoint_id == null ? 1 : 0

  vpc_id            = local.vpc_id
  service_name      = "${local.service_prefix}.${local.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = local.private_route_table_ids
  policy            = jsonencode(local.s3_endpoint_policy)

  tags = merge(var.tags, { Name = "${var.name_prefix}-s3-gateway" })
}

################################################################################
# Interface endpoints
################################################################################

resource "aws_vpc_endpoint" "interface" {
  for_each = setsubtract(toset(var.interface_endpoint_services), keys(local.existing_interface_endpoint_ids))

  vpc_id              = local.vpc_id
  service_name        = "${local.service_prefix}.${local.region}.${each.key}"
  vpc_endpoint_type   = "Interface"
  subnet_ids          = local.endpoint_subnet_ids
  security_group_ids  = [aws_security_group.endpoints.id]
  private_dns_enabled = true
  policy              = jsonencode(local.interface_endpoint_policy)

  tags = merge(var.tags, { Name = "${var.name_prefix}-${replace(each.key, ".", "-")}" })
}

################################################################################
# Security groups
#
# Rules are separate aws_security_group_rule resources (no inline rules), so
# the groups can reference each other without a dependency cycle. An
# aws_security_group without egress blocks has AWS's default allow-all egress
# rule removed by the provider on creation.
################################################################################

resource "aws_security_group" "endpoints" {
  name        = "${var.name_prefix}-vpc-endpoints"
  description = "Interface VPC endpoints: HTTPS in from the SageMaker group and allowed groups only, no egress"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name_prefix}-vpc-endpoints" })
}

resource "aws_security_group" "sagemaker" {
  # checkov:skip=CKV2_AWS_5: Attached by the SageMaker stacks (Studio domain, training/processing jobs, endpoints) that consume this module's sagemaker_security_group_id output; the network module itself launches no ENIs into it.
  name        = "${var.name_prefix}-sagemaker"
  description = "SageMaker Studio apps, training and processing jobs and endpoints"
  vpc_id      = local.vpc_id

  tags = merge(var.tags, { Name = "${var.name_prefix}-sagemaker" })
}

# --- Endpoint security group: ingress HTTPS only, no egress -------------------

resource "aws_security_group_rule" "endpoints_ingress_https_from_sagemaker" {
  type                     = "ingress"
  security_group_id        = aws_security_group.endpoints.id
  protocol                 = "tcp"
  from_port                = 443
  to_port                  = 443
  source_security_group_id = aws_security_group.sagemaker.id
  description              = "HTTPS from the SageMaker security group"
}

resource "aws_security_group_rule" "endpoints_ingress_https_from_allowed" {
  # Keyed by group id so re-ordering the input never replaces rules. The ids
  # must therefore be known at plan time (e.g. read from another stack).
  for_each = toset(var.endpoint_allowed_security_group_ids)

  type                     = "ingress"
  security_group_id        = aws_security_group.endpoints.id
  protocol                 = "tcp"
  from_port                = 443
  to_port                  = 443
  source_security_group_id = each.value
  description              = "HTTPS from allowed security group ${each.value}"
}

# --- SageMaker security group -----------------------------------------------

resource "aws_security_group_rule" "sagemaker_ingress_self" {
  type              = "ingress"
  security_group_id = aws_security_group.sagemaker.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  self              = true
  description       = "All traffic between members of this group (distributed training, Studio apps)"
}

resource "aws_security_group_rule" "sagemaker_egress_self" {
  type              = "egress"
  security_group_id = aws_security_group.sagemaker.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  self              = true
  description       = "All traffic to members of this group (distributed training, Studio apps)"
}

resource "aws_security_group_rule" "sagemaker_egress_https_endpoints" {
  type                     = "egress"
  security_group_id        = aws_security_group.sagemaker.id
  protocol                 = "tcp"
  from_port                = 443
  to_port                  = 443
  source_security_group_id = aws_security_group.endpoints.id
  description              = "HTTPS to the interface VPC endpoints"
}

resource "aws_security_group_rule" "sagemaker_egress_https_s3" {
  type              = "egress"
  security_group_id = aws_security_group.sagemaker.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_ids   = [local.s3_prefix_list_id]
  description       = "HTTPS to S3 through the gateway endpoint"
}

resource "aws_security_group_rule" "sagemaker_egress_https_internet" {
  count = local.nat_enabled ? 1 : 0

  type              = "egress"
  security_group_id = aws_security_group.sagemaker.id
  protocol          = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_blocks       = [local.anywhere_ipv4]
  description       = "HTTPS to the internet through the NAT gateways (internet_access = nat only)"
}

################################################################################
# Flow logs
################################################################################

locals {
  flow_logs_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowVpcFlowLogsFromThisAccount"
        Effect    = "Allow"
        Principal = { Service = "vpc-flow-logs.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:ec2:${local.region}:${local.account_id}:vpc-flow-log/*" }
        }
      },
    ]
  }

  flow_logs_role_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "WriteFlowLogStreams"
        Effect = "Allow"
        Action = [
          "logs:CreateLogStream",
          "logs:PutLogEvents",
        ]
        Resource = ["${local.flow_log_group_arn}:*"]
      },
      {
        Sid      = "DescribeFlowLogStreams"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogStreams"]
        Resource = [local.flow_log_group_arn, "${local.flow_log_group_arn}:*"]
      },
      {
        # logs:DescribeLogGroups supports no resource-level permissions (the
        # Service Authorization Reference lists no resource type for it), so
        # it can only be granted on "*". It is read-only metadata.
        Sid      = "DescribeLogGroupsNoResourceLevelSupport"
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = "*"
      },
    ]
  }
}

resource "aws_cloudwatch_log_group" "flow_logs" {
  count = local.create_flow_logs ? 1 : 0

  name              = local.flow_log_group_name
  retention_in_days = var.flow_logs_retention_days
  kms_key_id        = var.flow_logs_kms_key_arn

  tags = merge(var.tags, { Name = "${var.name_prefix}-vpc-flow-logs" })

  lifecycle {
    precondition {
      condition = (
        split(":", var.flow_logs_kms_key_arn)[1] == local.partition &&
        split(":", var.flow_logs_kms_key_arn)[3] == local.region
      )
      error_message = "The variable flow_logs_kms_key_arn must reference a KMS key in partition \"${local.partition}\" and region \"${local.region}\"; CloudWatch Logs cannot use a key from another region."
    }
  }
}

# The role's permission boundary is its own delivery policy: whatever is attached to the role
# later, it can never do more than write this VPC's flow logs to this log group.
resource "aws_iam_policy" "flow_logs_boundary" {
  count = local.create_flow_logs ? 1 : 0

  name        = "${var.name_prefix}-vpc-flow-logs-boundary"
  description = "Permission boundary of ${var.name_prefix}-vpc-flow-logs: flow-log delivery to its log group only"
  policy      = jsonencode(local.flow_logs_role_policy)

  tags = merge(var.tags, { Name = "${var.name_prefix}-vpc-flow-logs-boundary" })
}

resource "aws_iam_role" "flow_logs" {
  count = local.create_flow_logs ? 1 : 0

  name                 = "${var.name_prefix}-vpc-flow-logs"
  description          = "Lets VPC Flow Logs of ${var.name_prefix} deliver to its CloudWatch log group"
  assume_role_policy   = jsonencode(local.flow_logs_trust_policy)
  permissions_boundary = aws_iam_policy.flow_logs_boundary[0].arn

  tags = merge(var.tags, { Name = "${var.name_prefix}-vpc-flow-logs" })
}

resource "aws_iam_role_policy" "flow_logs" {
  count = local.create_flow_logs ? 1 : 0

  name   = "${var.name_prefix}-vpc-flow-logs-delivery"
  role   = aws_iam_role.flow_logs[0].id
  policy = jsonencode(local.flow_logs_role_policy)
}

resource "aws_flow_log" "this" {
  count = local.create_flow_logs ? 1 : 0

  # The VPC by its resource when the module creates it (checkov's CKV2_AWS_11 follows that reference).
  vpc_id               = local.create_vpc ? aws_vpc.this[0].id : data.aws_vpc.existing[0].id
  traffic_type         = "ALL"
  log_destination_type = "cloud-watch-logs"
  log_destination      = aws_cloudwatch_log_group.flow_logs[0].arn
  iam_role_arn         = aws_iam_role.flow_logs[0].arn

  tags = merge(var.tags, { Name = "${var.name_prefix}-vpc-flow-logs" })

  depends_on = [aws_iam_role_policy.flow_logs]
}
