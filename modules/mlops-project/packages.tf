# The environment's package repository (modules/package-repository, var.package_repositories: at
# most one). The project's CI role runs the seed code's run-pipeline, which resolves the pipeline
# jobs' requirements from the curated repository before it publishes the pipeline (the jobs are
# network-isolated and cannot): a token for the domain (which also needs sts:GetServiceBearerToken,
# for CodeArtifact only), the repository's endpoint and reads; nothing else of CodeArtifact.
# The jobs get nothing new: the wheels go to <models bucket>/<project>/code/packages/<digest>/,
# which the CI role already writes (UploadPipelineScripts) and the job role already reads.

locals {
  ci_package_statements = flatten([for r in var.package_repositories : [
    { Sid = "JobPackagesToken", Effect = "Allow", Action = "codeartifact:GetAuthorizationToken", Resource = r.domain_arn },
    { Sid = "JobPackagesRead", Effect = "Allow", Action = ["codeartifact:GetRepositoryEndpoint", "codeartifact:ReadFromRepository"], Resource = r.repository_arn },
    {
      Sid       = "JobPackagesBearerToken"
      Effect    = "Allow"
      Action    = "sts:GetServiceBearerToken"
      Resource  = "*"
      Condition = { StringEquals = { "sts:AWSServiceName" = "codeartifact.amazonaws.com" } }
    },
  ]])

  # IAM allows 10,240 characters of inline policies per role (without whitespace).
  ci_policy_size = length(jsonencode(local.ci_policy))
}
