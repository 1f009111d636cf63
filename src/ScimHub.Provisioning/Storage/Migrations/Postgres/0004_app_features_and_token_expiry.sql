-- Provisioning features per app (JSON, see Apps/AppFeatures.cs; NULL = every feature on), and tokens that expire
-- and carry a name, so that an admin can rotate with overlap and tell the tokens apart.
ALTER TABLE apps ADD COLUMN features TEXT NULL;
ALTER TABLE app_tokens ADD COLUMN name TEXT NULL;
ALTER TABLE app_tokens ADD COLUMN expires TEXT NULL;
