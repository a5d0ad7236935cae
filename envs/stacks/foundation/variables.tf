variable "prefix" {
  description = "Platform name prefix; resources are named <prefix>-<environment>-<name>, SSM parameters /<prefix>/<environment>/<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.prefix))
    error_message = "prefix must be 2-10 lowercase letters or digits starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (dev, staging, prod, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits starting with a letter."
  }
}

variable "deploy_role_arn" {
  description = "Role that runs Terraform here: administers the keys and may reach the buckets from outside the VPC endpoints."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.deploy_role_arn))
    error_message = "deploy_role_arn must be an IAM role ARN."
  }
}

variable "network" {
  description = "Network settings from env.yaml (validated there and again by the network module)."
  type = object({
    vpc_cidr             = string
    az_count             = number
    private_subnet_cidrs = list(string)
    existing = optional(object({
      vpc_id                 = string
      private_subnet_ids     = list(string)
      route_table_ids        = list(string)
      interface_endpoint_ids = map(string)
      s3_gateway_endpoint_id = string
      flow_logs              = string
    }))
    internet_access               = string
    public_subnet_cidrs           = list(string)
    interface_endpoints           = list(string)
    s3_endpoint_extra_bucket_arns = list(string)
    flow_logs_retention_days      = number
  })

  validation {
    condition     = var.network.existing != null || length(var.network.private_subnet_cidrs) == var.network.az_count
    error_message = "network.private_subnet_cidrs must have exactly network.az_count entries."
  }
}

variable "kms" {
  description = "Key settings from env.yaml."
  type = object({
    deletion_window_days = number
    rotation_period_days = number
    administrator_arns   = list(string)
  })
}

variable "storage" {
  description = "Bucket settings from env.yaml."
  type = object({
    noncurrent_version_expiration_days     = number
    abort_incomplete_multipart_upload_days = number
    access_log_retention_days              = number
    force_destroy                          = bool
  })
}

variable "target_accounts" {
  description = "Stage name -> account ids of the accounts approved models are deployed to (organizational units resolved at plan time). Their model execution roles (<prefix>-<stage>-model-execution) may read the models bucket and decrypt with the data key."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for account in flatten(values(var.target_accounts)) : can(regex("^[0-9]{12}$", account))])
    error_message = "target_accounts values must be lists of 12-digit account ids."
  }
}

variable "project_names" {
  description = "Names of the ML projects of this environment (env.yaml projects). Their CI roles (<prefix>-<env>-<project>-ci, created by the projects stack) run on GitHub-hosted runners outside the VPC and upload pipeline code to the models bucket, so they are exempt (by exact ARN) from the VPC-endpoint-only deny; what they may do there is decided by their own policy (PutObject under <project>/code/ only)."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.project_names : can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", name))]) && length(distinct(var.project_names)) == length(var.project_names)
    error_message = "project_names must be distinct project names of 2-32 lowercase letters, digits and hyphens (^[a-z][a-z0-9-]{0,30}[a-z0-9]$); got ${jsonencode(var.project_names)}."
  }
}
