# Input validation: a valid baseline, then one run per rule, each breaking
# exactly one rule of a valid configuration.

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
      versions    = [{ name = "1.0.0", description = "First release", template_path = "tests/fixtures/project-v1.yaml" }]
    }
  }
}

run "baseline_is_valid" {
  command = plan

  assert {
    condition     = length(aws_servicecatalog_product.this) == 1
    error_message = "The baseline must plan one product."
  }
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_1" {
  command = plan

  variables {
    # no_products
    products = {}

    # launch_role_not_a_role
    launch_role_arn = "arn:aws:iam::111111111111:user/launch"

    # empty_principals
    principal_arns = []

    # kms_alias_rejected
    kms_key_arn = "alias/mlops-dev-data"

    # no_vpc_endpoints
    allowed_vpc_endpoint_ids = []

    # no_exempt_principal
    vpce_exempt_principal_arns = []

    # bad_access_log_bucket
    access_log_bucket_name = "Access_Logs"

    # bad_name_prefix
    name_prefix = "MLOps"

    # studio_visibility_cannot_be_turned_off
    tags = { "sagemaker:studio-visibility" = "false" }

    # blank_provider_name
    provider_name = ""

    # bad_noncurrent_expiration
    noncurrent_version_expiration_days = 0
  }

  expect_failures = [
    var.products,
    var.launch_role_arn,
    var.principal_arns,
    var.kms_key_arn,
    var.allowed_vpc_endpoint_ids,
    var.vpce_exempt_principal_arns,
    var.access_log_bucket_name,
    var.name_prefix,
    var.tags,
    var.provider_name,
    var.noncurrent_version_expiration_days,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_2" {
  command = plan

  variables {
    # no_versions
    products = {
      model-build = { description = "d", owner = "o", versions = [] }
    }

    # launch_role_wildcard
    launch_role_arn = "arn:aws:iam::111111111111:role/mlops-dev-*"

    # wildcard_principal
    principal_arns = ["arn:aws:iam::111111111111:role/*"]
  }

  expect_failures = [
    var.products,
    var.launch_role_arn,
    var.principal_arns,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_3" {
  command = plan

  variables {
    # duplicate_version_names
    products = {
      model-build = {
        description = "d"
        owner       = "o"
        versions = [
          { name = "1.0.0", description = "a", template_path = "tests/fixtures/project-v1.yaml" },
          { name = "1.0.0", description = "b", template_path = "tests/fixtures/project-v2.yaml" },
        ]
      }
    }

    # root_principal
    principal_arns = ["arn:aws:iam::111111111111:root"]
  }

  expect_failures = [
    var.products,
    var.principal_arns,
  ]
}

# Several rejected values in one plan: each listed variable must reject its own value, and
# none of their validations reads another variable set here. One comment per case.
run "rejected_values_4" {
  command = plan

  variables {
    # missing_template_file
    products = {
      model-build = {
        description = "d"
        owner       = "o"
        versions    = [{ name = "1.0.0", description = "a", template_path = "tests/fixtures/does-not-exist.yaml" }]
      }
    }

    # duplicate_principals
    principal_arns = [
      "arn:aws:iam::111111111111:role/mlops-dev-data-scientist",
      "arn:aws:iam::111111111111:role/mlops-dev-data-scientist",
    ]
  }

  expect_failures = [
    var.products,
    var.principal_arns,
  ]
}

run "template_not_yaml" {
  command = plan
  variables {
    products = {
      model-build = {
        description = "d"
        owner       = "o"
        versions    = [{ name = "1.0.0", description = "a", template_path = "main.tf" }]
      }
    }
  }
  expect_failures = [var.products]
}

run "unsafe_product_key" {
  command = plan
  variables {
    products = {
      "Model_Build" = {
        description = "d"
        owner       = "o"
        versions    = [{ name = "1.0.0", description = "a", template_path = "tests/fixtures/project-v1.yaml" }]
      }
    }
  }
  expect_failures = [var.products]
}

run "unsafe_version_name" {
  command = plan
  variables {
    products = {
      model-build = {
        description = "d"
        owner       = "o"
        versions    = [{ name = "../1.0.0", description = "a", template_path = "tests/fixtures/project-v1.yaml" }]
      }
    }
  }
  expect_failures = [var.products]
}

run "blank_owner" {
  command = plan
  variables {
    products = {
      model-build = {
        description = "d"
        owner       = " "
        versions    = [{ name = "1.0.0", description = "a", template_path = "tests/fixtures/project-v1.yaml" }]
      }
    }
  }
  expect_failures = [var.products]
}

run "bad_support_email" {
  command = plan
  variables {
    products = {
      model-build = {
        description   = "d"
        owner         = "o"
        support_email = "not-an-address"
        versions      = [{ name = "1.0.0", description = "a", template_path = "tests/fixtures/project-v1.yaml" }]
      }
    }
  }
  expect_failures = [var.products]
}

run "insecure_support_url" {
  command = plan
  variables {
    products = {
      model-build = {
        description = "d"
        owner       = "o"
        support_url = "http://wiki.example.com"
        versions    = [{ name = "1.0.0", description = "a", template_path = "tests/fixtures/project-v1.yaml" }]
      }
    }
  }
  expect_failures = [var.products]
}

run "launch_role_of_another_account" {
  command = plan
  variables { launch_role_arn = "arn:aws:iam::222222222222:role/mlops-dev-launch" }
  expect_failures = [aws_servicecatalog_constraint.launch]
}

run "principal_of_another_account" {
  command = plan
  variables { principal_arns = ["arn:aws:iam::999999999999:role/sso-data-scientists"] }
  expect_failures = [aws_servicecatalog_principal_portfolio_association.this]
}

