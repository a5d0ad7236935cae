mock_provider "aws" {}

run "all_four_settings_on_by_default" {
  command = plan

  assert {
    condition     = length(aws_s3_account_public_access_block.this) == 1 && output.managed_here
    error_message = "The account-level block must be managed by default."
  }

  assert {
    condition = alltrue([
      aws_s3_account_public_access_block.this[0].block_public_acls,
      aws_s3_account_public_access_block.this[0].ignore_public_acls,
      aws_s3_account_public_access_block.this[0].block_public_policy,
      aws_s3_account_public_access_block.this[0].restrict_public_buckets,
    ])
    error_message = "All four Block Public Access settings must be on."
  }
}

run "an_organization_managed_account_gets_no_resource" {
  command = plan

  variables {
    managed_by = "organization"
  }

  assert {
    condition     = length(aws_s3_account_public_access_block.this) == 0 && !output.managed_here && output.settings == null
    error_message = "With managed_by = organization the module must manage nothing."
  }
}

run "anything_else_is_refused" {
  command = plan

  variables {
    managed_by = "nobody"
  }

  expect_failures = [var.managed_by]
}
