# Account-wide settings, set once per account by its administrator before any bucket exists.

# S3 Block Public Access for the whole account (all four settings): no bucket of the account can
# be made public, whatever its own settings or whoever holds s3:* on it.
module "s3_public_access" {
  source = "../modules/s3-account-public-access-block"

  managed_by = var.s3_public_access_block_managed_by
}
