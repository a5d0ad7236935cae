################################################################################
# Naming and tagging
################################################################################

variable "name_prefix" {
  description = "Prefix for every name and Name tag created by this module, e.g. \"mlops-dev\". 3-32 characters: lower-case letters, digits and hyphens, starting with a letter and not ending with a hyphen."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "The variable name_prefix must be 3-32 characters of lower-case letters, digits and hyphens, start with a letter and end with a letter or digit (regex ^[a-z][a-z0-9-]{1,30}[a-z0-9]$)."
  }
}

variable "tags" {
  description = "Tags applied to every taggable resource created by this module (a Name tag is added per resource)."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.tags) : !startswith(lower(k), "aws:")])
    error_message = "The variable tags must not contain keys starting with \"aws:\"; that prefix is reserved by AWS."
  }

  validation {
    condition     = alltrue([for k, v in var.tags : length(k) >= 1 && length(k) <= 128 && length(v) <= 256])
    error_message = "The variable tags may only contain keys of 1-128 characters and values of at most 256 characters."
  }
}

################################################################################
# Addressing
################################################################################

variable "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC the module creates, written with its network address, prefix length /16 to /24 (e.g. \"10.20.0.0/16\"). Null with existing_network."
  type        = string
  default     = null

  validation {
    condition = var.vpc_cidr == null ? true : (
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", var.vpc_cidr)) &&
      try(cidrhost(var.vpc_cidr, 0) == split("/", var.vpc_cidr)[0], false)
    )
    error_message = "The variable vpc_cidr must be a valid IPv4 CIDR block written with its network address (e.g. \"10.20.0.0/16\", not \"10.20.1.0/16\")."
  }

  validation {
    # Malformed values are reported by the rule above only.
    condition     = try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24, true)
    error_message = "The variable vpc_cidr must have a prefix length between /16 and /24 (the range AWS allows for a VPC block that holds several subnets)."
  }
}

