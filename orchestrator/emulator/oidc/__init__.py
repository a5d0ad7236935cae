"""The emulator's OIDC issuer and STS's web-identity decision.

- `github.py`: the claims and subject of a GitHub Actions token (default and customised templates).
- `issuer.py`: the emulator's signing key, its discovery document and JWKS, and the endpoint that
  mints GitHub-shaped tokens (`/_platform/oidc/...`); verification of a token's signature and times.
- `web_identity.py`: AssumeRoleWithWebIdentity decided as STS decides it: the account's OIDC
  provider, the token, then the role's trust policy through the authorization package's evaluator.
"""
