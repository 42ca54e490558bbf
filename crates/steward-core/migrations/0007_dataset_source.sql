-- Schema 7: where each dataset's rows came from gets a column of its own. Until now `detail`
-- said `synced` or `imported` and held nothing for the demo, while for a dataset Graph refused
-- it held the refusal; now `detail` holds only what the admin should read.
ALTER TABLE datasets ADD COLUMN source TEXT CHECK (source IN ('sync', 'import', 'demo'));

UPDATE datasets SET source = CASE
    WHEN detail = 'synced' THEN 'sync'
    WHEN detail = 'imported' THEN 'import'
    -- Only a sync records a refusal.
    WHEN status = 'unavailable' THEN 'sync'
    WHEN (SELECT is_demo FROM tenants WHERE tenants.key = datasets.tenant) = 1 THEN 'demo'
END;

UPDATE datasets SET detail = NULL WHERE detail IN ('synced', 'imported');
