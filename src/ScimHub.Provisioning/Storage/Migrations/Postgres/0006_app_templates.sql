-- The template an app was created from (Apps/AppTemplates.cs) and the attributes a create must carry (a JSON array
-- of attribute paths such as emails[type eq "work"].value; NULL = none beyond the schema's own).
ALTER TABLE apps ADD COLUMN template TEXT NULL;
ALTER TABLE apps ADD COLUMN required_attributes TEXT NULL;
