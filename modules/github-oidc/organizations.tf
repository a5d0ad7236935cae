# The plan role may assume the organization's read role (organizations.read_role_arn of the dev
# environment's env.yaml: a role of the management account or of a delegated administrator that
# lists an OU's accounts), so that a deploy workflow's waves job (.github/workflows/deploy.yml) can
# resolve a stage given as an AWS Organizations OU. Created only when that role is configured.
# A managed policy of its own, attached to the plan role only: the apply role's inline policies are
# at IAM's 10,240-character limit, and no apply job lists an OU (`apply --from` uses the accounts
# recorded with the reviewed plan; a target account's stacks name none). Its name does not start
# with name_prefix, so no CI role may change it (ManagePolicies is <name_prefix>-* only), and the
# boundary's DenyCiAndBoundaryChanges keeps them from detaching it from themselves. The boundary
# allows sts:AssumeRole on exactly this ARN (NamedResources, boundary.tf).

locals {
  ci_organizations_read_policy_name = "ci-organizations-read-${var.name_prefix}"

  # The read role as a list (empty without one), for the boundary's NamedResources.
  organizations_read_roles   = var.organizations_read_role_arn == null ? [] : [var.organizations_read_role_arn]
  organizations_read_actions = var.organizations_read_role_arn == null ? [] : ["sts:AssumeRole"]
}

resource "aws_iam_policy" "ci_organizations_read" {
  count = var.organizations_read_role_arn == null ? 0 : 1

  name        = local.ci_organizations_read_policy_name
  description = "GitHub Actions plan role of ${var.name_prefix}: assume the organization's read role that lists the target OUs' accounts; nothing else."
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "AssumeOrganizationsReadRole"
        Effect   = "Allow"
        Action   = "sts:AssumeRole"
        Resource = var.organizations_read_role_arn
      },
    ]
  })

  tags = merge(var.tags, { Name = local.ci_organizations_read_policy_name })
}

resource "aws_iam_role_policy_attachment" "ci_organizations_read" {
  count = var.organizations_read_role_arn == null ? 0 : 1

  role       = aws_iam_role.ci["plan"].name
  policy_arn = aws_iam_policy.ci_organizations_read[0].arn
}
