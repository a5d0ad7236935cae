# The S3 distribution (the default): template objects under templates/, only each
# product's current version visible to Studio, no Service Catalog resource, the
# location the Studio domain's tag points at, and the approval bus.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
      arn        = "arn:aws:iam::111111111111:role/mlops-dev-deploy"
    }
  }
  mock_data "aws_partition" {
    defaults = {
      partition  = "aws"
      dns_suffix = "amazonaws.com"
    }
  }
  mock_data "aws_region" {
    defaults = {
      name = "eu-west-1"
    }
  }
}

variables {
  name_prefix                = "mlops-dev"
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  access_log_bucket_name     = "mlops-dev-access-logs-111111111111"
  allowed_vpc_endpoint_ids   = ["vpce-0123456789abcdef0"]
  vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
  provider_name              = "ML platform team"
  launch_role_arn            = "arn:aws:iam::111111111111:role/mlops-dev-launch"
  principal_arns             = ["arn:aws:iam::111111111111:role/mlops-dev-data-scientist"]
  products = {
    model-build = {
      description = "Model building project"
      owner       = "ML platform team"
      versions = [
        { name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v1.yaml" },
        { name = "1.1.0", description = "Second release", template_path = "tests/fixtures/project-v2.yaml" },
      ]
    }
  }
}

run "s3_distribution" {
  command = plan

  assert {
    condition     = length(aws_servicecatalog_portfolio.this) == 0 && length(aws_servicecatalog_product.this) == 0 && length(aws_servicecatalog_provisioning_artifact.this) == 0 && length(aws_servicecatalog_constraint.launch) == 0 && length(aws_servicecatalog_principal_portfolio_association.this) == 0
    error_message = "The S3 distribution must create no Service Catalog resource."
  }

  assert {
    condition     = output.templates_location == "s3://mlops-dev-sc-templates-111111111111/templates/" && output.portfolio_id == null
    error_message = "templates_location must be s3://<template bucket>/templates/ (the domain tag's value); there is no portfolio."
  }

  assert {
    condition     = aws_s3_object.template["model-build/1.1.0"].key == "templates/model-build/1.1.0/${substr(filesha256("tests/fixtures/project-v2.yaml"), 0, 16)}.yaml"
    error_message = "Template objects must be under templates/<product>/<version>/<digest>.yaml."
  }

  assert {
    condition     = aws_s3_object.template["model-build/1.1.0"].tags["sagemaker:studio-visibility"] == "true" && length(aws_s3_object.template["model-build/1.1.0"].tags) == 1 && aws_s3_object.template["model-build/1.0.0"].tags == null
    error_message = "Only the current version's object may carry sagemaker:studio-visibility = true (Studio lists tagged objects)."
  }

  assert {
    condition     = alltrue([for o in aws_s3_object.template : o.server_side_encryption == "aws:kms" && o.kms_key_id == var.kms_key_arn])
    error_message = "Template objects stay SSE-KMS with kms_key_arn."
  }

  assert {
    condition     = output.current_template_urls == { model-build = "https://mlops-dev-sc-templates-111111111111.s3.eu-west-1.amazonaws.com/templates/model-build/1.1.0/${substr(filesha256("tests/fixtures/project-v2.yaml"), 0, 16)}.yaml" }
    error_message = "current_template_urls must give each product's latest version's https URL (CreateProject's TemplateURL)."
  }

  assert {
    condition     = aws_cloudwatch_event_bus.approvals.name == "mlops-dev-model-approvals"
    error_message = "The approval bus must be <name_prefix>-model-approvals (the deploy-events role may put events on <name_prefix>-* buses only)."
  }
}

run "unknown_distribution" {
  command = plan
  variables { template_distribution = "marketplace" }
  expect_failures = [var.template_distribution]
}
