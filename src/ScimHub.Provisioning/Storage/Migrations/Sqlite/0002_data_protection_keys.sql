-- ASP.NET Data Protection key ring, shared by every node through the database, so that a secret encrypted on one node
-- decrypts on another. Hub-wide, not directory data.
CREATE TABLE data_protection_keys (
    id            TEXT NOT NULL PRIMARY KEY,
    friendly_name TEXT NULL,
    xml           TEXT NOT NULL,
    created       TEXT NOT NULL
);
