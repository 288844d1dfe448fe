"""fintech (HoardRun): users, accounts, the double-entry ledger, transfers, P2P payments, cards,
investments, and reconciliation, as typed query functions over ``sql/fintech/``.

The functions and models are generated in ``_queries.py`` (``make gen``) and re-exported here.
Money moves only through ``create_deposit``, ``create_withdrawal``, ``create_transfer``,
``create_transfer_reversal``, ``create_p2p_payment``, ``create_card_payment``,
``create_card_refund``, ``create_fee``, ``create_interest_accrual``, ``create_investment_buy`` and
``create_investment_sell`` (one round trip each, backed by SQL functions); their refusals arrive
as :class:`~datalayer.errors.InsufficientFunds`, :class:`~datalayer.errors.AccountNotActive`,
:class:`~datalayer.errors.CurrencyMismatch`, :class:`~datalayer.errors.IdempotencyConflict`,
:class:`~datalayer.errors.CardNotUsable`, :class:`~datalayer.errors.SpendingLimitExceeded`,
:class:`~datalayer.errors.InsufficientHolding`, :class:`~datalayer.errors.CheckViolation` and
:class:`~datalayer.errors.NotFound`.
"""

from ._queries import *  # noqa: F403
from ._queries import __all__ as __all__
