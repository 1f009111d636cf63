-- An app's attribute rules (Apps/AttributeMapping.cs) as JSON: source path or constant → custom profile attribute.
ALTER TABLE apps ADD COLUMN mapping_rules TEXT NULL;
