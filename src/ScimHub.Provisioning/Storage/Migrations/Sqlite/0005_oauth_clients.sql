-- OAuth 2.0 client credentials per app (RFC 6749 §4.4): a client id and a secret (stored as SHA-256) that the
-- app's token endpoint exchanges for short-lived access tokens. Access tokens are app_tokens rows that name their
-- client, so the SCIM endpoint checks them like any bearer token.
CREATE TABLE app_oauth_clients (
    directory_id         TEXT NOT NULL,
    app_id               TEXT NOT NULL,
    id                   TEXT NOT NULL,
    name                 TEXT NULL,
    secret_hash          BLOB NOT NULL,
    created              TEXT NOT NULL,
    expires              TEXT NULL,
    revoked              TEXT NULL,
    last_used            TEXT NULL,
    access_token_minutes INTEGER NOT NULL,
    PRIMARY KEY (directory_id, app_id, id),
    FOREIGN KEY (directory_id, app_id) REFERENCES apps (directory_id, id) ON DELETE CASCADE
);
-- The token endpoint looks a client up by its id alone.
CREATE UNIQUE INDEX ux_app_oauth_clients_id ON app_oauth_clients (id);

ALTER TABLE app_tokens ADD COLUMN client_id TEXT NULL;
CREATE INDEX ix_app_tokens_client ON app_tokens (directory_id, app_id, client_id, expires);
