variable "prefix" {
  description = "Platform name prefix; resources are named <prefix>-<environment>-<name>, SSM parameters /<prefix>/<environment>/<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.prefix))
    error_message = "prefix must be 2-10 lowercase letters or digits starting with a letter; got \"${var.prefix}\"."
  }
}

variable "environment" {
  description = "The stage this target account hosts (staging, prod, ...): the environment name, the model execution role's <prefix>-<environment>-model-execution and the GitHub environment the deploy roles trust."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits starting with a letter; got \"${var.environment}\"."
  }
}

variable "deploy_role_arn" {
  description = "Role that runs Terraform here: administers the keys and may reach the buckets from outside the VPC endpoints."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.deploy_role_arn))
    error_message = "deploy_role_arn must be an IAM role ARN; got \"${var.deploy_role_arn}\"."
  }
}

variable "network" {
  description = "Network settings from env.yaml (same shape as the foundation stack's). A target account has no internet path: internet_access must be \"none\" (no NAT, no public subnets)."
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
    error_message = "network.private_subnet_cidrs must have exactly network.az_count (${coalesce(var.network.az_count, 0)}) entries; got ${jsonencode(var.network.private_subnet_cidrs)}."
  }

  validation {
    condition     = var.network.internet_access == "none"
    error_message = "network.internet_access must be \"none\" in a target account (endpoints reach AWS only through VPC endpoints, no NAT); got \"${var.network.internet_access}\"."
  }

  validation {
    condition     = length(var.network.public_subnet_cidrs) == 0
    error_message = "network.public_subnet_cidrs must be empty in a target account (no NAT); got ${jsonencode(var.network.public_subnet_cidrs)}."
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

variable "model_source" {
  description = "The dev environment whose approved models are deployed here: its account id and environment name (env.yaml source_env). Its models bucket <prefix>-<env>-models-<account_id>, data key alias alias/<prefix>-<env>-data and model registry <prefix>-<env>-* are derived from them. (Not named \"source\": Terraform reserves that name for module blocks.)"
  type = object({
    account_id = string
    env        = string
  })

  validation {
    condition     = can(regex("^[0-9]{12}$", var.model_source.account_id))
    error_message = "model_source.account_id must be a 12-digit account id; got \"${var.model_source.account_id}\"."
  }

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.model_source.env))
    error_message = "model_source.env must be an environment name (2-10 lowercase letters or digits starting with a letter); got \"${var.model_source.env}\"."
  }

  validation {
    condition     = var.model_source.env != var.environment
    error_message = "model_source.env must be another environment than this one (${var.environment}); got \"${var.model_source.env}\"."
  }
}

variable "projects" {
  description = "ML projects of the source environment deployed here: project name => { repository = \"<owner>/<name>\" on GitHub, serving = \"realtime\" | \"batch\", batch = { schedule_expression } }. Each gets the deploy role <prefix>-<environment>-<project>-deploy trusted by that repository's GitHub environment <environment>; a batch project also its batch pipeline role, schedule and schedule role (modules/model-hosting batch.tf)."
  type = map(object({
    repository = string
    serving    = optional(string, "realtime")
    batch = optional(object({
      schedule_expression = optional(string, "cron(0 2 * * ? *)")
    }), {})
  }))
  default = {}

  validation {
    condition     = alltrue([for p in keys(var.projects) : can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", p)) && !strcontains(p, "--")])
    error_message = "projects keys (project names) must be 2-32 lowercase letters, digits and single hyphens, starting with a letter and not ending with a hyphen; invalid: ${jsonencode([for p in keys(var.projects) : p if !(can(regex("^[a-z][a-z0-9-]{0,30}[a-z0-9]$", p)) && !strcontains(p, "--"))])}."
  }

  validation {
    condition     = alltrue([for p in values(var.projects) : can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", p.repository)) && !contains([".", ".."], try(split("/", p.repository)[1], ""))])
    error_message = "projects[*].repository must be \"<owner>/<name>\" of a GitHub repository (no wildcards, no extra slashes or colons); invalid: ${jsonencode({ for k, p in var.projects : k => p.repository if !(can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", p.repository)) && !contains([".", ".."], try(split("/", p.repository)[1], ""))) })}."
  }
}

variable "endpoint_instance_types" {
  description = "SageMaker instance types the deploy roles' endpoint configurations may use (env.yaml instance_types.endpoints; validated there and again by the model-hosting module)."
  type        = list(string)
}

variable "force_destroy" {
  description = "Let destroy delete the access-log and data-capture buckets with their objects (env.yaml storage.force_destroy; only for throw-away environments)."
  type        = bool
  default     = false
  nullable    = false
}

variable "monitoring" {
  description = "env.yaml monitoring (validated there): settings (schedule_expression, alarms, scaling) published as the contract's monitoring/settings for the deployments, and the emails subscribed to the alerts topic."
  type = object({
    settings = object({
      schedule_expression = string
      alarms = object({
        max_5xx_errors       = number
        max_model_latency_ms = number
        max_feature_drift    = number
      })
      scaling = object({
        min_instances                   = number
        max_instances                   = number
        target_invocations_per_instance = number
      })
    })
    notification_emails = list(string)
  })
  default = {
    settings = {
      schedule_expression = "cron(0 * ? * * *)"
      alarms              = { max_5xx_errors = 5, max_model_latency_ms = 500, max_feature_drift = 0.2 }
      scaling             = { min_instances = 1, max_instances = 2, target_invocations_per_instance = 100 }
    }
    notification_emails = []
  }
  nullable = false

  validation {
    condition     = var.monitoring.settings.scaling.min_instances >= 1 && var.monitoring.settings.scaling.max_instances >= var.monitoring.settings.scaling.min_instances
    error_message = "monitoring.settings.scaling needs 1 <= min_instances <= max_instances; got ${jsonencode(var.monitoring.settings.scaling)}."
  }
}

variable "transform_instance_types" {
  description = "SageMaker instance types the batch projects' transform jobs may use (env.yaml instance_types.transform; validated there and again by the model-hosting module)."
  type        = list(string)
  default     = ["ml.m5.large", "ml.m5.xlarge"]
  nullable    = false
}
