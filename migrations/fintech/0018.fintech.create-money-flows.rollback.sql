-- Undo 0018.fintech.create-money-flows: the flows' functions, then their tables (policies,
-- grants, triggers and indexes go with them).

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP FUNCTION fintech.sell_investment(uuid, uuid, text, numeric, numeric, text);

DROP FUNCTION fintech.buy_investment(uuid, uuid, text, text, numeric, numeric, text);

DROP FUNCTION fintech._check_trade(text, fintech.accounts, text, numeric, numeric);

DROP FUNCTION fintech._trade_account(text, uuid, uuid);

DROP FUNCTION fintech.accrue_interest(uuid, date, numeric);

DROP FUNCTION fintech.charge_fee(uuid, numeric, text, text);

DROP FUNCTION fintech.refund_card_payment(uuid, uuid, numeric, text);

DROP FUNCTION fintech.pay_with_card(uuid, uuid, uuid, numeric, text, text);

DROP FUNCTION fintech._key_reused(text, text);

DROP FUNCTION fintech._require_funds(text, fintech.accounts, numeric);

DROP FUNCTION fintech._require_active(text, fintech.accounts);

DROP FUNCTION fintech._check_money(text, text, text, numeric, integer);

DROP TABLE fintech.investment_trades;

DROP TABLE fintech.interest_accruals;

DROP TABLE fintech.fees;

DROP TABLE fintech.card_payments;
