"""Image URIs of the SageMaker-provided containers the pipeline runs, per region.

The sagemaker SDK looks these up in its ``image_uri_config`` tables; the seed code does not
depend on the SDK, so it keeps the one table it needs. Source: aws/sagemaker-python-sdk,
``src/sagemaker/image_uri_config/xgboost.json`` (``training`` and ``inference``, version
``1.7-1``) and ``sklearn.json`` (version ``1.2-1``): in every region listed below both images are
served by the same registry account. Regions of other partitions (China, GovCloud) are left out
on purpose: their domains and accounts differ, add them from the same files if needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

XGBOOST_REPOSITORY = "sagemaker-xgboost"
XGBOOST_VERSION = "1.7-1"
SKLEARN_REPOSITORY = "sagemaker-scikit-learn"
SKLEARN_TAG = "1.2-1-cpu-py3"

# region -> account of the registry holding sagemaker-xgboost:1.7-1 and sagemaker-scikit-learn:1.2-1.
REGISTRY_ACCOUNTS: Mapping[str, str] = MappingProxyType(
    {
        "af-south-1": "510948584623",
        "ap-east-1": "651117190479",
        "ap-northeast-1": "354813040037",
        "ap-northeast-2": "366743142698",
        "ap-northeast-3": "867004704886",
        "ap-south-1": "720646828776",
        "ap-south-2": "628508329040",
        "ap-southeast-1": "121021644041",
        "ap-southeast-2": "783357654285",
        "ap-southeast-3": "951798379941",
        "ap-southeast-4": "106583098589",
        "ca-central-1": "341280168497",
        "eu-central-1": "492215442770",
        "eu-central-2": "680994064768",
        "eu-north-1": "662702820516",
        "eu-south-1": "978288397137",
        "eu-south-2": "104374241257",
        "eu-west-1": "141502667606",
        "eu-west-2": "764974769150",
        "eu-west-3": "659782779980",
        "me-central-1": "272398656194",
        "me-south-1": "801668240914",
        "sa-east-1": "737474898029",
        "us-east-1": "683313688378",
        "us-east-2": "257758044811",
        "us-west-1": "746614075791",
        "us-west-2": "246618743249",
    }
)


class UnsupportedRegionError(ValueError):
    """No image registry is known for the region (the message lists the known ones)."""


def _registry(region: str) -> str:
    try:
        account = REGISTRY_ACCOUNTS[region]
    except KeyError:
        raise UnsupportedRegionError(
            f"no SageMaker image registry known for region {region!r}; known regions: "
            f"{', '.join(sorted(REGISTRY_ACCOUNTS))} (add it to abalone_build/images.py from the "
            "sagemaker-python-sdk image_uri_config files)"
        ) from None
    return f"{account}.dkr.ecr.{region}.amazonaws.com"


def xgboost_image_uri(region: str) -> str:
    """Built-in XGBoost 1.7-1: trains the model, runs the evaluation script, serves the model."""
    return f"{_registry(region)}/{XGBOOST_REPOSITORY}:{XGBOOST_VERSION}"


def sklearn_image_uri(region: str) -> str:
    """scikit-learn 1.2-1 (Python 3, CPU, with numpy): runs the preprocessing script."""
    return f"{_registry(region)}/{SKLEARN_REPOSITORY}:{SKLEARN_TAG}"
