-- The payer's name as the payment provider reports it, kept only by deployments
-- whose visible licence line prints it (LICENCE_LINE=name); NULL otherwise.
ALTER TABLE orders ADD COLUMN buyer_name TEXT;
