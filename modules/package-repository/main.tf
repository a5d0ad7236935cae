################################################################################
# CodeArtifact: one domain per environment, a curated repository and, where
# allowed, an upstream repository connected to the public index.
################################################################################

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  partition   = data.aws_partition.current.partition
  region      = data.aws_region.current.name
  domain_name = "${var.name_prefix}-packages"
  # Repository names are unique within their domain; the domain carries the environment's name.
  curated_name = "curated"
  public_name  = "public-pypi"
  arn_prefix   = "arn:${local.partition}:codeartifact:${local.region}:${local.account_id}"

  # Writes to a repository's packages (the service authorization reference's package actions).
  package_write_actions = [
    "codeartifact:CopyPackageVersions",
    "codeartifact:DeletePackage",
    "codeartifact:DeletePackageVersions",
    "codeartifact:DisposePackageVersions",
    "codeartifact:PublishPackageVersion",
    "codeartifact:PutPackageMetadata",
    "codeartifact:PutPackageOriginConfiguration",
    "codeartifact:UpdatePackageVersionsStatus",
  ]
  read_actions = ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"]
  everyone     = { AWS = "*" }
  not_a_reader = { ArnNotLike = { "aws:PrincipalArn" = var.reader_role_arn_patterns } }

  domain_policy = {
    Version = "2012-10-17"
    Statement = [{
      # Tokens are the only way to read a repository: nobody outside the environment's roles
      # (no other account, no other role of this one) gets one, whatever their own policy says.
      Sid       = "DenyTokensOutsideTheEnvironment"
      Effect    = "Deny"
      Principal = local.everyone
      Action    = "codeartifact:GetAuthorizationToken"
      Resource  = "*"
      Condition = local.not_a_reader
    }]
  }

  deny_reads_outside = {
    Sid       = "DenyReadsOutsideTheEnvironment"
    Effect    = "Deny"
    Principal = local.everyone
    Action    = local.read_actions
    Resource  = "*"
    Condition = local.not_a_reader
  }

  curated_policy = {
    Version = "2012-10-17"
    Statement = [
      local.deny_reads_outside,
      {
        # Only the platform team (administrator persona, deploy role) publishes vetted packages.
        Sid       = "DenyPublishingExceptThePlatformTeam"
        Effect    = "Deny"
        Principal = local.everyone
        Action    = local.package_write_actions
        Resource  = "*"
        Condition = { ArnNotEquals = { "aws:PrincipalArn" = var.publisher_role_arns } }
      },
    ]
  }

  public_policy = {
    Version = "2012-10-17"
    Statement = [
      local.deny_reads_outside,
      {
        # What comes from the public index is fetched by CodeArtifact only; nobody publishes here.
        Sid       = "DenyAllPublishing"
        Effect    = "Deny"
        Principal = local.everyone
        Action    = local.package_write_actions
        Resource  = "*"
      },
    ]
  }
}

resource "aws_codeartifact_domain" "this" {
  domain         = local.domain_name
  encryption_key = var.encryption_key_arn

  tags = merge(var.tags, { Name = local.domain_name })
}

resource "aws_codeartifact_domain_permissions_policy" "this" {
  domain          = aws_codeartifact_domain.this.domain
  domain_owner    = local.account_id
  policy_document = jsonencode(local.domain_policy)
}

resource "aws_codeartifact_repository" "public" {
  count = var.public_upstream ? 1 : 0

  repository   = local.public_name
  domain       = aws_codeartifact_domain.this.domain
  domain_owner = local.account_id
  description  = "Packages of the public index (PyPI), fetched through CodeArtifact on first use; upstream of ${local.curated_name}."

  external_connections {
    external_connection_name = "public:pypi"
  }

  tags = merge(var.tags, { Name = "${local.domain_name}-${local.public_name}" })
}

resource "aws_codeartifact_repository" "curated" {
  repository   = local.curated_name
  domain       = aws_codeartifact_domain.this.domain
  domain_owner = local.account_id
  description  = "Packages vetted and published by the platform team${var.public_upstream ? ", then the public index through ${local.public_name}" : " (no public upstream)"}."

  dynamic "upstream" {
    for_each = aws_codeartifact_repository.public
    content {
      repository_name = upstream.value.repository
    }
  }

  tags = merge(var.tags, { Name = "${local.domain_name}-${local.curated_name}" })
}

resource "aws_codeartifact_repository_permissions_policy" "curated" {
  repository      = aws_codeartifact_repository.curated.repository
  domain          = aws_codeartifact_domain.this.domain
  domain_owner    = local.account_id
  policy_document = jsonencode(local.curated_policy)
}

resource "aws_codeartifact_repository_permissions_policy" "public" {
  count = var.public_upstream ? 1 : 0

  repository      = aws_codeartifact_repository.public[0].repository
  domain          = aws_codeartifact_domain.this.domain
  domain_owner    = local.account_id
  policy_document = jsonencode(local.public_policy)
}
