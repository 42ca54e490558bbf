-- Schema 5: delta rounds. Once a full read of applications or service principals completes, the
-- next sync asks Graph only for what changed since (`@odata.deltaLink`).
-- The delta link of the last completed round: the next round starts there.
ALTER TABLE sync_state ADD COLUMN delta_link TEXT;
-- The delta link taken when a full round started (`$deltatoken=latest`): adopted when that round
-- completes, so changes made while it ran are read by the next round.
ALTER TABLE sync_state ADD COLUMN pending_delta TEXT;
