output "projects" {
  description = "Per project: model package group, artifact bucket, CI role, pipeline and job roles, the approval trigger's connection secret and the pipeline-events topic (set its token out of band, see modules/mlops-project/README.md)."
  value = {
    for name, project in module.project : name => {
      model_package_group = project.model_package_group_name
      artifact_bucket     = project.artifact_bucket_name
      ci_role_arn         = project.ci_role_arn
      pipeline_role_arn   = project.pipeline_role_arn
      job_role_arn        = project.job_role_arn
      connection_secret   = project.connection_secret_arn
      pipeline_events     = project.pipeline_events_topic_arn
    }
  }
}
