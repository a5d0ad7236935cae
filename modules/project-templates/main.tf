# Self-service SageMaker project templates: CloudFormation templates stored in an
# encrypted bucket and offered in SageMaker Studio either straight from S3
# (template_distribution = "s3", AWS's recommendation) or as a Service Catalog
# portfolio ("service_catalog"); launched only with the platform's launch role.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition

  # Not under the identity module's project_resource_prefix (<name_prefix>-project-):
  # the launch role may reconfigure buckets there, and it must never touch this one.
  bucket_name = "${var.name_prefix}-sc-templates-${local.account_id}"
  bucket_host = "${local.bucket_name}.s3.${data.aws_region.current.name}.${data.aws_partition.current.dns_suffix}"

  # One entry per product version, keyed "<product>/<version>". The object key
  # carries a digest of the content, so a changed file is a new object.
  versions = merge([
    for product, p in var.products : {
      for index, v in p.versions : "${product}/${v.name}" => {
        product       = product
        name          = v.name
        description   = v.description
        template_path = v.template_path
        sha256        = filesha256(v.template_path)
        key           = "${var.template_distribution == "s3" ? "templates/" : ""}${product}/${v.name}/${substr(filesha256(v.template_path), 0, 16)}.yaml"
        initial       = index == 0
        latest        = index == length(p.versions) - 1
      }
    }
  ]...)

  template_urls = { for k, v in local.versions : k => "https://${local.bucket_host}/${v.key}" }

  # The first version is the product's own (initial) provisioning artifact;
  # every later version is an aws_servicecatalog_provisioning_artifact.
  initial_version    = { for product, p in var.products : product => "${product}/${p.versions[0].name}" }
  additional_version = { for k, v in local.versions : k => v if !v.initial }

  product_tags = merge(var.tags, { "sagemaker:studio-visibility" = "true" })

  # S3-based templates: Studio lists the objects under the location the domain's
  # sagemaker:projectS3TemplatesLocation tag names that carry the tag
  # sagemaker:studio-visibility = true (both tag keys:
  # https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-projects-templates-custom.html,
  # "Using a template from an Amazon S3 bucket"). Only each product's current
  # version is visible; older objects stay for the projects launched from them.
  s3_distribution    = var.template_distribution == "s3"
  catalog_products   = local.s3_distribution ? {} : var.products
  catalog_principal  = local.s3_distribution ? [] : var.principal_arns
  templates_prefix   = "templates/"
  templates_location = "s3://${local.bucket_name}/${local.templates_prefix}"
  visible_versions   = local.s3_distribution ? { for k, v in local.versions : k => v if v.latest } : {}
  # Approval decisions of template-launched projects go to this bus (the
  # platform's deployment mechanism for them; see the README).
  approval_event_bus_name = "${var.name_prefix}-model-approvals"
}

################################################################################
# Template bucket and objects
################################################################################

module "template_bucket" {
  source = "../s3-bucket"

  bucket_name = local.bucket_name
  kms_key_arn = var.kms_key_arn

  logging = {
    target_bucket = var.access_log_bucket_name
    target_prefix = "s3/${local.bucket_name}/"
  }

  allowed_vpc_endpoint_ids   = var.allowed_vpc_endpoint_ids
  vpce_exempt_principal_arns = var.vpce_exempt_principal_arns
  lifecycle_rules = {
    noncurrent_version_expiration_days = var.noncurrent_version_expiration_days
  }

  force_destroy = var.force_destroy
  tags          = merge(var.tags, { Purpose = "service-catalog-templates" })
}

resource "aws_s3_object" "template" {
  for_each = local.versions

  bucket = module.template_bucket.bucket_name
  key    = each.value.key
  # content, not source: the state then does not depend on where the repository
  # is checked out (a laptop and a CI runner plan the same object).
  content      = file(each.value.template_path)
  content_type = "application/x-yaml"

  server_side_encryption = "aws:kms"
  kms_key_id             = var.kms_key_arn
  bucket_key_enabled     = true

  # No module tags: S3 allows 10 tags per object and the provider's default tags
  # already count against them; product and version are in the key. The current
  # version of each product carries the Studio visibility tag (S3 distribution).
  tags = contains(keys(local.visible_versions), each.key) ? { "sagemaker:studio-visibility" = "true" } : null
}

################################################################################
# Where the approval rules of template-launched projects deliver
################################################################################

# The templates' approval rule delivers to this bus with the identity module's
# deploy-events role (events:PutEvents on <name_prefix>-* buses only); the
# projects stack forwards each declared project's events from it to the
# project's deploy workflow (modules/mlops-project). Same account, so no
# resource policy: a role of the account needs its own IAM permission.
resource "aws_cloudwatch_event_bus" "approvals" {
  name = local.approval_event_bus_name
  tags = var.tags
}

################################################################################
# Published versions are immutable
################################################################################

# Records the content digest of every version when it is first published. The
# record never changes afterwards (ignore_changes), so the preconditions below
# stop a plan in which the file of a published version differs from what was
# published: Service Catalog would keep serving the old template for the
# initial version, and a later version's artifact would be deleted and
# recreated under a new id. Publish a new version instead.
resource "terraform_data" "published" {
  for_each = local.versions

  input = {
    template_sha256 = each.value.sha256
  }

  lifecycle {
    ignore_changes = [input]
  }
}

# Records which version is each product's initial artifact: it cannot be moved
# or removed because it is part of the product itself.
resource "terraform_data" "initial_version" {
  for_each = var.products

  input = {
    version = each.value.versions[0].name
  }

  lifecycle {
    ignore_changes = [input]
  }
}

################################################################################
# Portfolio and products
################################################################################

