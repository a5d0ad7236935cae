# Account-wide settings, set once per account by its administrator before any bucket exists.

# S3 Block Public Access for the whole account (all four settings): no bucket of the account can
# be made public, whatever its own settings or whoever holds s3:* on it.
module "s3_public_access" {
  source = "../modules/s3-account-public-access-block"

  managed_by = var.s3_public_access_block_managed_by
}

# Application Auto Scaling scales a target account's SageMaker endpoints with its service-linked
# role (AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint). The account's administrator
# creates it once here, so that neither the CI roles nor the projects' deploy roles need
# iam:CreateServiceLinkedRole for it.
resource "aws_iam_service_linked_role" "endpoint_autoscaling" {
  count = var.endpoint_autoscaling ? 1 : 0

  aws_service_name = "sagemaker.application-autoscaling.amazonaws.com"
  description      = "Application Auto Scaling of the SageMaker endpoints of ${var.prefix}-${var.environment}."
}
