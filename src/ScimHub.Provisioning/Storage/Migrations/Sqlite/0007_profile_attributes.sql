-- Custom profile attributes a directory's admin defines (Profiles/ProfileAttribute.cs), exposed over SCIM in the
-- hub's extension schema. The definition (type, multi-valued, required, case-exact, description) is JSON.
CREATE TABLE profile_attributes (
    directory_id TEXT NOT NULL REFERENCES directories (id),
    name_key     TEXT NOT NULL,
    name         TEXT NOT NULL,
    definition   TEXT NOT NULL,
    created      TEXT NOT NULL,
    PRIMARY KEY (directory_id, name_key)
);

-- Bumped on every change of the profile: requests carry it from the token query, so each node knows when its cached
-- schema of the directory is stale without asking.
ALTER TABLE directories ADD COLUMN profile_version INTEGER NOT NULL DEFAULT 0;

-- What admins did that removed data (e.g. a custom attribute and its values), for whoever asks later.
CREATE TABLE admin_audit (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at  TEXT NOT NULL,
    directory_id TEXT NULL,
    action       TEXT NOT NULL,
    target       TEXT NOT NULL,
    detail       TEXT NOT NULL
);
CREATE INDEX ix_admin_audit_time ON admin_audit (occurred_at);
