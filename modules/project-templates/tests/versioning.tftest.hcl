# Publishing an update adds a provisioning artifact and keeps the product; a
# published version can be neither edited nor moved. The runs share one state,
# in order: publish 1.0.0, add 1.1.0 (plan, then apply), add 2.0.0, then the
# forbidden changes. A mocked provider does not compute ForceNew replacements,
# so "keeps the product" is checked as "same product id, artifact attached to
# it"; the ignore_changes that keeps ForceNew from replacing the product is
# described in the README.

mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "111111111111"
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
  principal_arns             = ["arn:aws:iam::111111111111:role/mlops-dev-data-scientist"]
  products = {
    model-build = {
      description = "Model building project"
      owner       = "ML platform team"
      versions = [
        { name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v1.yaml" },
      ]
    }
  }
}

run "publish_first_version" {
  assert {
    condition     = length(aws_servicecatalog_provisioning_artifact.this) == 0 && length(aws_s3_object.template) == 1
    error_message = "A single version is the product's initial artifact: no separate artifact, one template object."
  }

  assert {
    condition     = output.provisioning_artifact_ids == { model-build = { "1.0.0" = "pa-initial0000001" } }
    error_message = "The initial version's artifact id must be read back from the product."
  }
}

run "plan_second_version" {
  command = plan

  variables {
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

  assert {
    condition     = keys(aws_servicecatalog_provisioning_artifact.this) == ["model-build/1.1.0"]
    error_message = "Adding a version must add exactly one provisioning artifact."
  }

  assert {
    condition     = aws_servicecatalog_product.this["model-build"].id == run.publish_first_version.product_ids["model-build"]
    error_message = "Adding a version must keep the product (same id, no replacement)."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].product_id == run.publish_first_version.product_ids["model-build"]
    error_message = "The new artifact must belong to the existing product."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].guidance == "DEFAULT"
    error_message = "The new version must be the DEFAULT one."
  }

  assert {
    condition     = output.template_urls["model-build"]["1.0.0"] == run.publish_first_version.template_urls["model-build"]["1.0.0"]
    error_message = "The first version's template object must stay where it was published."
  }
}

run "apply_second_version" {
  variables {
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

  assert {
    condition     = aws_servicecatalog_product.this["model-build"].id == run.publish_first_version.product_ids["model-build"]
    error_message = "Applying a new version must keep the product."
  }
}

run "plan_third_version" {
  command = plan

  variables {
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
    }
  }

  assert {
    condition     = keys(aws_servicecatalog_provisioning_artifact.this) == ["model-build/1.1.0", "model-build/2.0.0"]
    error_message = "A third version must add exactly one more provisioning artifact."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].provisioning_artifact_id == run.apply_second_version.provisioning_artifact_ids["model-build"]["1.1.0"]
    error_message = "The previous version's artifact must be kept (same id), only its guidance changes."
  }

  assert {
    condition     = aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].guidance == "DEPRECATED" && aws_servicecatalog_provisioning_artifact.this["model-build/2.0.0"].guidance == "DEFAULT"
    error_message = "The previous version must become DEPRECATED and the new one DEFAULT."
  }

  assert {
    condition     = aws_servicecatalog_product.this["model-build"].id == run.publish_first_version.product_ids["model-build"]
    error_message = "The product must be kept."
  }
}

run "editing_the_initial_version_is_refused" {
  command = plan

  variables {
    products = {
      model-build = {
        description = "Model building project"
        owner       = "ML platform team"
        versions = [
          { name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v1-edited.yaml" },
          { name = "1.1.0", description = "Second release", template_path = "tests/fixtures/project-v2.yaml" },
        ]
      }
    }
  }

  expect_failures = [aws_servicecatalog_product.this]
}

run "editing_a_later_version_is_refused" {
  command = plan

  variables {
    products = {
      model-build = {
        description = "Model building project"
        owner       = "ML platform team"
        versions = [
          { name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v1.yaml" },
          { name = "1.1.0", description = "Second release", template_path = "tests/fixtures/project-v1-edited.yaml" },
        ]
      }
    }
  }

  expect_failures = [aws_servicecatalog_provisioning_artifact.this]
}

run "removing_the_initial_version_is_refused" {
  command = plan

  variables {
    products = {
      model-build = {
        description = "Model building project"
        owner       = "ML platform team"
        versions = [
          { name = "1.1.0", description = "Second release", template_path = "tests/fixtures/project-v2.yaml" },
        ]
      }
    }
  }

  expect_failures = [aws_servicecatalog_product.this]
}

run "initial_version_still_default_is_reported" {
  variables {
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

  override_data {
    target = data.aws_servicecatalog_provisioning_artifacts.this
    values = {
      provisioning_artifact_details = [
        { id = "pa-initial0000001", name = "1.0.0", guidance = "DEFAULT", active = true, description = "", created_time = "", type = "CLOUD_FORMATION_TEMPLATE" },
      ]
    }
  }

  assert {
    condition = output.initial_versions_to_deprecate == {
      model-build = { version = "1.0.0", product_id = run.publish_first_version.product_ids["model-build"], provisioning_artifact_id = "pa-initial0000001" }
    }
    error_message = "An initial version that is still DEFAULT although newer versions exist must be reported for deprecation."
  }
}

run "deprecated_initial_version_is_not_reported" {
  variables {
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

  assert {
    condition     = output.initial_versions_to_deprecate == {}
    error_message = "A deprecated initial version must not be reported."
  }

  assert {
    condition     = output.provisioning_artifact_ids["model-build"]["1.0.0"] == "pa-initial0000001" && output.provisioning_artifact_ids["model-build"]["1.1.0"] == aws_servicecatalog_provisioning_artifact.this["model-build/1.1.0"].provisioning_artifact_id
    error_message = "provisioning_artifact_ids must map every version to its artifact id."
  }
}
