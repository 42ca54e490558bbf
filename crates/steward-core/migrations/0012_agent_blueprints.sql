-- Schema 12: Entra Agent ID's blueprints. Graph lists an agent identity blueprint among the
-- applications (`@odata.type` #microsoft.graph.agentIdentityBlueprint) and its blueprint
-- principal among the service principals (#microsoft.graph.agentIdentityBlueprintPrincipal);
-- the agent governance check reads them, and the sync reads their sponsors.
ALTER TABLE applications ADD COLUMN agent_blueprint INTEGER NOT NULL DEFAULT 0;
ALTER TABLE service_principals ADD COLUMN agent_blueprint_principal INTEGER NOT NULL DEFAULT 0;

-- The next sync reads applications and service principals in a full round, so that rows written
-- before this version learn whether they are blueprints.
UPDATE sync_state SET delta_link = NULL, pending_delta = NULL, next_link = NULL,
    round_started = NULL
WHERE dataset IN ('applications', 'servicePrincipals');
