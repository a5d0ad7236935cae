output "role_arns" {
  description = "Persona and execution roles by name (created or brought)."
  value       = module.identity.role_arns
}

output "permission_boundary_arn" {
  description = "The boundary every role of the environment carries."
  value       = module.identity.permission_boundary_arn
}

output "guardrails_policy_arn" {
  description = "The SageMaker guardrails policy attached to every persona and execution role."
  value       = module.identity.guardrails_policy_arn
}

output "target_model_execution_role_arns" {
  description = "Deterministic ARNs of the target accounts' model execution roles."
  value       = module.identity.target_model_execution_role_arns
}

output "deploy_events_role_arn" {
  description = "The role EventBridge uses to deliver project approval events (the model-deploy template's DeployEventTargetRoleArn)."
  value       = module.identity.deploy_events_role_arn
}

output "team_persona_role_arns" {
  description = "Each team's persona roles (teams): team => persona => ARN."
  value       = module.identity.team_persona_role_arns
}
