variable "managed_by" {
  description = "Who sets the account's S3 Block Public Access. \"account\": this module turns all four settings on. \"organization\": the AWS Organization sets and locks it centrally (an organization-level S3 Block Public Access policy); the account-level API then refuses changes, so the module manages nothing. Never a way to leave the account without the block."
  type        = string
  default     = "account"
  nullable    = false

  validation {
    condition     = contains(["account", "organization"], var.managed_by)
    error_message = "managed_by must be \"account\" or \"organization\"."
  }
}
