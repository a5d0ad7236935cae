variable "prefix" {
  description = "Platform name prefix; resources are named <prefix>-<environment>-<name>, SSM parameters /<prefix>/<environment>/<name>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.prefix))
    error_message = "prefix must be 2-10 lowercase letters or digits starting with a letter."
  }
}

variable "environment" {
  description = "Environment name (the dev environment)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters or digits starting with a letter."
  }
}

variable "deploy_role_arn" {
  description = "Role that runs Terraform for this environment (administers the project keys, reaches the buckets from outside the VPC)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.deploy_role_arn))
    error_message = "deploy_role_arn must be an IAM role ARN."
  }
}

variable "projects" {
  description = "ML projects from env.yaml: project name => { repository = { owner, name }, registry = \"terraform\" | \"template\", notify = [emails subscribed to the project's pipeline-events topic] } (validated there and again by the mlops-project module). registry template: the model package group is the stack's of the SageMaker project launched from the S3-based model-deploy template with this name."
  type = map(object({
    repository = object({ owner = string, name = string })
    registry   = optional(string, "terraform")
    notify     = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for p in values(var.projects) : contains(["terraform", "template"], p.registry)])
    error_message = "projects.*.registry must be \"terraform\" or \"template\"; got ${jsonencode({ for k, p in var.projects : k => p.registry if !contains(["terraform", "template"], p.registry) })}."
  }

  validation {
    condition = alltrue([for p in values(var.projects) : (
      length(p.notify) <= 10 && length(distinct([for e in p.notify : lower(e)])) == length(p.notify) &&
      alltrue([for e in p.notify : can(regex("^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}$", e))])
    )])
    error_message = "projects.*.notify must be at most 10 distinct email addresses (name@domain.tld, compared without letter case); got ${jsonencode({ for k, p in var.projects : k => p.notify if length(p.notify) > 0 })}."
  }
}

variable "target_accounts" {
  description = "Stage name => account ids of the accounts approved models are deployed to (env.yaml target_accounts, organizational units resolved at plan time)."
  type        = map(list(string))
}

variable "target_waves" {
  description = "Stage name => the deployment plan of its accounts (the canary first, then the rest at most max_parallel at a time; env.yaml target_accounts.<stage>.waves), sent to each project repository with every approval decision. null: the dispatch carries no targets."
  type = map(object({
    canary       = string
    rest         = list(string)
    max_parallel = number
  }))
  default = null
}

variable "oidc_provider_arn" {
  description = "This account's GitHub OIDC provider (created by bootstrap, or github.existing_oidc_provider_arn)."
  type        = string
}

variable "force_destroy" {
  description = "Throw-away environments only: let destroy delete the artifact buckets with their object versions (storage.force_destroy in env.yaml)."
  type        = bool
  default     = false
}