variable "private_subnet_cidrs" {
  description = "IPv4 CIDR blocks of the private subnets the module creates, one per availability zone (2-4 entries; the number of AZs used equals the length). Each must lie inside vpc_cidr, use a /16 to /28 prefix and not overlap any other subnet. Empty with existing_network."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition = (
      var.existing_network == null
      ? length(var.private_subnet_cidrs) >= 2 && length(var.private_subnet_cidrs) <= 4
      : length(var.private_subnet_cidrs) == 0
    )
    error_message = "The variable private_subnet_cidrs must contain between 2 and 4 CIDR blocks (one per availability zone), and none with existing_network (the VPC's subnets are existing_network.private_subnet_ids)."
  }

  validation {
    condition = alltrue([
      for c in var.private_subnet_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) &&
      try(cidrhost(c, 0) == split("/", c)[0], false) &&
      try(tonumber(split("/", c)[1]) >= 16 && tonumber(split("/", c)[1]) <= 28, false)
    ])
    error_message = "The variable private_subnet_cidrs may only contain valid IPv4 CIDR blocks written with their network address and a prefix length between /16 and /28 (e.g. \"10.20.0.0/20\")."
  }

  validation {
    # Re-mask the subnet's address to the VPC prefix length: it must give the
    # VPC network address. Malformed values are reported by the format rule.
    condition = alltrue([
      for c in var.private_subnet_cidrs : try(
        tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) &&
        cidrhost("${split("/", c)[0]}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0),
        true
      )
    ])
    error_message = "The variable private_subnet_cidrs may only contain CIDR blocks that lie entirely inside vpc_cidr."
  }

  validation {
    condition     = length(distinct(var.private_subnet_cidrs)) == length(var.private_subnet_cidrs)
    error_message = "The variable private_subnet_cidrs must not contain duplicate CIDR blocks."
  }

  validation {
    # Two blocks overlap when re-masking both to the shorter prefix length
    # yields the same network address. Exact duplicates are reported above.
    condition = alltrue(flatten([
      for i, a in var.private_subnet_cidrs : [
        for j, b in var.private_subnet_cidrs : try(
          cidrhost("${split("/", a)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) !=
          cidrhost("${split("/", b)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0),
          true
        ) if j > i && a != b
      ]
    ]))
    error_message = "The variable private_subnet_cidrs must not contain overlapping CIDR blocks."
  }
}

################################################################################
# An existing network (instead of vpc_cidr and private_subnet_cidrs)
################################################################################

variable "existing_network" {
  description = <<-EOT
    A VPC created outside the module to work in instead of creating one (then vpc_cidr is null, private_subnet_cidrs empty and internet_access "none"); the module never changes it, its subnets, route tables or default security group. vpc_id: the VPC (DNS support and DNS hostnames on). private_subnet_ids: 2-16 subnets of it in at least two AZs for the workloads and the interface endpoints (the first given of each AZ). route_table_ids: the route tables the S3 gateway endpoint is associated with; empty: each subnet's own, or the VPC's main table. interface_endpoint_ids: interface endpoints the VPC already has, service short name => endpoint id; the module creates none for these and lets the SageMaker group reach their security groups on TCP 443 (those groups must admit HTTPS from the subnets). s3_gateway_endpoint_id: an S3 gateway endpoint already associated with every route table, used instead of creating one; its policy is its owner's (s3_endpoint_allowed_bucket_arns is not applied). flow_logs: "create" (the module adds its flow log) or "existing" (the VPC has flow logs already).
  EOT
  type = object({
    vpc_id                 = string
    private_subnet_ids     = list(string)
    route_table_ids        = optional(list(string), [])
    interface_endpoint_ids = optional(map(string), {})
    s3_gateway_endpoint_id = optional(string)
    flow_logs              = optional(string, "create")
  })
  default = null

  validation {
    condition     = var.existing_network == null ? true : can(regex("^vpc-([0-9a-f]{8}|[0-9a-f]{17})$", var.existing_network.vpc_id))
    error_message = "existing_network.vpc_id must be a VPC id vpc-<8 or 17 lower-case hex digits>; got ${jsonencode(try(var.existing_network.vpc_id, null))}."
  }

  validation {
    condition     = (var.existing_network == null) != (var.vpc_cidr == null)
    error_message = "Give exactly one of vpc_cidr (the module creates the VPC) and existing_network (a VPC created outside it)."
  }

  validation {
    condition     = var.existing_network == null || var.internet_access == "none"
    error_message = "internet_access must be \"none\" with existing_network: the module creates no NAT in a network it does not own."
  }

  validation {
    condition = var.existing_network == null ? true : (
      alltrue([for id in var.existing_network.private_subnet_ids : can(regex("^subnet-([0-9a-f]{8}|[0-9a-f]{17})$", id))]) &&
      length(distinct(var.existing_network.private_subnet_ids)) == length(var.existing_network.private_subnet_ids) &&
      length(var.existing_network.private_subnet_ids) >= 2 && length(var.existing_network.private_subnet_ids) <= 16
    )
    error_message = "existing_network.private_subnet_ids must hold 2-16 distinct subnet ids subnet-<8 or 17 lower-case hex digits>; got ${jsonencode(try(var.existing_network.private_subnet_ids, null))}."
  }

  validation {
    condition = var.existing_network == null ? true : (
      alltrue([for id in var.existing_network.route_table_ids : can(regex("^rtb-([0-9a-f]{8}|[0-9a-f]{17})$", id))]) &&
      length(distinct(var.existing_network.route_table_ids)) == length(var.existing_network.route_table_ids)
    )
    error_message = "existing_network.route_table_ids must hold distinct route table ids rtb-<8 or 17 lower-case hex digits>; got ${jsonencode(try(var.existing_network.route_table_ids, null))}."
  }

  validation {
    condition = var.existing_network == null ? true : alltrue([
      for id in concat(values(var.existing_network.interface_endpoint_ids), compact([var.existing_network.s3_gateway_endpoint_id])) :
      can(regex("^vpce-([0-9a-f]{8}|[0-9a-f]{17})$", id))
    ])
    error_message = "existing_network.interface_endpoint_ids and s3_gateway_endpoint_id must be VPC endpoint ids vpce-<8 or 17 lower-case hex digits>."
  }

  validation {
    condition     = var.existing_network == null ? true : contains(["create", "existing"], var.existing_network.flow_logs)
    error_message = "existing_network.flow_logs must be \"create\" or \"existing\"; got ${jsonencode(try(var.existing_network.flow_logs, null))}."
  }
}

################################################################################
# Internet access
################################################################################

variable "internet_access" {
  description = "Outbound internet access for the private subnets: \"none\" (default; no IGW, no NAT, no public subnets, no default route - AWS services only through VPC endpoints) or \"nat\" (public subnets, an internet gateway and one NAT gateway per AZ; the SageMaker security group may additionally reach 0.0.0.0/0 on TCP 443)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "nat"], var.internet_access)
    error_message = "The variable internet_access must be either \"none\" or \"nat\"."
  }
}

