output "data_bucket_name" {
  description = "Name of the data bucket (<name_prefix>-data-<account id>)."
  value       = module.data.bucket_name
}

output "data_bucket_arn" {
  description = "ARN of the data bucket."
  value       = module.data.bucket_arn
}

output "models_bucket_name" {
  description = "Name of the models bucket (<name_prefix>-models-<account id>)."
  value       = module.models.bucket_name
}

output "models_bucket_arn" {
  description = "ARN of the models bucket."
  value       = module.models.bucket_arn
}

output "access_log_bucket_name" {
  description = "Name of the S3 server access log bucket (<name_prefix>-access-logs-<account id>)."
  value       = module.access_logs.bucket_name
}

output "access_log_bucket_arn" {
  description = "ARN of the S3 server access log bucket."
  value       = module.access_logs.bucket_arn
}

output "bucket_arns" {
  description = "ARNs of all three buckets: [data, models, access logs]. Built from the names and available before the buckets exist, so that other policies (the S3 gateway endpoint's, whose id these buckets' policies name) can reference them without a dependency cycle."
  value = [
    for name in [local.data_bucket_name, local.models_bucket_name, local.access_log_bucket_name] :
    "arn:${local.partition}:s3:::${name}"
  ]
}

output "bucket_policies" {
  description = "Bucket policy JSON of each bucket, by role (data, models, access_logs), as applied; for review and tests."
  value = {
    data        = module.data.policy_json
    models      = module.models.policy_json
    access_logs = module.access_logs.policy_json
  }
}
