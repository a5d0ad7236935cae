output "vpc_id" {
  description = "ID of the VPC."
  value       = local.vpc_id
}

output "vpc_cidr" {
  description = "IPv4 CIDR block of the VPC."
  value       = local.create_vpc ? aws_vpc.this[0].cidr_block : data.aws_vpc.existing[0].cidr_block
}

output "availability_zones" {
  description = "Availability zones of the private subnets, in private_subnet_ids order (with existing_network, an AZ may appear more than once)."
  value       = local.subnet_azs
}

output "private_subnet_ids" {
  description = "IDs of the private subnets: one per availability zone, in availability_zones order, or existing_network.private_subnet_ids as given."
  value       = local.private_subnet_ids
}

output "public_subnet_ids" {
  description = "IDs of the public (NAT) subnets in availability_zones order; empty when internet_access = \"none\"."
  value       = [for az in local.azs : aws_subnet.public[az].id if contains(keys(aws_subnet.public), az)]
}

output "private_route_table_ids" {
  description = "IDs of the private route tables (one per availability zone, in availability_zones order), or of the existing VPC's route tables the S3 gateway endpoint serves."
  value       = local.private_route_table_ids
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
  description = "ID of the S3 gateway endpoint: the module's bucket-scoped one, or existing_network.s3_gateway_endpoint_id."
  value       = local.s3_gateway_endpoint_id
}

output "s3_prefix_list_id" {
  description = "ID of the AWS-managed S3 prefix list of the gateway endpoint (for security group egress rules in other stacks)."
  value       = local.s3_prefix_list_id
}

output "interface_endpoint_ids" {
  description = "Map of interface endpoint service short name => VPC endpoint ID (those the module created and existing_network.interface_endpoint_ids)."
  value       = merge({ for svc, ep in aws_vpc_endpoint.interface : svc => ep.id }, local.existing_interface_endpoint_ids)
}

output "flow_log_group_name" {
  description = "Name of the CloudWatch log group receiving the VPC flow logs (null with existing_network.flow_logs \"existing\")."
  value       = one(aws_cloudwatch_log_group.flow_logs[*].name)
}

output "flow_log_group_arn" {
  description = "ARN of the CloudWatch log group receiving the VPC flow logs (null with existing_network.flow_logs \"existing\")."
  value       = one(aws_cloudwatch_log_group.flow_logs[*].arn)
}

output "flow_logs_boundary_policy_arn" {
  description = "Permission boundary of the flow-log delivery role (its own delivery policy)."
  value       = one(aws_iam_policy.flow_logs_boundary[*].arn)
}

output "endpoint_policies" {
  description = "The VPC endpoint policies as JSON: s3 (the gateway endpoint: listed buckets of the allowed owner accounts, AWS-owned buckets read-only) and interface (every interface endpoint: principals of the allowed accounts only)."
  value = {
    s3        = jsonencode(local.s3_endpoint_policy)
    interface = jsonencode(local.interface_endpoint_policy)
  }
}