variable "public_subnet_cidrs" {
  description = "IPv4 CIDR blocks of the public (NAT) subnets, one per AZ in the same order as private_subnet_cidrs. Must be empty when internet_access = \"none\" and exactly as long as private_subnet_cidrs when internet_access = \"nat\". Same format, containment and overlap rules as private_subnet_cidrs."
  type        = list(string)
  default     = []

  validation {
    condition = (
      var.internet_access == "nat"
      ? length(var.public_subnet_cidrs) == length(var.private_subnet_cidrs)
      : length(var.public_subnet_cidrs) == 0
    )
    error_message = "The variable public_subnet_cidrs must be empty when internet_access is \"none\", and must contain exactly one CIDR block per private subnet (same length as private_subnet_cidrs) when internet_access is \"nat\"."
  }

  validation {
    condition = alltrue([
      for c in var.public_subnet_cidrs :
      can(regex("^[0-9]{1,3}(\\.[0-9]{1,3}){3}/[0-9]{1,2}$", c)) &&
      try(cidrhost(c, 0) == split("/", c)[0], false) &&
      try(tonumber(split("/", c)[1]) >= 16 && tonumber(split("/", c)[1]) <= 28, false)
    ])
    error_message = "The variable public_subnet_cidrs may only contain valid IPv4 CIDR blocks written with their network address and a prefix length between /16 and /28 (e.g. \"10.20.240.0/24\")."
  }

  validation {
    condition = alltrue([
      for c in var.public_subnet_cidrs : try(
        tonumber(split("/", c)[1]) >= tonumber(split("/", var.vpc_cidr)[1]) &&
        cidrhost("${split("/", c)[0]}/${split("/", var.vpc_cidr)[1]}", 0) == cidrhost(var.vpc_cidr, 0),
        true
      )
    ])
    error_message = "The variable public_subnet_cidrs may only contain CIDR blocks that lie entirely inside vpc_cidr."
  }

  validation {
    condition     = length(distinct(var.public_subnet_cidrs)) == length(var.public_subnet_cidrs)
    error_message = "The variable public_subnet_cidrs must not contain duplicate CIDR blocks."
  }

  validation {
    condition = alltrue(flatten([
      for i, a in var.public_subnet_cidrs : [
        for j, b in var.public_subnet_cidrs : try(
          cidrhost("${split("/", a)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) !=
          cidrhost("${split("/", b)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0),
          true
        ) if j > i && a != b
      ]
    ]))
    error_message = "The variable public_subnet_cidrs must not contain overlapping CIDR blocks."
  }

  validation {
    # Covers identical blocks as well: a public block equal to a private one
    # re-masks to the same network address.
    condition = alltrue(flatten([
      for a in var.public_subnet_cidrs : [
        for b in var.private_subnet_cidrs : try(
          cidrhost("${split("/", a)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0) !=
          cidrhost("${split("/", b)[0]}/${min(tonumber(split("/", a)[1]), tonumber(split("/", b)[1]))}", 0),
          true
        )
      ]
    ]))
    error_message = "The variable public_subnet_cidrs must not overlap any block in private_subnet_cidrs."
  }
}

################################################################################
# VPC endpoints and security groups
################################################################################

variable "interface_endpoint_services" {
  description = "Short names of the AWS services that get an interface VPC endpoint (private DNS on) in the private subnets, e.g. [\"sagemaker.api\", \"sagemaker.runtime\", \"sts\", \"logs\", \"kms\", \"ecr.api\", \"ecr.dkr\", \"monitoring\", \"ssm\", \"servicecatalog\"]. The endpoint service name is <partition reverse DNS prefix>.<region>.<short name>. S3 is always served by the bucket-scoped gateway endpoint and cannot be listed here."
  type        = list(string)

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9][a-z0-9.-]*$", s))])
    error_message = "The variable interface_endpoint_services may only contain service short names made of lower-case letters, digits, dots and hyphens, starting with a letter or digit (e.g. \"sagemaker.api\", \"ecr.dkr\")."
  }

  validation {
    condition = alltrue([
      for s in var.interface_endpoint_services :
      !startswith(s, "com.amazonaws.") && !startswith(s, "cn.com.amazonaws.") && !startswith(s, "aws.") && s != "s3"
    ])
    error_message = "The variable interface_endpoint_services must list short names only (e.g. \"sts\", not \"com.amazonaws.<region>.sts\") and must not contain \"s3\": S3 is reached only through the module's bucket-scoped gateway endpoint (an interface endpoint would carry an unrestricted policy)."
  }

  validation {
    condition     = length(distinct(var.interface_endpoint_services)) == length(var.interface_endpoint_services)
    error_message = "The variable interface_endpoint_services must not contain duplicate service names."
  }
}

variable "endpoint_allowed_security_group_ids" {
  description = "Additional security group ids (besides the module's own SageMaker security group) allowed to reach the interface endpoints on TCP 443."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for id in var.endpoint_allowed_security_group_ids : can(regex("^sg-[0-9a-f]+$", id))])
    error_message = "The variable endpoint_allowed_security_group_ids may only contain security group ids of the form sg-<lower-case hex> (e.g. \"sg-0123456789abcdef0\")."
  }

  validation {
    condition     = length(distinct(var.endpoint_allowed_security_group_ids)) == length(var.endpoint_allowed_security_group_ids)
    error_message = "The variable endpoint_allowed_security_group_ids must not contain duplicate ids (AWS rejects duplicate security group rules)."
  }
}

