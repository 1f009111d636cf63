-- ScimHub schema, version 1 (PostgreSQL). Every table is keyed by directory id first (docs/ARCHITECTURE.md,
-- "Storage"), so that directories can be spread over several clusters (Citus: distribute by directory_id).
-- Resources are JSON text, cast to json where filters read them, so that they round-trip byte for byte.

CREATE TABLE directories (
    id          text NOT NULL PRIMARY KEY,
    name        text NOT NULL,
    created     text NOT NULL
);

CREATE TABLE apps (
    directory_id text NOT NULL REFERENCES directories (id),
    id           text NOT NULL,
    name         text NOT NULL,
    created      text NOT NULL,
    PRIMARY KEY (directory_id, id)
);
CREATE UNIQUE INDEX ux_apps_id ON apps (id);

CREATE TABLE app_tokens (
    directory_id text NOT NULL,
    app_id       text NOT NULL,
    id           text NOT NULL,
    hash         bytea NOT NULL,
    created      text NOT NULL,
    revoked      text NULL,
    last_used    text NULL,
    PRIMARY KEY (directory_id, app_id, id),
    FOREIGN KEY (directory_id, app_id) REFERENCES apps (directory_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX ux_app_tokens_hash ON app_tokens (hash);

CREATE TABLE users (
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    directory_id  text NOT NULL REFERENCES directories (id),
    id            text NOT NULL,
    user_name     text NOT NULL,
    user_name_key text NOT NULL,
    external_id   text NULL,
    display_name  text NULL,
    display_name_key text NULL,
    active        integer NULL,
    resource      text NOT NULL,
    created       text NOT NULL,
    last_modified text NOT NULL,
    version       bigint NOT NULL,
    PRIMARY KEY (directory_id, id)
);
CREATE UNIQUE INDEX ux_users_user_name ON users (directory_id, user_name_key);
CREATE INDEX ix_users_external_id ON users (directory_id, external_id);
CREATE INDEX ix_users_display_name ON users (directory_id, display_name_key);
CREATE INDEX ix_users_seq ON users (directory_id, seq);

CREATE TABLE user_emails (
    directory_id text NOT NULL,
    user_id      text NOT NULL,
    value        text NULL,
    value_key    text NULL,
    type_key     text NULL,
    display      text NULL,
    is_primary   integer NULL,
    FOREIGN KEY (directory_id, user_id) REFERENCES users (directory_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_user_emails_value ON user_emails (directory_id, value_key);
CREATE INDEX ix_user_emails_user ON user_emails (directory_id, user_id);

CREATE TABLE groups (
    seq           bigint GENERATED ALWAYS AS IDENTITY,
    directory_id  text NOT NULL REFERENCES directories (id),
    id            text NOT NULL,
    display_name  text NOT NULL,
    display_name_key text NOT NULL,
    external_id   text NULL,
    resource      text NOT NULL,
    created       text NOT NULL,
    last_modified text NOT NULL,
    version       bigint NOT NULL,
    PRIMARY KEY (directory_id, id)
);
CREATE UNIQUE INDEX ux_groups_display_name ON groups (directory_id, display_name_key);
CREATE INDEX ix_groups_external_id ON groups (directory_id, external_id);
CREATE INDEX ix_groups_seq ON groups (directory_id, seq);

CREATE TABLE group_members (
    directory_id text NOT NULL,
    group_id     text NOT NULL,
    member_id    text NOT NULL,
    member_type  text NOT NULL,
    PRIMARY KEY (directory_id, group_id, member_id),
    FOREIGN KEY (directory_id, group_id) REFERENCES groups (directory_id, id) ON DELETE CASCADE
);
CREATE INDEX ix_group_members_member ON group_members (directory_id, member_id);
