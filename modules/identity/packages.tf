################################################################################
# Packages: the environment's CodeArtifact repository (modules/package-repository)
#
# pip in Studio and in jobs runs as the SageMaker execution role: a token for
# the domain (GetAuthorizationToken, which also needs
# sts:GetServiceBearerToken for CodeArtifact), the repository's endpoint and
# reads. The data science administrator (the platform team's persona) also
# publishes vetted packages. The deny-only <name_prefix>-packages policy,
# attached to every role this module creates (beside the guardrails and the
# instance-types policies, which have no room left), keeps every role to this
# domain and denies publishing to all but the administrator. Written as `for`
# over var.package_repositories (0 or 1) so checkov can render each policy.
################################################################################

locals {
  packages_policy_name = "${var.name_prefix}-packages"
  packages_policy_arn  = "${local.iam_arn_prefix}:policy/${local.packages_policy_name}"
  packages_enabled     = length(var.package_repositories) > 0

  codeartifact_service = "codeartifact.amazonaws.com"
  # Writes to packages and package groups: publishing, copying, deleting, disposing, re-statusing
  # versions, metadata and origin configuration (patterns: a deny may be wider than the writes).
  package_write_actions = [
    "codeartifact:Copy*",
    "codeartifact:Delete*Package*",
    "codeartifact:Dispose*",
    "codeartifact:Publish*",
    "codeartifact:Put*Package*",
    "codeartifact:Update*Package*",
  ]

  package_read_statements = flatten([for r in var.package_repositories : [
    {
      Sid      = "PackageRepositoryToken"
      Effect   = "Allow"
      Action   = "codeartifact:GetAuthorizationToken"
      Resource = r.domain_arn
    },
    {
      Sid      = "PackageRepositoryRead"
      Effect   = "Allow"
      Action   = ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"]
      Resource = r.repository_arn
    },
    {
      Sid       = "CodeArtifactBearerToken"
      Effect    = "Allow"
      Action    = "sts:GetServiceBearerToken"
      Resource  = "*"
      Condition = { StringEquals = { "sts:AWSServiceName" = local.codeartifact_service } }
    },
  ]])

  package_publish_statements = [for r in var.package_repositories : {
    Sid      = "PublishVettedPackages"
    Effect   = "Allow"
    Action   = ["codeartifact:PublishPackageVersion", "codeartifact:PutPackageMetadata"]
    Resource = r.package_arn_pattern
  }]

  # The boundary's ceiling for the statements above, in its region-wide statement (boundary.tf).
  package_boundary_actions = flatten([for r in var.package_repositories : ["codeartifact:*", "sts:GetServiceBearerToken"]])

  packages_policy = {
    Version = "2012-10-17"
    Statement = flatten([for r in var.package_repositories : [
      {
        # Any other domain, its repositories and packages: no tokens, no reads, no writes.
        Sid    = "DenyOtherPackageDomains"
        Effect = "Deny"
        Action = "codeartifact:*"
        NotResource = [
          r.domain_arn,
          "${replace(r.domain_arn, ":domain/", ":repository/")}/*",
          "${replace(r.domain_arn, ":domain/", ":package/")}/*",
        ]
      },
      {
        Sid       = "DenyBearerTokensForOtherServices"
        Effect    = "Deny"
        Action    = "sts:GetServiceBearerToken"
        Resource  = "*"
        Condition = { StringNotEquals = { "sts:AWSServiceName" = local.codeartifact_service } }
      },
      {
        # Only the platform team's persona publishes (the repository policy also lets the deploy role).
        Sid       = "DenyPublishingExceptTheAdministrator"
        Effect    = "Deny"
        Action    = local.package_write_actions
        Resource  = "*"
        Condition = { ArnNotEquals = { "aws:PrincipalArn" = local.data_science_admin_arn } }
      },
    ]])
  }
}

resource "aws_iam_policy" "packages" {
  count = local.packages_enabled ? 1 : 0

  name        = local.packages_policy_name
  description = "Packages of ${var.name_prefix}: only the environment's CodeArtifact domain, bearer tokens for CodeArtifact only, publishing only by the data science administrator."
  policy      = jsonencode(local.packages_policy)

  tags = merge(var.tags, { Name = local.packages_policy_name })
}
