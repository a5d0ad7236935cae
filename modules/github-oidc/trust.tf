locals {
  github_audience = "sts.${local.dns_suffix}"

  # IAM names an OIDC provider after its URL, so the ARN of the provider created here is known
  # before it exists (the roles depend on the provider; a postcondition checks the ARN).
  created_oidc_provider_arn = "${local.iam_arn}:oidc-provider/token.actions.githubusercontent.com"
  oidc_provider_arn         = var.create_oidc_provider ? local.created_oidc_provider_arn : var.existing_oidc_provider_arn

  # GitHub's default subject says either the environment of a job or its branch, never both: a
  # trust on `environment:<env>` alone lets any branch the environment admits obtain the role.
  # The repository therefore customises its subject template (GitHub REST API, PUT
  # /repos/<owner>/<repo>/actions/oidc/customization/sub with {"use_default": false,
  # "include_claim_keys": <subject_claim_keys>}; `python -m orchestrator oidc-subject --apply`),
  # and every token's subject then reads, claim by claim in this order, <key>:<value>:
  #   repo:<owner>/<name>:<context>:ref:<ref>
  # where <context> is what followed the repository in the default subject (environment:<env>,
  # pull_request, ref:refs/heads/<branch>). IAM evaluates only the sub and aud claims of GitHub's
  # tokens, so the branch is pinned inside the subject. The subjects are computed here only.
  subject_claim_keys = ["repo", "context", "ref"]
  subject_repo       = "repo:${var.repository.owner}/${var.repository.name}"

  # - jobs of pull_request events without a GitHub environment, of any pull request (the one
  #   wildcard: the pull request's number in refs/pull/<number>/merge); only pull_request events
  #   have the context pull_request;
  pull_request_subject = "${local.subject_repo}:pull_request:ref:refs/pull/*/merge"
  # - jobs without a GitHub environment on the protected branch: the plan before each reviewed
  #   apply, and the scheduled drift check;
  plan_branch_subject = "${local.subject_repo}:ref:refs/heads/${var.plan_branch}:ref:refs/heads/${var.plan_branch}"
  # - jobs that declare `environment: <env>` and run on the protected branch apply_branch: no
  #   other branch or tag obtains the apply role, whatever the environment's deployment rules.
  apply_subject = "${local.subject_repo}:environment:${var.github_environment}:ref:refs/heads/${var.apply_branch}"

  plan_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "GitHubActionsPullRequests"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = { "token.actions.githubusercontent.com:aud" = local.github_audience }
          StringLike   = { "token.actions.githubusercontent.com:sub" = local.pull_request_subject }
        }
      },
      {
        Sid       = "GitHubActionsPlanBranch"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = local.github_audience
            "token.actions.githubusercontent.com:sub" = local.plan_branch_subject
          }
        }
      },
    ]
  }

  apply_trust_policy = {
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "GitHubActionsEnvironmentOnBranch"
        Effect    = "Allow"
        Principal = { Federated = local.oidc_provider_arn }
        Action    = "sts:AssumeRoleWithWebIdentity"
        Condition = {
          StringEquals = {
            "token.actions.githubusercontent.com:aud" = local.github_audience
            "token.actions.githubusercontent.com:sub" = local.apply_subject
          }
        }
      },
    ]
  }
}

resource "aws_iam_openid_connect_provider" "github" {
  count = var.create_oidc_provider ? 1 : 0

  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = [local.github_audience]
  thumbprint_list = [for t in var.oidc_thumbprints : lower(t)]

  tags = merge(var.tags, { Name = "${var.name_prefix}-github-actions" })

  lifecycle {
    postcondition {
      condition     = self.arn == local.created_oidc_provider_arn
      error_message = "The OIDC provider ARN ${self.arn} differs from the ARN the trust policies use (${local.created_oidc_provider_arn})."
    }
  }
}
