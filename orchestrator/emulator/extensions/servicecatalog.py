"""Service Catalog: product versions, associations and constraint gaps of the stock emulator.

Stock moto implements portfolios and a bare CreateProduct/DescribeProduct/DeleteProduct: a product
has no provisioning artifact (version), DescribeProductAsAdmin, UpdateProduct and UpdatePortfolio
are missing, and so are product/principal associations and constraints. Deletes never refuse a
resource that is still in use and never report a missing one. The functions below close these gaps
on moto's own ServiceCatalogBackend/ServiceCatalogResponse (Portfolio and Product are moto's
models). What they add is kept on the region backend or on moto's Product objects, in plain dicts
and module-level model classes, so the emulator's state file keeps it (see persistence.py).
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import unquote, urlparse

import yaml

if TYPE_CHECKING:
    from moto.core.responses import ActionResult
    from moto.servicecatalog.models import Portfolio, Product, ServiceCatalogBackend
    from moto.servicecatalog.responses import ServiceCatalogResponse

T = TypeVar("T")

AVAILABLE = "AVAILABLE"
DEFAULT_PAGE_SIZE = 20
CONSTRAINT_TYPES = ("LAUNCH", "NOTIFICATION", "RESOURCE_UPDATE", "STACKSET", "TEMPLATE")
# At most one of these per product and portfolio; LAUNCH and STACKSET also exclude each other.
SINGLE_CONSTRAINT_GROUPS = ({"LAUNCH", "STACKSET"}, {"RESOURCE_UPDATE"})
IAM_PRINCIPAL_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:(user|role|group)/.+$")
IAM_PATTERN_ARN = re.compile(r"^arn:aws[a-z-]*:iam::(\d{12})?:(user|role|group)/.+$")
# <bucket>.s3.amazonaws.com, <bucket>.s3.<region>.amazonaws.com, <bucket>.s3-<region>.amazonaws.com
VIRTUAL_HOSTED_S3 = re.compile(r"^(?P<bucket>.+)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$")


def _error(code: str, message: str) -> Exception:
    """The service's JSON error (HTTP 400), as moto builds it."""
    from moto.core.exceptions import JsonRESTError  # noqa: PLC0415

    return JsonRESTError(code, message)


def _result(body: dict[str, Any]) -> ActionResult:
    """A response body, serialized by moto from the service's botocore model."""
    from moto.core.responses import ActionResult  # noqa: PLC0415

    return ActionResult(body)


def _empty() -> ActionResult:
    """The empty body of calls that return nothing."""
    from moto.core.responses import EmptyResult  # noqa: PLC0415

    return EmptyResult()


def _now() -> datetime:
    from moto.core.utils import utcnow  # noqa: PLC0415

    return utcnow()


def _new_id(prefix: str) -> str:
    """Identifiers shaped like the service's own (`pa-…`, `cons-…`: 13 lowercase characters)."""
    return f"{prefix}-{uuid.uuid4().hex[:13]}"


def _state(backend: ServiceCatalogBackend, name: str) -> dict[str, Any]:
    """A dict kept on the backend, created on first use: backends made before registration, or
    loaded from a state file written before this extension existed, get it as well."""
    return backend.__dict__.setdefault(name, {})  # type: ignore[no-any-return]


def _params(response: ServiceCatalogResponse) -> dict[str, Any]:
    return json.loads(response.body or "{}")  # type: ignore[no-any-return]


def _page(items: list[T], params: dict[str, Any]) -> tuple[list[T], str | None]:
    """PageToken/PageSize paging: the token is the offset of the next page."""
    token = params.get("PageToken") or "0"
    if not str(token).isdigit():
        raise _error("InvalidParametersException", f"The page token {token} is not valid.")
    start, size = int(token), int(params.get("PageSize") or DEFAULT_PAGE_SIZE)
    end = start + size
    return items[start:end], (str(end) if end < len(items) else None)


# --- portfolios -------------------------------------------------------------------------------


def _portfolio(backend: ServiceCatalogBackend, portfolio_id: str | None) -> Portfolio:
    if not portfolio_id or portfolio_id not in backend.portfolios:
        raise _error("ResourceNotFoundException", f"Portfolio {portfolio_id} not found.")
    return backend.portfolios[portfolio_id]


