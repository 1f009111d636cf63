-- One number that moves whenever a token check could answer differently: a token revoked, expired early, deleted or
-- moved; an app renamed, changed (features, required attributes, rules) or deleted; a directory's profile changed.
-- Triggers move it, so every writer does (this hub, the CLI, another node, an admin's own SQL). A node keeps the token
-- checks it made in memory and reads this number per request instead of the token, its app and its directory
-- (Apps/KnownTokens.cs). A token's last-used time is not part of a check and does not move it.
CREATE TABLE auth_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, 0);

CREATE TRIGGER tr_app_tokens_auth_update AFTER UPDATE OF directory_id, app_id, id, hash, revoked, expires, client_id ON app_tokens
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER tr_app_tokens_auth_delete AFTER DELETE ON app_tokens
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER tr_apps_auth_update AFTER UPDATE ON apps
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER tr_apps_auth_delete AFTER DELETE ON apps
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER tr_directories_auth_update AFTER UPDATE ON directories
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
END;
CREATE TRIGGER tr_directories_auth_delete AFTER DELETE ON directories
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
END;
