-- Schema 9: the settings of applications, service principals and owners that the peer checks
-- read. NULL means the sync or import that wrote the row did not read the setting (an older
-- Steward, or an export without it): the checks count such rows as not determined.

-- Every redirect URI of the app (web, single-page and public client), as a JSON array.
ALTER TABLE applications ADD COLUMN redirect_uris TEXT;
-- `servicePrincipalLockConfiguration.isEnabled`: 1 when the app instance property lock is on.
ALTER TABLE applications ADD COLUMN instance_lock INTEGER;
-- `appRoleAssignmentRequired`: 1 when users and apps must be assigned before they get a token.
ALTER TABLE service_principals ADD COLUMN assignment_required INTEGER;
-- `replyUrls`, as a JSON array.
ALTER TABLE service_principals ADD COLUMN reply_urls TEXT;
-- An owning user's `userType` (`Member` or `Guest`).
ALTER TABLE owners ADD COLUMN user_type TEXT;

-- Delta rounds re-read only what changed, and their links carry the old `$select`: the next sync
-- reads applications and service principals in a full round, which fills the new columns.
UPDATE sync_state SET delta_link = NULL, pending_delta = NULL, next_link = NULL,
    round_started = NULL
WHERE dataset IN ('applications', 'servicePrincipals');
