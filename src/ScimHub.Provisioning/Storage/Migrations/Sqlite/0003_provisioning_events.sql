-- Provisioning Reports: one row per provisioning event, written in the transaction of the change it describes.
-- Hub-wide (an admin searches across apps and directories); times are fixed-width UTC text, so text order is time order.
CREATE TABLE provisioning_events (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at    TEXT NOT NULL,
    directory_id   TEXT NOT NULL,
    app_id         TEXT NOT NULL,
    app_name       TEXT NOT NULL,
    app_name_key   TEXT NOT NULL,
    direction      TEXT NOT NULL,
    operation      TEXT NOT NULL,
    outcome        TEXT NOT NULL,
    resource_type  TEXT NOT NULL,
    resource_id    TEXT NULL,
    subject        TEXT NULL,
    email          TEXT NULL,
    external_id    TEXT NULL,
    changes        TEXT NULL,
    error_status   INTEGER NULL,
    error_scim_type TEXT NULL,
    error_detail   TEXT NULL,
    correlation_id TEXT NOT NULL,
    -- The event's identifier keys (JSON array): the purge deletes exactly these rows of provisioning_event_identifiers.
    identifier_keys TEXT NULL
);
-- Newest first within a time span (the row id breaks ties), per app, and per outcome (failures are rare: find them fast).
CREATE INDEX ix_provisioning_events_time ON provisioning_events (occurred_at);
CREATE INDEX ix_provisioning_events_app ON provisioning_events (app_name_key, occurred_at);
-- Everything one request did (correlation ids are time-ordered, so this index grows at its end).
CREATE INDEX ix_provisioning_events_correlation ON provisioning_events (correlation_id);
CREATE INDEX ix_provisioning_events_outcome ON provisioning_events (outcome, occurred_at);

-- The end-user identifiers of each event (hub id, userName, emails, externalId; group name; members' hub ids),
-- lower-cased, so that "alice" finds alice@contoso.com by exact or prefix match through an index. No index by event
-- (a second b-tree per row on the write path): the purge deletes by primary key, from the event's identifier_keys.
CREATE TABLE provisioning_event_identifiers (
    identifier_key TEXT NOT NULL,
    event_id       INTEGER NOT NULL,
    PRIMARY KEY (identifier_key, event_id)
) WITHOUT ROWID;

-- Keys for the admin REST API (created with `scimhub admin keys create`), stored as SHA-256 like app tokens.
CREATE TABLE admin_keys (
    id        TEXT NOT NULL PRIMARY KEY,
    name      TEXT NOT NULL,
    hash      BLOB NOT NULL,
    created   TEXT NOT NULL,
    revoked   TEXT NULL
);
CREATE UNIQUE INDEX ux_admin_keys_hash ON admin_keys (hash);
