variable "prefix" {
  description = "Platform name prefix; resources are named <prefix>-<environment>-<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.prefix))
    error_message = "prefix must be 2-10 lowercase letters or digits starting with a letter; got \"${var.prefix}\"."
  }
}

variable "environment" {
  description = "The environment's name (dev, staging, prod, ...)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits starting with a letter; got \"${var.environment}\"."
  }
}

variable "deploy_role_arn" {
  description = "Role that runs Terraform here: administers the keys."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.deploy_role_arn))
    error_message = "deploy_role_arn must be an IAM role ARN; got \"${var.deploy_role_arn}\"."
  }
}

variable "kms" {
  description = "Key settings from env.yaml (deletion window, rotation period, extra administrators)."
  type = object({
    deletion_window_days = number
    rotation_period_days = number
    administrator_arns   = list(string)
  })
}

variable "detective_controls" {
  description = "env.yaml detective_controls (validated there; the module validates each value again): enabled (false plans the destroy of what an earlier apply made), minimum_severity of the findings sent to the topic, subscriptions ({ protocol = email|https, endpoint }), log_retention_days of the audit bucket, log_reader_arns (roles that may decrypt the log files through S3)."
  type = object({
    enabled            = bool
    minimum_severity   = string
    subscriptions      = list(object({ protocol = string, endpoint = string }))
    log_retention_days = number
    log_reader_arns    = list(string)
  })
}

variable "force_destroy" {
  description = "Let destroy delete the audit buckets with their objects (env.yaml storage.force_destroy; only for throw-away environments)."
  type        = bool
  default     = false
  nullable    = false
}
