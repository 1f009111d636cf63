-- Provisioning Reports: one row per provisioning event, written in the transaction of the change it describes.
-- Hub-wide (an admin searches across apps and directories); times are fixed-width UTC text, so text order is time order.
CREATE TABLE provisioning_events (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at    text NOT NULL,
    directory_id   text NOT NULL,
    app_id         text NOT NULL,
    app_name       text NOT NULL,
    app_name_key   text NOT NULL,
    direction      text NOT NULL,
    operation      text NOT NULL,
    outcome        text NOT NULL,
    resource_type  text NOT NULL,
    resource_id    text NULL,
    subject        text NULL,
    email          text NULL,
    external_id    text NULL,
    changes        text NULL,
    error_status   integer NULL,
    error_scim_type text NULL,
    error_detail   text NULL,
    correlation_id text NOT NULL,
    -- The event's identifier keys (JSON array): the purge deletes exactly these rows of provisioning_event_identifiers.
    identifier_keys text NULL
);
-- Newest first within a time span (the row id breaks ties), per app, and per outcome (failures are rare: find them fast).
CREATE INDEX ix_provisioning_events_time ON provisioning_events (occurred_at, id);
CREATE INDEX ix_provisioning_events_app ON provisioning_events (app_name_key, occurred_at, id);
-- Everything one request did (correlation ids are time-ordered, so this index grows at its end).
CREATE INDEX ix_provisioning_events_correlation ON provisioning_events (correlation_id);
CREATE INDEX ix_provisioning_events_outcome ON provisioning_events (outcome, occurred_at, id);

-- The end-user identifiers of each event (hub id, userName, emails, externalId; group name; members' hub ids),
-- lower-cased, so that "alice" finds alice@contoso.com by exact or prefix match through an index. No index by event
-- (a second b-tree per row on the write path): the purge deletes by primary key, from the event's identifier_keys. COLLATE "C": code point order,
-- so that a prefix is a range of the index.
CREATE TABLE provisioning_event_identifiers (
    identifier_key text COLLATE "C" NOT NULL,
    event_id       bigint NOT NULL,
    PRIMARY KEY (identifier_key, event_id)
);

-- Keys for the admin REST API (created with `scimhub admin keys create`), stored as SHA-256 like app tokens.
CREATE TABLE admin_keys (
    id        text NOT NULL PRIMARY KEY,
    name      text NOT NULL,
    hash      bytea NOT NULL,
    created   text NOT NULL,
    revoked   text NULL
);
CREATE UNIQUE INDEX ux_admin_keys_hash ON admin_keys (hash);
