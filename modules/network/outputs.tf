output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Availability zones used, in the same order as private_subnet_cidrs (and all per-AZ list outputs)."
  value       = local.azs
}

output "private_subnet_ids" {
  description = "IDs of the private subnets, one per availability zone, in availability_zones order."
  value       = [for az in local.azs : aws_subnet.private[az].id]
}

output "public_subnet_ids" {
  description = "IDs of the public (NAT) subnets in availability_zones order; empty when internet_access = \"none\"."
  value       = [for az in local.azs : aws_subnet.public[az].id if contains(keys(aws_subnet.public), az)]
}

output "private_route_table_ids" {
  description = "IDs of the private route tables (one per availability zone), in availability_zones order."
  value       = [for az in local.azs : aws_route_table.private[az].id]
}

output "nat_gateway_ids" {
  description = "IDs of the NAT gateways in availability_zones order; empty when internet_access = \"none\"."
  value       = [for az in local.azs : aws_nat_gateway.this[az].id if contains(keys(aws_nat_gateway.this), az)]
}

output "sagemaker_security_group_id" {
  description = "ID of the security group to attach to SageMaker Studio domains/apps, training and processing jobs and endpoints."
  value       = aws_security_group.sagemaker.id
}

output "endpoint_security_group_id" {
  description = "ID of the security group protecting the interface VPC endpoints (HTTPS in from the SageMaker group and endpoint_allowed_security_group_ids only)."
  value       = aws_security_group.endpoints.id
}

output "s3_gateway_endpoint_id" {
  description = "ID of the bucket-scoped S3 gateway endpoint."
  value       = aws_vpc_endpoint.s3.id
}

output "s3_prefix_list_id" {
  description = "ID of the AWS-managed S3 prefix list of the gateway endpoint (for security group egress rules in other stacks)."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "interface_endpoint_ids" {
  description = "Map of interface endpoint service short name => VPC endpoint ID."
  value       = { for svc, ep in aws_vpc_endpoint.interface : svc => ep.id }
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "flow_log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.arn
}

output "flow_logs_boundary_policy_arn" {
  description = "Permission boundary of the flow-log delivery role (its own delivery policy)."
  value       = aws_iam_policy.flow_logs_boundary.arn
}

output "endpoint_policies" {
  description = "The VPC endpoint policies as JSON: s3 (the gateway endpoint: listed buckets of the allowed owner accounts, AWS-owned buckets read-only) and interface (every interface endpoint: principals of the allowed accounts only)."
  value = {
    s3        = jsonencode(local.s3_endpoint_policy)
    interface = jsonencode(local.interface_endpoint_policy)
  }
}