def _retag(
    backend: ServiceCatalogBackend, arn: str, add: list[dict[str, str]] | None, remove: list[str] | None
) -> list[dict[str, str]]:
    if remove:
        backend.tagger.untag_resource_using_names(arn, remove)
    if add:
        backend.tagger.tag_resource(arn, add)
    return backend._list_tags_for_resource(arn)


def _describe_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    portfolio = _portfolio(self.servicecatalog_backend, _params(self).get("Id"))
    return _result({"PortfolioDetail": portfolio.to_dict(), "Tags": portfolio.tags, "TagOptions": [], "Budgets": []})


def _update_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio = _portfolio(backend, params.get("Id"))
    for attribute, key in (
        ("display_name", "DisplayName"),
        ("description", "Description"),
        ("provider_name", "ProviderName"),
    ):
        if params.get(key) is not None:
            setattr(portfolio, attribute, params[key])
    portfolio.tags = _retag(backend, portfolio.arn, params.get("AddTags"), params.get("RemoveTags"))
    return _result({"PortfolioDetail": portfolio.to_dict(), "Tags": portfolio.tags})


def portfolio_update_and_missing_portfolio() -> None:
    """DescribePortfolio of an unknown id answers 200 with an empty PortfolioDetail (AWS:
    ResourceNotFoundException, which is how Terraform notices a portfolio deleted outside it), and
    UpdatePortfolio (name, description, provider and tag changes) is not implemented (HTTP 500)."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.describe_portfolio = _describe_portfolio  # type: ignore[method-assign]
    ServiceCatalogResponse.update_portfolio = _update_portfolio  # type: ignore[attr-defined]


# --- products and provisioning artifacts ------------------------------------------------------


class ProvisioningArtifact:
    """A version of a product: the template it launches and whether end users should pick it."""

    def __init__(self, name: str | None, description: str | None, artifact_type: str, template_url: str) -> None:
        self.id = _new_id("pa")
        self.name = name or ""
        self.description = description or ""
        self.artifact_type = artifact_type
        self.template_url = template_url
        self.active = True
        self.guidance = "DEFAULT"
        self.created_time = _now()

    def detail(self) -> dict[str, Any]:
        return {
            "Id": self.id,
            "Name": self.name,
            "Description": self.description,
            "Type": self.artifact_type,
            "CreatedTime": self.created_time,
            "Active": self.active,
            "Guidance": self.guidance,
        }

    def summary(self) -> dict[str, Any]:
        summary = {"Id": self.id, "Name": self.name, "Description": self.description, "CreatedTime": self.created_time}
        return {**summary, "ProvisioningArtifactMetadata": {}}

    def described(self) -> dict[str, Any]:
        return {
            "ProvisioningArtifactDetail": self.detail(),
            "Info": {"TemplateUrl": self.template_url},
            "Status": AVAILABLE,
        }


def _artifacts(product: Product) -> dict[str, ProvisioningArtifact]:
    """The product's versions, in creation order (kept on moto's Product, so they are persisted)."""
    return product.__dict__.setdefault("provisioning_artifacts", {})  # type: ignore[no-any-return]


def _product(backend: ServiceCatalogBackend, product_id: str | None, name: str | None = None) -> Product:
    if product_id and product_id in backend.products:
        return backend.products[product_id]
    if not product_id and name and (found := backend.lookup_by_name(name)):
        return found
    raise _error("ResourceNotFoundException", f"Product {product_id or name} not found.")


def _template_location(url: str) -> tuple[str, str]:
    """(bucket, key) of a template URL: virtual-hosted S3 URLs name the bucket in the host; any
    other URL (path-style S3, or the emulator's own endpoint) names it in the first path segment."""
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    path = unquote(parsed.path).lstrip("/")
    if match := VIRTUAL_HOSTED_S3.match(host):
        return match.group("bucket"), path
    bucket, _, key = path.partition("/")
    return bucket, key


def _template_body(backend: ServiceCatalogBackend, url: str) -> bytes:
    """The template object, read from the emulator's S3 in the product's account."""
    from moto.s3.exceptions import MissingBucket  # noqa: PLC0415
    from moto.s3.models import FakeKey, s3_backends  # noqa: PLC0415
    from moto.utilities.utils import get_partition  # noqa: PLC0415

    bucket_name, key_name = _template_location(url)
    message = f"Failed to load the template from {url}: the object does not exist or is not readable."
    unreadable = _error("InvalidParametersException", message)
    if not bucket_name or not key_name:
        raise unreadable
    try:
        bucket = s3_backends[backend.account_id][get_partition(backend.region_name)].get_bucket(bucket_name)
    except MissingBucket:
        raise unreadable from None
    key = bucket.keys.get(key_name)
    if not isinstance(key, FakeKey):
        raise unreadable
    return key.value


class _TemplateLoader(yaml.SafeLoader):
    """YAML loader that accepts CloudFormation's short-form intrinsics (!Ref, !Sub, …)."""


def _any_tag(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_TemplateLoader.add_multi_constructor("!", _any_tag)


def _parse_template(body: bytes) -> Any:
    """A template is JSON or YAML; JSON is tried first (YAML rejects tab-indented JSON)."""
    try:
        return json.loads(body)
    except ValueError:
        pass
    try:
        return yaml.load(body, Loader=_TemplateLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return None


def _check_cloudformation_template(body: bytes, url: str) -> None:
    """CloudFormation's cheapest check: the body is a JSON or YAML mapping with a Resources member."""
    template = _parse_template(body)
    if not isinstance(template, dict) or not isinstance(template.get("Resources"), dict):
        raise _error(
            "InvalidParametersException",
            f"Template from {url} is not valid: it must be a JSON or YAML document with a Resources section.",
        )


def _new_artifact(backend: ServiceCatalogBackend, properties: dict[str, Any] | None) -> ProvisioningArtifact:
    """Validate ProvisioningArtifactProperties and build the version they describe."""
    properties = properties or {}
    info = properties.get("Info") or {}
    url = info.get("LoadTemplateFromURL")
    if not url:
        raise _error(
            "InvalidParametersException",
            "Info must contain LoadTemplateFromURL (this emulator has no ImportFromPhysicalId).",
        )
    artifact_type = properties.get("Type") or "CLOUD_FORMATION_TEMPLATE"
    body = _template_body(backend, url)
    if artifact_type == "CLOUD_FORMATION_TEMPLATE" and not properties.get("DisableTemplateValidation"):
        _check_cloudformation_template(body, url)
    return ProvisioningArtifact(properties.get("Name"), properties.get("Description"), artifact_type, url)


def _product_view_detail(product: Product) -> dict[str, Any]:
    return {
        "ProductViewSummary": product.to_dict(),
        "Status": AVAILABLE,
        "ProductARN": product.arn,
        "CreatedTime": product.created_time,
    }


def _create_product(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    artifact = _new_artifact(backend, params.get("ProvisioningArtifactParameters"))
    product = backend.create_product(
        name=params.get("Name", ""),
        owner=params.get("Owner", ""),
        description=params.get("Description"),
        distributor=params.get("Distributor"),
        support_description=params.get("SupportDescription"),
        support_email=params.get("SupportEmail"),
        support_url=params.get("SupportUrl"),
        product_type=params.get("ProductType", ""),
        tags=params.get("Tags") or [],
        provisioning_artifact_parameters=params.get("ProvisioningArtifactParameters"),
        idempotency_token=params.get("IdempotencyToken"),
        source_connection=params.get("SourceConnection"),
        accept_language=params.get("AcceptLanguage"),
    )
    artifacts = _artifacts(product)
    if not artifacts:  # a retried request (same idempotency token) keeps the first version
        artifacts[artifact.id] = artifact
    first = next(iter(artifacts.values()))
    tags = backend._list_tags_for_resource(product.arn)
    return _result(
        {"ProductViewDetail": _product_view_detail(product), "ProvisioningArtifactDetail": first.detail(), "Tags": tags}
    )


def _describe_product_as_admin(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    product = _product(backend, params.get("Id"), params.get("Name"))
    return _result(
        {
            "ProductViewDetail": _product_view_detail(product),
            "ProvisioningArtifactSummaries": [a.summary() for a in _artifacts(product).values()],
            "Tags": backend._list_tags_for_resource(product.arn),
            "TagOptions": [],
            "Budgets": [],
        }
    )


def _describe_product(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    product = _product(self.servicecatalog_backend, params.get("Id"), params.get("Name"))
    versions = [
        {
            "Id": a.id,
            "Name": a.name,
            "Description": a.description,
            "CreatedTime": a.created_time,
            "Guidance": a.guidance,
        }
        for a in _artifacts(product).values()
        if a.active
    ]
    return _result(
        {"ProductViewSummary": product.to_dict(), "ProvisioningArtifacts": versions, "Budgets": [], "LaunchPaths": []}
    )


PRODUCT_FIELDS = (
    ("name", "Name"),
    ("owner", "Owner"),
    ("description", "Description"),
    ("distributor", "Distributor"),
    ("support_description", "SupportDescription"),
    ("support_email", "SupportEmail"),
    ("support_url", "SupportUrl"),
)


def _update_product(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    product = _product(backend, params.get("Id"))
    for attribute, key in PRODUCT_FIELDS:
        if params.get(key) is not None:
            setattr(product, attribute, params[key])
    product.tags = _retag(backend, product.arn, params.get("AddTags"), params.get("RemoveTags"))
    return _result({"ProductViewDetail": _product_view_detail(product), "Tags": product.tags})


def product_versions_status_and_admin_view() -> None:
    """CreateProduct: moto stores the ProvisioningArtifactParameters but creates no version
    (ProvisioningArtifactDetail is empty) and never reads the template, so a product whose template
    does not exist is accepted. DescribeProductAsAdmin, which Terraform polls for the product's
    Status and reads its versions and tags from, and UpdateProduct are not implemented (HTTP 500);
    DescribeProduct lists no versions.

    Here CreateProduct creates the first version. As on AWS, which copies the template when it
    creates a version, the template object must exist (in the emulator's S3, addressed by a
    virtual-hosted or path-style URL, or by the emulator's own endpoint); otherwise the call fails
    with InvalidParametersException and nothing is created. Unless DisableTemplateValidation is set,
    a CloudFormation template must also be a JSON or YAML mapping with a Resources section (the
    cheap part of CloudFormation's validation; resource types and properties are not checked).
    Products are AVAILABLE at once."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.create_product = _create_product  # type: ignore[method-assign]
    ServiceCatalogResponse.describe_product = _describe_product  # type: ignore[method-assign]
    ServiceCatalogResponse.describe_product_as_admin = _describe_product_as_admin  # type: ignore[attr-defined]
    ServiceCatalogResponse.update_product = _update_product  # type: ignore[attr-defined]


def _artifact(backend: ServiceCatalogBackend, params: dict[str, Any]) -> tuple[Product, ProvisioningArtifact]:
    product = _product(backend, params.get("ProductId"), params.get("ProductName"))
    artifacts = _artifacts(product)
    artifact_id, name = params.get("ProvisioningArtifactId"), params.get("ProvisioningArtifactName")
    found = artifacts.get(artifact_id) if artifact_id else next((a for a in artifacts.values() if a.name == name), None)
    if found is None:
        raise _error(
            "ResourceNotFoundException",
            f"Provisioning artifact {artifact_id or name} not found for product {product.id}.",
        )
    return product, found


def _create_provisioning_artifact(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    product = _product(backend, params.get("ProductId"))
    artifacts = _artifacts(product)
    token = params.get("IdempotencyToken")
    tokens = _state(backend, "provisioning_artifact_tokens")
    if token in tokens and tokens[token] in artifacts:
        return _result(artifacts[tokens[token]].described())
    artifact = _new_artifact(backend, params.get("Parameters"))
    artifacts[artifact.id] = artifact
    if token:
        tokens[token] = artifact.id
    return _result(artifact.described())


def _describe_provisioning_artifact(self: ServiceCatalogResponse) -> ActionResult:
    _, artifact = _artifact(self.servicecatalog_backend, _params(self))
    return _result({**artifact.described(), "ProvisioningArtifactParameters": []})


def _update_provisioning_artifact(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    _, artifact = _artifact(self.servicecatalog_backend, params)
    guidance = params.get("Guidance")
    if guidance is not None and guidance not in ("DEFAULT", "DEPRECATED"):
        raise _error("InvalidParametersException", f"Guidance {guidance} is not valid: DEFAULT or DEPRECATED.")
    for attribute, key in (
        ("name", "Name"),
        ("description", "Description"),
        ("active", "Active"),
        ("guidance", "Guidance"),
    ):
        if params.get(key) is not None:
            setattr(artifact, attribute, params[key])
    return _result(artifact.described())


def _delete_provisioning_artifact(self: ServiceCatalogResponse) -> ActionResult:
    product, artifact = _artifact(self.servicecatalog_backend, _params(self))
    artifacts = _artifacts(product)
    if len(artifacts) == 1:
        raise _error(
            "InvalidParametersException",
            f"{artifact.id} is the last version of product {product.id}: a product keeps at least one.",
        )
    del artifacts[artifact.id]
    return _empty()


def _list_provisioning_artifacts(self: ServiceCatalogResponse) -> ActionResult:
    product = _product(self.servicecatalog_backend, _params(self).get("ProductId"))
    return _result({"ProvisioningArtifactDetails": [a.detail() for a in _artifacts(product).values()]})


def provisioning_artifacts_are_managed() -> None:
    """Create/Describe/Update/Delete/ListProvisioningArtifacts are not implemented (HTTP 500), so a
    product cannot get a new version, nor a version be deprecated or deactivated. Here versions are
    kept on the product (DescribeProductAsAdmin's summaries list them), created with the same
    template checks as CreateProduct, updated (name, description, Active, Guidance DEFAULT or
    DEPRECATED), and deleted except the last one (AWS: a product keeps at least one version)."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.create_provisioning_artifact = _create_provisioning_artifact  # type: ignore[attr-defined]
    ServiceCatalogResponse.describe_provisioning_artifact = _describe_provisioning_artifact  # type: ignore[attr-defined]
    ServiceCatalogResponse.update_provisioning_artifact = _update_provisioning_artifact  # type: ignore[attr-defined]
    ServiceCatalogResponse.delete_provisioning_artifact = _delete_provisioning_artifact  # type: ignore[attr-defined]
    ServiceCatalogResponse.list_provisioning_artifacts = _list_provisioning_artifacts  # type: ignore[attr-defined]


# --- product and principal associations -------------------------------------------------------


def _portfolio_products(backend: ServiceCatalogBackend) -> dict[str, list[str]]:
    """Portfolio id -> ids of the products associated with it."""
    return _state(backend, "portfolio_products")


def _associate_product_with_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio, product = _portfolio(backend, params.get("PortfolioId")), _product(backend, params.get("ProductId"))
    products = _portfolio_products(backend).setdefault(portfolio.id, [])
    if product.id not in products:
        products.append(product.id)
    return _empty()


def _disassociate_product_from_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio_id, product_id = params.get("PortfolioId"), params.get("ProductId")
    products = _portfolio_products(backend).get(portfolio_id or "", [])
    if product_id not in products:
        raise _error(
            "ResourceNotFoundException", f"Product {product_id} is not associated with portfolio {portfolio_id}."
        )
    if _constraints_of(backend, portfolio_id, product_id):
        raise _error(
            "ResourceInUseException", f"Product {product_id} still has constraints in portfolio {portfolio_id}."
        )
    products.remove(product_id)
    return _empty()


def _list_portfolios_for_product(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    product = _product(backend, params.get("ProductId"))
    found = [
        backend.portfolios[p].to_dict()
        for p, products in _portfolio_products(backend).items()
        if product.id in products
    ]
    page, token = _page(found, params)
    return _result({"PortfolioDetails": page, "NextPageToken": token})


def _matches(product: Product, filters: dict[str, list[str]]) -> bool:
    """SearchProductsAsAdmin's filters: every filter must match one of its values."""
    fields = {"Owner": [product.owner], "ProductType": [product.product_type], "SourceProductId": [product.id]}
    text = " ".join(
        str(v) for v in (product.name, product.owner, product.description, product.distributor) if v
    ).lower()
    for key, values in filters.items():
        if key == "FullTextSearch":
            if not any(v.lower() in text for v in values):
                return False
        elif not set(values).intersection(fields.get(key, [])):
            return False
    return True


def _search_products_as_admin(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    products = list(backend.products.values())
    if params.get("PortfolioId"):
        in_portfolio = _portfolio_products(backend).get(_portfolio(backend, params["PortfolioId"]).id, [])
        products = [p for p in products if p.id in in_portfolio]
    found = [_product_view_detail(p) for p in products if _matches(p, params.get("Filters") or {})]
    page, token = _page(found, params)
    return _result({"ProductViewDetails": page, "NextPageToken": token})


def products_associate_with_portfolios() -> None:
    """AssociateProductWithPortfolio, DisassociateProductFromPortfolio, ListPortfoliosForProduct
    (Terraform's read of the association) and SearchProductsAsAdmin are not implemented (HTTP 500).
    Here both ends must exist (ResourceNotFoundException) and associating twice is a no-op. A
    product is not disassociated while it still has constraints in that portfolio: AWS documents
    ResourceInUseException for the call without saying when, and only lets a constraint be created
    for a product already in the portfolio; refusing keeps that invariant and makes Terraform delete
    constraints before the association (its own acceptance tests order them so)."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.associate_product_with_portfolio = _associate_product_with_portfolio  # type: ignore[attr-defined]
    ServiceCatalogResponse.disassociate_product_from_portfolio = _disassociate_product_from_portfolio  # type: ignore[attr-defined]
    ServiceCatalogResponse.list_portfolios_for_product = _list_portfolios_for_product  # type: ignore[attr-defined]
    ServiceCatalogResponse.search_products_as_admin = _search_products_as_admin  # type: ignore[attr-defined]


def _portfolio_principals(backend: ServiceCatalogBackend) -> dict[str, list[dict[str, str]]]:
    """Portfolio id -> its principals, as ListPrincipalsForPortfolio returns them."""
    return _state(backend, "portfolio_principals")


def _associate_principal_with_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio = _portfolio(backend, params.get("PortfolioId"))
    arn, principal_type = params.get("PrincipalARN") or "", params.get("PrincipalType") or ""
    pattern = {"IAM": IAM_PRINCIPAL_ARN, "IAM_PATTERN": IAM_PATTERN_ARN}.get(principal_type)
    if pattern is None or not pattern.match(arn):
        raise _error(
            "InvalidParametersException",
            f"Principal {arn} of type {principal_type} is not valid: an IAM user, role or group ARN is expected.",
        )
    principals = _portfolio_principals(backend).setdefault(portfolio.id, [])
    principal = {"PrincipalARN": arn, "PrincipalType": principal_type}
    if principal not in principals:
        principals.append(principal)
    return _empty()


def _disassociate_principal_from_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio = _portfolio(backend, params.get("PortfolioId"))
    principals = _portfolio_principals(backend).get(portfolio.id, [])
    kept = [p for p in principals if p["PrincipalARN"] != params.get("PrincipalARN")]
    if len(kept) == len(principals):
        raise _error(
            "ResourceNotFoundException",
            f"Principal {params.get('PrincipalARN')} is not associated with portfolio {portfolio.id}.",
        )
    _portfolio_principals(backend)[portfolio.id] = kept
    return _empty()


def _list_principals_for_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio = _portfolio(backend, params.get("PortfolioId"))
    page, token = _page(list(_portfolio_principals(backend).get(portfolio.id, [])), params)
    return _result({"Principals": page, "NextPageToken": token})


def principals_associate_with_portfolios() -> None:
    """AssociatePrincipalWithPortfolio, DisassociatePrincipalFromPortfolio and
    ListPrincipalsForPortfolio are not implemented (HTTP 500), so no one can be granted a
    portfolio. Here the portfolio must exist, an IAM principal must be a user, role or group ARN of
    an account (IAM_PATTERN may leave the account out), and associating twice is a no-op."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.associate_principal_with_portfolio = _associate_principal_with_portfolio  # type: ignore[attr-defined]
    ServiceCatalogResponse.disassociate_principal_from_portfolio = _disassociate_principal_from_portfolio  # type: ignore[attr-defined]
    ServiceCatalogResponse.list_principals_for_portfolio = _list_principals_for_portfolio  # type: ignore[attr-defined]


# --- constraints ------------------------------------------------------------------------------


class Constraint:
    """A rule applied when a product is launched from one portfolio (launch role, notifications…)."""

    def __init__(
        self,
        constraint_type: str,
        description: str | None,
        owner: str,
        portfolio_id: str,
        product_id: str,
        parameters: str,
    ) -> None:
        self.id = _new_id("cons")
        self.constraint_type = constraint_type
        self.description = description or ""
        self.owner = owner
        self.portfolio_id = portfolio_id
        self.product_id = product_id
        self.parameters = parameters

    def described(self) -> dict[str, Any]:
        detail = {
            "ConstraintId": self.id,
            "Type": self.constraint_type,
            "Description": self.description,
            "Owner": self.owner,
            "ProductId": self.product_id,
            "PortfolioId": self.portfolio_id,
        }
        return {"ConstraintDetail": detail, "ConstraintParameters": self.parameters, "Status": AVAILABLE}


def _constraints(backend: ServiceCatalogBackend) -> dict[str, Constraint]:
    return _state(backend, "constraints")


def _constraints_of(
    backend: ServiceCatalogBackend, portfolio_id: str | None, product_id: str | None = None
) -> list[Constraint]:
    return [
        c
        for c in _constraints(backend).values()
        if c.portfolio_id == portfolio_id and product_id in (None, c.product_id)
    ]


def _constraint(backend: ServiceCatalogBackend, constraint_id: str | None) -> Constraint:
    found = _constraints(backend).get(constraint_id or "")
    if found is None:
        raise _error("ResourceNotFoundException", f"Constraint {constraint_id} not found.")
    return found


def _check_parameters(constraint_type: str, parameters: str | None) -> str:
    """Parameters are a JSON object; a LAUNCH constraint names exactly one of RoleArn and LocalRoleName."""
    try:
        document = json.loads(parameters) if parameters else None
    except json.JSONDecodeError:
        document = None
    if parameters is None or not isinstance(document, dict):
        raise _error("InvalidParametersException", "Parameters must be a JSON object.")
    if constraint_type == "LAUNCH" and ("RoleArn" in document) == ("LocalRoleName" in document):
        raise _error(
            "InvalidParametersException", "A LAUNCH constraint requires either RoleArn or LocalRoleName, not both."
        )
    return parameters


def _check_single_constraint(
    backend: ServiceCatalogBackend, constraint_type: str, portfolio_id: str, product_id: str
) -> None:
    existing = {c.constraint_type for c in _constraints_of(backend, portfolio_id, product_id)}
    for group in SINGLE_CONSTRAINT_GROUPS:
        if constraint_type in group and (clash := existing & group):
            kinds = "/".join(sorted(clash))
            raise _error(
                "DuplicateResourceException",
                f"Product {product_id} already has a {kinds} constraint in portfolio {portfolio_id}.",
            )


def _create_constraint(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    constraints, tokens = _constraints(backend), _state(backend, "constraint_tokens")
    token = params.get("IdempotencyToken")
    if token in tokens and tokens[token] in constraints:
        return _result(constraints[tokens[token]].described())
    portfolio, product = _portfolio(backend, params.get("PortfolioId")), _product(backend, params.get("ProductId"))
    if product.id not in _portfolio_products(backend).get(portfolio.id, []):
        raise _error(
            "ResourceNotFoundException", f"Product {product.id} is not associated with portfolio {portfolio.id}."
        )
    constraint_type = params.get("Type") or ""
    if constraint_type not in CONSTRAINT_TYPES:
        raise _error(
            "InvalidParametersException",
            f"Constraint type {constraint_type} is not valid: one of {', '.join(CONSTRAINT_TYPES)}.",
        )
    parameters = _check_parameters(constraint_type, params.get("Parameters"))
    _check_single_constraint(backend, constraint_type, portfolio.id, product.id)
    constraint = Constraint(
        constraint_type, params.get("Description"), backend.account_id, portfolio.id, product.id, parameters
    )
    constraints[constraint.id] = constraint
    if token:
        tokens[token] = constraint.id
    return _result(constraint.described())


def _describe_constraint(self: ServiceCatalogResponse) -> ActionResult:
    return _result(_constraint(self.servicecatalog_backend, _params(self).get("Id")).described())


def _update_constraint(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    constraint = _constraint(self.servicecatalog_backend, params.get("Id"))
    if params.get("Parameters") is not None:
        constraint.parameters = _check_parameters(constraint.constraint_type, params["Parameters"])
    if params.get("Description") is not None:
        constraint.description = params["Description"]
    return _result(constraint.described())


def _delete_constraint(self: ServiceCatalogResponse) -> ActionResult:
    backend = self.servicecatalog_backend
    del _constraints(backend)[_constraint(backend, _params(self).get("Id")).id]
    return _empty()


def _list_constraints_for_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    params = _params(self)
    backend = self.servicecatalog_backend
    portfolio = _portfolio(backend, params.get("PortfolioId"))
    found = [c.described()["ConstraintDetail"] for c in _constraints_of(backend, portfolio.id, params.get("ProductId"))]
    page, token = _page(found, params)
    return _result({"ConstraintDetails": page, "NextPageToken": token})


def constraints_are_managed() -> None:
    """Create/Describe/Update/Delete Constraint and ListConstraintsForPortfolio are not implemented
    (HTTP 500), so no launch role can be set. Here, as on AWS: a constraint applies to a product
    already in the portfolio (ResourceNotFoundException otherwise, which Terraform retries while
    an association propagates); Parameters are a JSON object and a LAUNCH constraint names exactly
    one of RoleArn and LocalRoleName; a product has at most one LAUNCH or STACKSET constraint and
    one RESOURCE_UPDATE constraint per portfolio (DuplicateResourceException). Constraints are
    AVAILABLE at once. The launch role itself is not checked (AWS only assumes it at launch)."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.create_constraint = _create_constraint  # type: ignore[attr-defined]
    ServiceCatalogResponse.describe_constraint = _describe_constraint  # type: ignore[attr-defined]
    ServiceCatalogResponse.update_constraint = _update_constraint  # type: ignore[attr-defined]
    ServiceCatalogResponse.delete_constraint = _delete_constraint  # type: ignore[attr-defined]
    ServiceCatalogResponse.list_constraints_for_portfolio = _list_constraints_for_portfolio  # type: ignore[attr-defined]


# --- deletes ----------------------------------------------------------------------------------


def _portfolio_in_use(backend: ServiceCatalogBackend, portfolio_id: str) -> str | None:
    """What still hangs on a portfolio (AWS refuses to delete it then), if anything."""
    uses = {
        "products": _portfolio_products(backend).get(portfolio_id),
        "principals": _portfolio_principals(backend).get(portfolio_id),
        "constraints": _constraints_of(backend, portfolio_id),
        "shared accounts": backend.portfolio_access.get(portfolio_id),
        "organization shares": backend.portfolio_share_tokens.get(portfolio_id),
    }
    return next((name for name, found in uses.items() if found), None)


def _forget_tokens(backend: ServiceCatalogBackend, resource_id: str) -> None:
    for token in [t for t, target in backend.idempotency_tokens.items() if target == resource_id]:
        del backend.idempotency_tokens[token]


def _delete_portfolio(self: ServiceCatalogResponse) -> ActionResult:
    backend = self.servicecatalog_backend
    portfolio = _portfolio(backend, _params(self).get("Id"))
    if in_use := _portfolio_in_use(backend, portfolio.id):
        raise _error("ResourceInUseException", f"Portfolio {portfolio.id} still has associated {in_use}.")
    backend.tagger.delete_all_tags_for_resource(portfolio.arn)
    _forget_tokens(backend, portfolio.id)
    for state in (
        backend.portfolio_access,
        backend.portfolio_share_tokens,
        _portfolio_products(backend),
        _portfolio_principals(backend),
    ):
        state.pop(portfolio.id, None)
    del backend.portfolios[portfolio.id]
    return _empty()


def _delete_product(self: ServiceCatalogResponse) -> ActionResult:
    backend = self.servicecatalog_backend
    product = _product(backend, _params(self).get("Id"))
    portfolios = [p for p, products in _portfolio_products(backend).items() if product.id in products]
    if portfolios:
        raise _error(
            "ResourceInUseException",
            f"Product {product.id} is still associated with portfolio(s) {', '.join(portfolios)}.",
        )
    backend.tagger.delete_all_tags_for_resource(product.arn)
    _forget_tokens(backend, product.id)
    del backend.products[product.id]
    return _empty()


def deletes_refuse_resources_in_use() -> None:
    """DeletePortfolio and DeleteProduct: moto deletes whatever it is asked to, silently succeeds
    for an unknown id, and leaves the resource's tags behind. AWS refuses to delete a portfolio
    that still has products, principals, constraints or shares, and a product still associated with
    a portfolio (ResourceInUseException), and answers ResourceNotFoundException for an unknown id.
    Here deletes behave so, which makes Terraform's destroy order matter as it does on AWS; a
    deleted product takes its versions with it."""
    from moto.servicecatalog.responses import ServiceCatalogResponse  # noqa: PLC0415

    ServiceCatalogResponse.delete_portfolio = _delete_portfolio  # type: ignore[method-assign]
    ServiceCatalogResponse.delete_product = _delete_product  # type: ignore[method-assign]
