-- ScimHub schema, version 1. Every table is keyed by directory id first (docs/ARCHITECTURE.md, "Storage").

CREATE TABLE directories (
    id          TEXT NOT NULL PRIMARY KEY,
    name        TEXT NOT NULL,
    created     TEXT NOT NULL
);

CREATE TABLE apps (
    directory_id TEXT NOT NULL REFERENCES directories (id),
    id           TEXT NOT NULL,
    name         TEXT NOT NULL,
    created      TEXT NOT NULL,
    PRIMARY KEY (directory_id, id)
);
-- The SCIM base URL names the app alone; its id is globally unique.
CREATE UNIQUE INDEX ux_apps_id ON apps (id);

CREATE TABLE app_tokens (
    directory_id TEXT NOT NULL,
    app_id       TEXT NOT NULL,
    id           TEXT NOT NULL,
    hash         BLOB NOT NULL,
    created      TEXT NOT NULL,
    revoked      TEXT NULL,
    last_used    TEXT NULL,
    PRIMARY KEY (directory_id, app_id, id),
    FOREIGN KEY (directory_id, app_id) REFERENCES apps (directory_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ux_app_tokens_hash ON app_tokens (hash);

CREATE TABLE users (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    directory_id  TEXT NOT NULL REFERENCES directories (id),
    id            TEXT NOT NULL,
    user_name     TEXT NOT NULL,
    user_name_key TEXT NOT NULL,
    external_id   TEXT NULL,
    display_name  TEXT NULL,
    display_name_key TEXT NULL,
    active        INTEGER NULL,
    resource      TEXT NOT NULL,
    created       TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    version       INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_users_id ON users (directory_id, id);
CREATE UNIQUE INDEX ux_users_user_name ON users (directory_id, user_name_key);
CREATE INDEX ix_users_external_id ON users (directory_id, external_id);
CREATE INDEX ix_users_display_name ON users (directory_id, display_name_key);
CREATE INDEX ix_users_seq ON users (directory_id, seq);

-- One row per email of a user, so that emails.value filters use an index.
CREATE TABLE user_emails (
    directory_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    value        TEXT NULL,
    value_key    TEXT NULL,
    type_key     TEXT NULL,
    display      TEXT NULL,
    is_primary   INTEGER NULL,
    FOREIGN KEY (directory_id, user_id) REFERENCES users (directory_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_user_emails_value ON user_emails (directory_id, value_key);
CREATE INDEX ix_user_emails_user ON user_emails (directory_id, user_id);

CREATE TABLE groups (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    directory_id  TEXT NOT NULL REFERENCES directories (id),
    id            TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    display_name_key TEXT NOT NULL,
    external_id   TEXT NULL,
    resource      TEXT NOT NULL,
    created       TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    version       INTEGER NOT NULL
);
CREATE UNIQUE INDEX ux_groups_id ON groups (directory_id, id);
CREATE UNIQUE INDEX ux_groups_display_name ON groups (directory_id, display_name_key);
CREATE INDEX ix_groups_external_id ON groups (directory_id, external_id);
CREATE INDEX ix_groups_seq ON groups (directory_id, seq);

-- Memberships, one row per member: a group is never stored or rewritten as one list.
CREATE TABLE group_members (
    directory_id TEXT NOT NULL,
    group_id     TEXT NOT NULL,
    member_id    TEXT NOT NULL,
    member_type  TEXT NOT NULL,
    PRIMARY KEY (directory_id, group_id, member_id),
    FOREIGN KEY (directory_id, group_id) REFERENCES groups (directory_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX ix_group_members_member ON group_members (directory_id, member_id);