resource "aws_servicecatalog_portfolio" "this" {
  count = local.s3_distribution ? 0 : 1

  name          = "${var.name_prefix}-sagemaker-projects"
  description   = var.portfolio_description
  provider_name = var.provider_name
  tags          = var.tags
}

resource "aws_servicecatalog_product" "this" {
  for_each = local.catalog_products

  name                = coalesce(each.value.display_name, "${var.name_prefix}-${each.key}")
  description         = each.value.description
  owner               = each.value.owner
  distributor         = each.value.distributor
  support_description = each.value.support_description
  support_email       = each.value.support_email
  support_url         = each.value.support_url
  type                = "CLOUD_FORMATION_TEMPLATE"

  provisioning_artifact_parameters {
    name                        = local.versions[local.initial_version[each.key]].name
    description                 = local.versions[local.initial_version[each.key]].description
    template_url                = local.template_urls[local.initial_version[each.key]]
    type                        = "CLOUD_FORMATION_TEMPLATE"
    disable_template_validation = false
  }

  # SageMaker Studio lists only products with this tag.
  tags = local.product_tags

  # CreateProduct reads the template from the bucket: the object must exist first (the URL is
  # built from names, so Terraform would not infer the order).
  depends_on = [aws_s3_object.template]

  lifecycle {
    # provisioning_artifact_parameters is ForceNew and only used by CreateProduct
    # (the provider never reads it back). Without this, any change to it would
    # delete the product with all its versions and orphan every project launched
    # from it. The preconditions make sure it never differs in substance.
    ignore_changes = [provisioning_artifact_parameters]

    precondition {
      condition     = terraform_data.initial_version[each.key].output.version == each.value.versions[0].name
      error_message = "products[\"${each.key}\"].versions[0] must stay \"${terraform_data.initial_version[each.key].output.version}\": the first version is the product's initial provisioning artifact and cannot be removed or reordered (got \"${each.value.versions[0].name}\"). Append new versions instead."
    }

    precondition {
      condition     = terraform_data.published[local.initial_version[each.key]].output.template_sha256 == local.versions[local.initial_version[each.key]].sha256
      error_message = "products[\"${each.key}\"] version \"${each.value.versions[0].name}\" is published and immutable, but its template ${each.value.versions[0].template_path} changed (sha256 ${local.versions[local.initial_version[each.key]].sha256}, published ${terraform_data.published[local.initial_version[each.key]].output.template_sha256}). Restore the file and append a new version."
    }
  }
}

resource "aws_servicecatalog_provisioning_artifact" "this" {
  for_each = local.s3_distribution ? {} : local.additional_version

  product_id                  = aws_servicecatalog_product.this[each.value.product].id
  name                        = each.value.name
  description                 = each.value.description
  template_url                = local.template_urls[each.key]
  type                        = "CLOUD_FORMATION_TEMPLATE"
  disable_template_validation = false
  # Only the latest version is active (and DEFAULT): an inactive version is
  # hidden from users and launches nothing; the projects launched from it keep
  # running, are terminated, or are updated to the active version.
  active   = each.value.latest
  guidance = each.value.latest ? "DEFAULT" : "DEPRECATED"

  lifecycle {
    precondition {
      condition     = terraform_data.published[each.key].output.template_sha256 == each.value.sha256
      error_message = "products[\"${each.value.product}\"] version \"${each.value.name}\" is published and immutable, but its template ${each.value.template_path} changed (sha256 ${each.value.sha256}, published ${terraform_data.published[each.key].output.template_sha256}). Restore the file and append a new version."
    }
  }

  depends_on = [aws_s3_object.template]
}

resource "aws_servicecatalog_product_portfolio_association" "this" {
  for_each = local.catalog_products

  portfolio_id = aws_servicecatalog_portfolio.this[0].id
  product_id   = aws_servicecatalog_product.this[each.key].id
}

resource "aws_servicecatalog_constraint" "launch" {
  for_each = local.catalog_products

  description  = "Launch ${each.key} with the platform launch role (permission boundary) only."
  portfolio_id = aws_servicecatalog_product_portfolio_association.this[each.key].portfolio_id
  product_id   = aws_servicecatalog_product_portfolio_association.this[each.key].product_id
  type         = "LAUNCH"
  parameters   = jsonencode({ RoleArn = var.launch_role_arn })

  lifecycle {
    precondition {
      condition     = split(":", var.launch_role_arn)[4] == local.account_id && split(":", var.launch_role_arn)[1] == local.partition
      error_message = "The variable launch_role_arn must be a role of this account (${local.account_id}, partition ${local.partition}); got \"${var.launch_role_arn}\"."
    }
  }
}

# The personas get access only after every product has its launch constraint,
# so no product can ever be launched with the end user's own permissions.
resource "aws_servicecatalog_principal_portfolio_association" "this" {
  for_each = toset(local.catalog_principal)

  portfolio_id   = aws_servicecatalog_portfolio.this[0].id
  principal_arn  = each.value
  principal_type = "IAM"

  lifecycle {
    precondition {
      condition     = split(":", each.value)[4] == local.account_id && split(":", each.value)[1] == local.partition
      error_message = "The variable principal_arns must contain roles of this account (${local.account_id}, partition ${local.partition}); got \"${each.value}\"."
    }
  }

  depends_on = [aws_servicecatalog_constraint.launch]
}

################################################################################
# Initial artifact ids (the product resource does not export them)
################################################################################

data "aws_servicecatalog_provisioning_artifacts" "this" {
  for_each = local.catalog_products

  product_id = aws_servicecatalog_product.this[each.key].id
}

locals {
  initial_artifact = {
    for product, p in var.products : product => try(
      one([for a in data.aws_servicecatalog_provisioning_artifacts.this[product].provisioning_artifact_details : a if a.name == p.versions[0].name]),
      null,
    )
  }
}
