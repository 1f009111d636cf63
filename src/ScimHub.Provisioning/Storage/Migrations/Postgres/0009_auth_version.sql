-- One number that moves whenever a token check could answer differently: a token revoked, expired early, deleted or
-- moved; an app renamed, changed (features, required attributes, rules) or deleted; a directory's profile changed.
-- Triggers move it, so every writer does (any node, the CLI, an admin's own SQL). A node keeps the token checks it
-- made in memory and reads this number per request instead of the token, its app and its directory
-- (Apps/KnownTokens.cs). A token's last-used time is not part of a check and does not move it.
CREATE TABLE auth_version (
    id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO auth_version (id, version) VALUES (1, 0);

CREATE FUNCTION bump_auth_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE auth_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END
$$;

CREATE TRIGGER tr_app_tokens_auth AFTER UPDATE OF directory_id, app_id, id, hash, revoked, expires, client_id OR DELETE ON app_tokens
    FOR EACH ROW EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER tr_apps_auth AFTER UPDATE OR DELETE ON apps
    FOR EACH ROW EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER tr_directories_auth AFTER UPDATE OR DELETE ON directories
    FOR EACH ROW EXECUTE FUNCTION bump_auth_version();
-- TRUNCATE fires no row triggers.
CREATE TRIGGER tr_app_tokens_auth_truncate AFTER TRUNCATE ON app_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER tr_apps_auth_truncate AFTER TRUNCATE ON apps
    FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
CREATE TRIGGER tr_directories_auth_truncate AFTER TRUNCATE ON directories
    FOR EACH STATEMENT EXECUTE FUNCTION bump_auth_version();
