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

variable "identity" {
  description = "Persona principals and bring-your-own roles from env.yaml (validated there and again by the identity module)."
  type = object({
    persona_principals = object({
      data_science_admin = list(string)
      team_lead          = list(string)
      data_scientist     = list(string)
    })
    existing_role_arns = map(string)
  })
}

variable "target_accounts" {
  description = "Stage name -> account ids of the accounts approved models are deployed to, in rollout order (the first is the stage's first account: the canary unless waves name another)."
  type        = map(list(string))
  default     = {}

  validation {
    condition     = alltrue([for accounts in values(var.target_accounts) : length(accounts) > 0 && alltrue([for account in accounts : can(regex("^[0-9]{12}$", account))])])
    error_message = "target_accounts values must be non-empty lists of 12-digit account ids."
  }
}

variable "instance_types" {
  description = "SageMaker instance types allowed per use (studio_apps, processing, training, transform, endpoints) from env.yaml's instance_types (validated there and again by the identity module)."
  type = object({
    studio_apps = list(string)
    processing  = list(string)
    training    = list(string)
    transform   = list(string)
    endpoints   = list(string)
  })
}

variable "teams" {
  description = "Data-science teams from env.yaml teams: (validated there and again by the identity module): users (user profile -> persona), projects, data prefixes and execution_role (per_team, per_user). Empty: no team role."
  type = map(object({
    users          = map(string)
    projects       = list(string)
    data_prefixes  = list(string)
    execution_role = string
  }))
  default  = {}
  nullable = false
}