variable "s3_endpoint_allowed_bucket_arns" {
  description = "ARNs of the S3 buckets (bucket ARNs, not object ARNs) that may be used through the S3 gateway endpoint; the endpoint policy allows the bucket and its objects only. At least one. They must belong to this account or to s3_endpoint_bucket_owner_accounts; AWS-owned buckets go in s3_endpoint_aws_owned_bucket_arns."
  type        = list(string)

  validation {
    condition     = length(var.s3_endpoint_allowed_bucket_arns) >= 1
    error_message = "The variable s3_endpoint_allowed_bucket_arns must contain at least one bucket ARN."
  }

  validation {
    condition     = alltrue([for a in var.s3_endpoint_allowed_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{2,}[*]?$", a))])
    error_message = "The variable s3_endpoint_allowed_bucket_arns may only contain S3 bucket ARNs arn:<partition>:s3:::<bucket-name>, or a name prefix of at least 3 characters followed by one trailing * (e.g. arn:aws:s3:::mlops-dev-project-*); no object paths, no other wildcards; got ${jsonencode(var.s3_endpoint_allowed_bucket_arns)}."
  }

  validation {
    condition     = length(distinct(var.s3_endpoint_allowed_bucket_arns)) == length(var.s3_endpoint_allowed_bucket_arns)
    error_message = "The variable s3_endpoint_allowed_bucket_arns must not contain duplicate ARNs."
  }
}

################################################################################
# Flow logs
################################################################################

variable "s3_endpoint_bucket_owner_accounts" {
  description = "Accounts besides this one whose buckets in s3_endpoint_allowed_bucket_arns may be reached through the S3 gateway endpoint (aws:ResourceAccount), e.g. the source account of a hosting environment's models bucket. A bucket of the same name in any other account is refused."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.s3_endpoint_bucket_owner_accounts : can(regex("^[0-9]{12}$", a))])
    error_message = "The variable s3_endpoint_bucket_owner_accounts must contain 12-digit AWS account ids; got ${jsonencode(var.s3_endpoint_bucket_owner_accounts)}."
  }
}

variable "s3_endpoint_aws_owned_bucket_arns" {
  description = "AWS-owned buckets that workloads read through the S3 gateway endpoint without an account condition (s3:GetObject only), e.g. the regional ECR layer bucket \"arn:aws:s3:::prod-<region>-starport-layer-bucket\" for image pulls."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.s3_endpoint_aws_owned_bucket_arns : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{2,62}$", a))])
    error_message = "The variable s3_endpoint_aws_owned_bucket_arns may only contain S3 bucket ARNs arn:<partition>:s3:::<bucket-name> (no wildcards, no object paths); got ${jsonencode(var.s3_endpoint_aws_owned_bucket_arns)}."
  }
}

variable "interface_endpoint_principal_accounts" {
  description = "Accounts besides this one whose principals may use the interface endpoints (aws:PrincipalAccount); by default only this account's."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for a in var.interface_endpoint_principal_accounts : can(regex("^[0-9]{12}$", a))])
    error_message = "The variable interface_endpoint_principal_accounts must contain 12-digit AWS account ids; got ${jsonencode(var.interface_endpoint_principal_accounts)}."
  }
}

variable "flow_logs_kms_key_arn" {
  description = "ARN of the customer-managed KMS key (key ARN, not an alias) that encrypts the flow-log CloudWatch log group. The key must be in the deployment region and its key policy must allow the CloudWatch Logs service principal."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$", var.flow_logs_kms_key_arn))
    error_message = "The variable flow_logs_kms_key_arn must be a KMS key ARN of the form arn:<partition>:kms:<region>:<12-digit account>:key/<key-id> (aliases are not accepted by CloudWatch Logs)."
  }
}

variable "flow_logs_retention_days" {
  description = "Retention of the flow-log group in days. Must be a CloudWatch Logs retention value of at least one year: 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_logs_retention_days)
    error_message = "The variable flow_logs_retention_days must be one of the retention values CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653."
  }

  validation {
    condition     = var.flow_logs_retention_days >= 365
    error_message = "The variable flow_logs_retention_days must be at least 365 (one year): use 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}
