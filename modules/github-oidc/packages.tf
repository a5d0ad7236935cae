# The apply role's permissions on the environment's CodeArtifact domain (modules/package-repository):
# a managed policy of its own, because the role's inline policies are at IAM's 10,240-character
# limit. No CI role may detach it (the CI boundary denies changes to the CI roles); the apply role's
# ManagePolicies on <name_prefix>-* policies does reach its versions, within the CI boundary (the
# boundary has no room left to name it in DenyCiAndBoundaryChanges: see docs/security.md).

resource "aws_iam_policy" "ci_packages" {
  name        = local.ci_packages_policy_name
  description = "GitHub Actions apply role of ${var.name_prefix}: the package repository's domain, repositories, permissions policies and tags; never a token, a package read or a publication."
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.statements.manage_packages]
  })

  tags = merge(var.tags, { Name = local.ci_packages_policy_name })
}

resource "aws_iam_role_policy_attachment" "ci_packages" {
  role       = aws_iam_role.ci["apply"].name
  policy_arn = aws_iam_policy.ci_packages.arn
}
