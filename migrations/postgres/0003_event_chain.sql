-- Tamper evidence for the history. Every event written from now on carries its position in one
-- chain and the SHA-256 of the previous link plus its own content (server/src/storage/chain.rs);
-- event_chain holds the head, so removing the newest events is noticed too.
-- `ozg-monitor audit verify` recomputes the chain.
ALTER TABLE record_event ADD COLUMN chain_seq BIGINT;
ALTER TABLE record_event ADD COLUMN chain_hash TEXT;
CREATE UNIQUE INDEX record_event_chain_seq ON record_event (chain_seq);

CREATE TABLE event_chain (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_seq  BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO event_chain (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
