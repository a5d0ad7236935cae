# What the plan of a normal configuration contains: Studio visibility, the
# launch constraint, the exact principals, encrypted template objects with
# content-addressed keys, version guidance, and the real project templates.

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
  mock_data "aws_servicecatalog_provisioning_artifacts" {
    defaults = {
      provisioning_artifact_details = [
        { id = "pa-initial0000001", name = "1.0.0", guidance = "DEPRECATED", active = true, description = "", created_time = "", type = "CLOUD_FORMATION_TEMPLATE" },
      ]
    }
  }
}

variables {
  # The Service Catalog distribution (template_distribution defaults to "s3": s3.tftest.hcl).
  template_distribution      = "service_catalog"
  name_prefix                = "mlops-dev"
  kms_key_arn                = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  access_log_bucket_name     = "mlops-dev-access-logs-111111111111"
  allowed_vpc_endpoint_ids   = ["vpce-0123456789abcdef0"]
  vpce_exempt_principal_arns = ["arn:aws:iam::111111111111:role/mlops-dev-deploy"]
  provider_name              = "ML platform team"
  launch_role_arn            = "arn:aws:iam::111111111111:role/mlops-dev-launch"
  principal_arns = [
    "arn:aws:iam::111111111111:role/mlops-dev-data-scientist",
    "arn:aws:iam::111111111111:role/mlops-dev-team-lead",
  ]
  tags = { owner = "ml-platform" }
  products = {
    model-build = {
      description = "Model building project"
      owner       = "ML platform team"
      versions = [
        { name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v1.yaml" },
        { name = "1.1.0", description = "Second release", template_path = "tests/fixtures/project-v2.yaml" },
        { name = "2.0.0", description = "Third release", template_path = "tests/fixtures/project-v1-edited.yaml" },
      ]
    }
    model-deploy = {
      display_name  = "Model build and deploy"
      description   = "Build, register, share with staging/prod and forward approvals"
      owner         = "ML platform team"
      support_email = "ml-platform@example.com"
      support_url   = "https://wiki.example.com/ml-platform"
      versions = [
        { name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v2.yaml" },
      ]
    }
  }
}

# One plan (same variables) for: portfolio_and_products, launch_constraint_uses_the_launch_role,
#   shared_with_the_personas_only, templates_encrypted_and_content_addressed,
#   template_bucket_is_protected, guidance_of_versions.
run "portfolio_and_products" {
  command = plan

  # --- portfolio_and_products
  assert {
    condition     = aws_servicecatalog_portfolio.this[0].name == "mlops-dev-sagemaker-projects" && aws_servicecatalog_portfolio.this[0].provider_name == "ML platform team"
    error_message = "The portfolio must be named <name_prefix>-sagemaker-projects with the given provider name."
  }

  assert {
    condition     = alltrue([for p in aws_servicecatalog_product.this : p.tags["sagemaker:studio-visibility"] == "true" && p.tags["owner"] == "ml-platform" && p.type == "CLOUD_FORMATION_TEMPLATE"])
    error_message = "Every product must be a CloudFormation product tagged sagemaker:studio-visibility = true (plus var.tags) so that SageMaker Studio lists it."
  }

  assert {
    condition     = aws_servicecatalog_product.this["model-build"].name == "mlops-dev-model-build" && aws_servicecatalog_product.this["model-deploy"].name == "Model build and deploy"
    error_message = "Product names must default to <name_prefix>-<key> and honour display_name."
  }

  assert {
    condition     = keys(aws_servicecatalog_product_portfolio_association.this) == ["model-build", "model-deploy"]
    error_message = "Every product must be associated with the portfolio."
  }

  # --- launch_constraint_uses_the_launch_role
  assert {
    condition = alltrue([
      for c in aws_servicecatalog_constraint.launch :
      c.type == "LAUNCH" && jsondecode(c.parameters) == { RoleArn = "arn:aws:iam::111111111111:role/mlops-dev-launch" }
    ])
    error_message = "Every product must have a LAUNCH constraint whose parameters are exactly {\"RoleArn\": <launch role>}."
  }

  assert {
    condition     = toset(keys(aws_servicecatalog_constraint.launch)) == toset(keys(var.products))
    error_message = "There must be exactly one launch constraint per product."
  }

  # --- shared_with_the_personas_only
  assert {
    condition     = toset([for a in aws_servicecatalog_principal_portfolio_association.this : a.principal_arn]) == toset(var.principal_arns)
    error_message = "The portfolio must be associated with exactly principal_arns."
  }

  assert {
    condition     = alltrue([for a in aws_servicecatalog_principal_portfolio_association.this : a.principal_type == "IAM"])
    error_message = "Principals must be associated as exact IAM ARNs (principal_type IAM, never IAM_PATTERN)."
  }

  # --- templates_encrypted_and_content_addressed
  assert {
    condition     = alltrue([for o in aws_s3_object.template : o.kms_key_id == var.kms_key_arn && o.server_side_encryption == "aws:kms" && o.bucket_key_enabled])
    error_message = "Every template object must be SSE-KMS encrypted with kms_key_arn."
  }

  assert {
    condition     = output.template_object_kms_key_ids == { for k in ["model-build/1.0.0", "model-build/1.1.0", "model-build/2.0.0", "model-deploy/1.0.0"] : k => var.kms_key_arn }
    error_message = "There must be exactly one template object per product version, each with the key."
  }

  assert {
    condition     = aws_s3_object.template["model-build/1.1.0"].key == "model-build/1.1.0/${substr(filesha256("tests/fixtures/project-v2.yaml"), 0, 16)}.yaml"
    error_message = "Object keys must be <product>/<version>/<first 16 hex digits of the sha256 of the template>.yaml."
  }

  assert {
    condition     = aws_s3_object.template["model-build/1.1.0"].bucket == "mlops-dev-sc-templates-111111111111"
    error_message = "Templates must go to the bucket <name_prefix>-sc-templates-<account id>."
  }

  assert {
    condition     = output.template_urls["model-deploy"]["1.0.0"] == "https://mlops-dev-sc-templates-111111111111.s3.eu-west-1.amazonaws.com/model-deploy/1.0.0/${substr(filesha256("tests/fixtures/project-v2.yaml"), 0, 16)}.yaml"
    error_message = "Template URLs must be regional virtual-hosted HTTPS URLs of the objects."
  }

  assert {
    condition     = one(aws_servicecatalog_product.this["model-build"].provisioning_artifact_parameters).template_url == output.template_urls["model-build"]["1.0.0"]
    error_message = "The product's initial provisioning artifact must be its first version."
  }

  # --- template_bucket_is_protected
  assert {
    condition     = module.template_bucket.sse_algorithm == "aws:kms"
    error_message = "The template bucket must use SSE-KMS."
  }

  assert {
    condition     = module.template_bucket.logging_target == { target_bucket = "mlops-dev-access-logs-111111111111", target_prefix = "s3/mlops-dev-sc-templates-111111111111/" }
    error_message = "The template bucket must log to the access-log bucket under s3/<bucket>/."
  }

  assert {
    condition = [for s in jsondecode(module.template_bucket.policy_json).Statement : s.Sid] == [
      "DenyInsecureTransport", "DenyWrongKmsKey", "DenyNonKmsEncryption", "DenyAccessOutsideVpcEndpoints",
    ]
    error_message = "The template bucket policy must deny non-TLS access, other keys or encryption types, and access outside the VPC endpoints."
  }

  assert {
    condition     = module.template_bucket.lifecycle_rules.noncurrent_version_expiration_days == 365
    error_message = "Noncurrent template versions must be kept for noncurrent_version_expiration_days (default 365)."
  }

  assert {
    condition     = !startswith(output.template_bucket_name, "mlops-dev-project-")
    error_message = "The template bucket must not be under the launch role's project bucket prefix."
  }

  # --- guidance_of_versions
  assert {
    condition     = keys(aws_servicecatalog_provisioning_artifact.this) == ["model-build/1.1.0", "model-build/2.0.0"]
    error_message = "Only versions after the first must be separate provisioning artifacts."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].guidance == "DEPRECATED" && aws_servicecatalog_provisioning_artifact.this["model-build/2.0.0"].guidance == "DEFAULT"
    error_message = "The latest version must have guidance DEFAULT and older ones DEPRECATED."
  }

  assert {
    condition     = !aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].active && aws_servicecatalog_provisioning_artifact.this["model-build/2.0.0"].active && alltrue([for a in aws_servicecatalog_provisioning_artifact.this : a.type == "CLOUD_FORMATION_TEMPLATE" && !a.disable_template_validation])
    error_message = "Only the latest version may be active, and artifacts must be validated CloudFormation templates."
  }

  assert {
    condition     = output.current_versions == { model-build = "2.0.0", model-deploy = "1.0.0" }
    error_message = "current_versions must name the last version of each product."
  }
}

run "products_can_use_the_platform_templates" {
  command = plan

  variables {
    products = {
      model-build = {
        description = "Model building project"
        owner       = "ML platform team"
        versions    = [{ name = "1.0.0", description = "First release", template_path = "../../templates/sagemaker-projects/model-build.yaml" }]
      }
      model-deploy = {
        description = "Model build and deploy project"
        owner       = "ML platform team"
        versions    = [{ name = "1.0.0", description = "First release", template_path = "../../templates/sagemaker-projects/model-deploy.yaml" }]
      }
    }
  }

  assert {
    condition     = aws_s3_object.template["model-deploy/1.0.0"].key == "model-deploy/1.0.0/${substr(filesha256("../../templates/sagemaker-projects/model-deploy.yaml"), 0, 16)}.yaml"
    error_message = "The platform's project templates must be publishable as products."
  }
}
