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
  description = "Role that runs Terraform for this environment (uploads the templates from outside the VPC)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.deploy_role_arn))
    error_message = "deploy_role_arn must be an IAM role ARN."
  }
}

variable "personas" {
  description = "Personas that exist in this environment (the identity stack published their role ARNs)."
  type        = list(string)

  validation {
    condition     = length(var.personas) > 0 && alltrue([for p in var.personas : contains(["data_science_admin", "team_lead", "data_scientist"], p)])
    error_message = "personas must be a non-empty subset of data_science_admin, team_lead, data_scientist; got ${jsonencode(var.personas)}."
  }
}

variable "studio" {
  description = "Studio settings from env.yaml (validated there and again by the sagemaker-studio module): users (user profile name -> persona), idle shutdown, home EFS retention, projects."
  type = object({
    users                = map(string)
    idle_timeout_minutes = number
    home_efs_retention   = string
    enable_projects      = bool
  })
}

variable "project_templates" {
  description = "Project templates from env.yaml: the provider name shown in Studio and the personas allowed to launch projects."
  type = object({
    provider_name   = string
    launch_personas = list(string)
  })

  validation {
    condition     = length(var.project_templates.launch_personas) > 0 && alltrue([for p in var.project_templates.launch_personas : contains(var.personas, p)])
    error_message = "project_templates.launch_personas must be a non-empty subset of the environment's personas (${jsonencode(var.personas)}); got ${jsonencode(var.project_templates.launch_personas)}."
  }
}

variable "force_destroy" {
  description = "Throw-away environments only: let destroy delete the template bucket with its object versions (storage.force_destroy in env.yaml)."
  type        = bool
  default     = false
}

variable "teams" {
  description = "Data-science teams from env.yaml teams: (validated there): each team's users (user profile -> persona) get Studio user profiles on the execution role the identity stack published for them (identity/teams/<team>/users/<user>/execution-role-arn), tagged team = <team>. Empty: studio.users only."
  type = map(object({
    users          = map(string)
    projects       = list(string)
    data_prefixes  = list(string)
    execution_role = string
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for t in values(var.teams) : alltrue([for persona in values(t.users) : contains(var.personas, persona)])])
    error_message = "Every team user's persona must be one of the environment's personas (${jsonencode(var.personas)})."
  }
}
