#!/bin/bash
# Studio lifecycle configuration of ${domain_name} (JupyterLab and Code Editor spaces).
#
# With the environment's package repository, first points pip at it
# (scripts/pip-index.py, installed as ~/.local/bin/pip-index-login): a token of
# the user's execution role and the repository's endpoint in ~/.config/pip/pip.conf.
#
# Writes the SageMaker Python SDK defaults file (~/.config/sagemaker/config.yaml,
# the SDK's "intelligent defaults") so that every training, processing, transform,
# AutoML, compilation and monitoring job, model and endpoint configuration a user
# creates with the SDK runs in the environment's private subnets and security
# groups, with customer-managed KMS keys and encrypted inter-container traffic:
# the settings without which the platform's IAM guardrails deny the request.
#
# Rendered by Terraform (modules/sagemaker-studio); runs at every app start.
# Idempotent: an up-to-date file is left untouched, a different one is replaced
# atomically and kept once as config.yaml.previous.
set -euo pipefail

target_home="$${HOME:-/home/sagemaker-user}"

%{ if package_index != null ~}
# pip: the environment's CodeArtifact repository is pip's only index (no internet in the VPC).
# The login script is kept in ~/.local/bin so a user can renew an expired token by hand.
login_script="$target_home/.local/bin/pip-index-login"
mkdir -p "$(dirname "$login_script")"
cat >"$login_script" <<'PIP_INDEX_LOGIN'
${pip_index_script}PIP_INDEX_LOGIN
chmod 0755 "$login_script"
# A failure leaves pip unconfigured (and says why) but never keeps the app from starting.
python3 "$login_script" --domain '${package_index.domain}' --domain-owner '${package_index.domain_owner}' \
  --repository '${package_index.repository}' --region '${package_index.region}' ||
  echo "WARNING: pip is not configured for the CodeArtifact repository; run $login_script to retry" >&2
%{ endif ~}
config_dir="$target_home/.config/sagemaker"
config_file="$config_dir/config.yaml"

mkdir -p "$config_dir"
tmp_file="$(mktemp "$config_dir/.config.yaml.XXXXXX")"
trap 'rm -f "$tmp_file"' EXIT

cat >"$tmp_file" <<'SAGEMAKER_SDK_CONFIG'
${sdk_config_yaml}SAGEMAKER_SDK_CONFIG

if [ -f "$config_file" ] && cmp -s "$tmp_file" "$config_file"; then
  echo "SageMaker SDK defaults already up to date in $config_file"
  exit 0
fi

if [ -f "$config_file" ]; then
  cp -p "$config_file" "$config_file.previous"
  echo "Replaced SageMaker SDK defaults; the previous file is $config_file.previous"
fi

chmod 0644 "$tmp_file"
mv -f "$tmp_file" "$config_file"
echo "Wrote SageMaker SDK defaults to $config_file"
