terraform {
  # Cross-variable validation rules need Terraform >= 1.9; 1.10 is the
  # platform-wide floor.
  required_version = ">= 1.10, < 2.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 6.0"
    }
  }
}
