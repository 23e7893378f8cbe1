"""BranchPay (网点客服薪酬台): everything that is not Qt."""

__version__ = "0.1.0"
APP_ID = "BranchPay"
APP_NAME = "BranchPay 网点客服薪酬台"
ORG_NAME = "BranchPay"
