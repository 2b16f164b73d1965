"""Entity resolution: one account per real company across the CRM and the vendor universe."""

from models_ml.identity.resolve import ResolutionResult, resolve_accounts

__all__ = ["ResolutionResult", "resolve_accounts"]
