-- Undo 0006.fintech.create-cards.

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

DROP TABLE fintech.cards;
