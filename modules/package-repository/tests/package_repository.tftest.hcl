mock_provider "aws" {
  override_resource {
    target = aws_codeartifact_domain.this
    values = { arn = "arn:aws:codeartifact:eu-west-1:111111111111:domain/mlops-dev-packages" }
  }
  override_resource {
    target = aws_codeartifact_repository.curated
    values = { arn = "arn:aws:codeartifact:eu-west-1:111111111111:repository/mlops-dev-packages/curated" }
  }
}

override_data {
  target = data.aws_caller_identity.current
  values = { account_id = "111111111111", arn = "arn:aws:iam::111111111111:role/mlops-dev-deploy", user_id = "AROAEXAMPLE" }
}

override_data {
  target = data.aws_partition.current
  values = { partition = "aws", dns_suffix = "amazonaws.com" }
}

override_data {
  target = data.aws_region.current
  values = { name = "eu-west-1" }
}

variables {
  name_prefix              = "mlops-dev"
  encryption_key_arn       = "arn:aws:kms:eu-west-1:111111111111:key/11111111-2222-3333-4444-555555555555"
  reader_role_arn_patterns = ["arn:aws:iam::111111111111:role/mlops-dev-*"]
  publisher_role_arns      = ["arn:aws:iam::111111111111:role/mlops-dev-data-science-admin", "arn:aws:iam::111111111111:role/mlops-dev-deploy"]
}

run "curated_only_by_default" {
  command = apply

  assert {
    condition     = aws_codeartifact_domain.this.domain == "mlops-dev-packages" && aws_codeartifact_domain.this.encryption_key == var.encryption_key_arn
    error_message = "The domain is <name_prefix>-packages, encrypted with the given key."
  }

  assert {
    condition     = length(aws_codeartifact_repository.public) == 0 && length(aws_codeartifact_repository.curated.upstream) == 0 && length(aws_codeartifact_repository.curated.external_connections) == 0
    error_message = "Without public_upstream there is no public repository and the curated one has no upstream or external connection."
  }

  assert {
    condition     = output.repository_name == "curated" && output.domain_owner == "111111111111" && output.package_arn_pattern == "arn:aws:codeartifact:eu-west-1:111111111111:package/mlops-dev-packages/curated/*"
    error_message = "The outputs name the curated repository, the owner and its packages."
  }

  assert {
    condition = jsondecode(aws_codeartifact_domain_permissions_policy.this.policy_document).Statement == [{
      Sid       = "DenyTokensOutsideTheEnvironment"
      Effect    = "Deny"
      Principal = { AWS = "*" }
      Action    = "codeartifact:GetAuthorizationToken"
      Resource  = "*"
      Condition = { ArnNotLike = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-*"] } }
    }]
    error_message = "The domain policy denies tokens to every principal outside the environment's roles, and only that."
  }

  assert {
    condition = [for s in jsondecode(aws_codeartifact_repository_permissions_policy.curated.policy_document).Statement : [s.Sid, s.Effect, s.Condition]] == [
      ["DenyReadsOutsideTheEnvironment", "Deny", { ArnNotLike = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-*"] } }],
      ["DenyPublishingExceptThePlatformTeam", "Deny", { ArnNotEquals = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-data-science-admin", "arn:aws:iam::111111111111:role/mlops-dev-deploy"] } }],
    ]
    error_message = "The curated repository denies reads outside the environment and publishing to all but the publishers (deny-only: grants come from IAM)."
  }

  assert {
    condition     = contains(jsondecode(aws_codeartifact_repository_permissions_policy.curated.policy_document).Statement[1].Action, "codeartifact:PublishPackageVersion") && !contains(jsondecode(aws_codeartifact_repository_permissions_policy.curated.policy_document).Statement[1].Action, "codeartifact:ReadFromRepository")
    error_message = "The publishing deny covers PublishPackageVersion and not reads."
  }
}

run "public_upstream" {
  command = apply

  variables {
    public_upstream = true
  }

  assert {
    condition     = aws_codeartifact_repository.public[0].repository == "public-pypi" && one(aws_codeartifact_repository.public[0].external_connections).external_connection_name == "public:pypi"
    error_message = "The public repository is connected to public:pypi."
  }

  assert {
    condition     = one(aws_codeartifact_repository.curated.upstream).repository_name == "public-pypi"
    error_message = "The curated repository reads through to the public one."
  }

  assert {
    condition = [for s in jsondecode(aws_codeartifact_repository_permissions_policy.public[0].policy_document).Statement : [s.Sid, try(s.Condition, null)]] == [
      ["DenyReadsOutsideTheEnvironment", { ArnNotLike = { "aws:PrincipalArn" = ["arn:aws:iam::111111111111:role/mlops-dev-*"] } }],
      ["DenyAllPublishing", null],
    ]
    error_message = "Nobody publishes to the public repository; only the environment reads it."
  }

  assert {
    condition     = length(output.repository_arns) == 2 && keys(output.policy_documents) == ["curated", "domain", "public"]
    error_message = "Both repositories and all three policies are in the outputs."
  }
}

run "alias_instead_of_key" {
  command = plan

  variables {
    encryption_key_arn = "arn:aws:kms:eu-west-1:111111111111:alias/mlops-dev-data"
  }

  expect_failures = [var.encryption_key_arn]
}

run "wildcard_publisher" {
  command = plan

  variables {
    publisher_role_arns = ["arn:aws:iam::111111111111:role/mlops-dev-*"]
  }

  expect_failures = [var.publisher_role_arns]
}

run "no_readers" {
  command = plan

  variables {
    reader_role_arn_patterns = []
  }

  expect_failures = [var.reader_role_arn_patterns]
}

run "bad_prefix" {
  command = plan

  variables {
    name_prefix = "Mlops_Dev"
  }

  expect_failures = [var.name_prefix]
}
