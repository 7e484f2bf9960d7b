-- Build leases: a building build belongs to its consumer only while the lease lasts. The consumer
-- sets it when it claims the build and renews it with every progress update; once it lapses the
-- worker is taken for dead, and the next request for the same content fails it and queues anew.

-- ISO 8601 UTC like the other timestamps; set while building.
ALTER TABLE builds ADD COLUMN lease_expires_at TEXT;
-- How many times a consumer has started the build, and the last error an attempt threw (if it lived
-- to say): what the dead-letter handler reports when the queue gives up.
ALTER TABLE builds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE builds ADD COLUMN last_error TEXT;

-- Builds already building get the lease a claim gives, counted from their last update.
UPDATE builds SET lease_expires_at = strftime('%Y-%m-%dT%H:%M:%fZ', updated_at, '+10 minutes'), attempts = 1 WHERE status = 'building';
