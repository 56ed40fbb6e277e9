-- Contacts: people to send to, with tags, typed custom fields and a consent history.
-- Times are integer milliseconds since the Unix epoch; 0 in last_*_at means never.
ALTER TABLE workspaces ADD COLUMN default_region TEXT NOT NULL DEFAULT '';
ALTER TABLE workspaces ADD COLUMN opt_out_keywords TEXT NOT NULL
  DEFAULT '["STOP","STOP ALL","UNSUBSCRIBE","CANCEL","END","QUIT","BERHENTI"]';
ALTER TABLE workspaces ADD COLUMN opt_in_keywords TEXT NOT NULL DEFAULT '["START","SUBSCRIBE"]';

CREATE TABLE contacts (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  phone_e164 TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  language TEXT NOT NULL DEFAULT '',
  country TEXT NOT NULL DEFAULT '',
  timezone TEXT NOT NULL DEFAULT '',
  consent TEXT NOT NULL DEFAULT 'unknown' CHECK (consent IN ('unknown', 'opted_in', 'opted_out')),
  consent_source TEXT NOT NULL DEFAULT '',
  consent_at BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  last_in_at BIGINT NOT NULL DEFAULT 0,
  last_out_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX contacts_phone ON contacts(workspace_id, phone_e164);
CREATE INDEX contacts_created ON contacts(workspace_id, created_at, id);
CREATE INDEX contacts_updated ON contacts(workspace_id, updated_at, id);
CREATE INDEX contacts_name ON contacts(workspace_id, name, id);
CREATE INDEX contacts_last_in ON contacts(workspace_id, last_in_at, id);
CREATE INDEX contacts_last_out ON contacts(workspace_id, last_out_at, id);
CREATE INDEX contacts_consent ON contacts(workspace_id, consent, id);

CREATE TABLE tags (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX tags_name ON tags(workspace_id, name);

CREATE TABLE contact_tags (
  contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  workspace_id BIGINT NOT NULL,
  PRIMARY KEY (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag ON contact_tags(tag_id, contact_id);

CREATE TABLE contact_fields (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  field_key TEXT NOT NULL,
  label TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('text', 'number', 'boolean', 'date', 'choice')),
  choices TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX contact_fields_key ON contact_fields(workspace_id, field_key);

-- One value per contact and field: text, choice and date (YYYY-MM-DD) in text_value; number and
-- boolean (0/1) in num_value.
CREATE TABLE contact_values (
  contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  field_id BIGINT NOT NULL REFERENCES contact_fields(id) ON DELETE CASCADE,
  workspace_id BIGINT NOT NULL,
  text_value TEXT,
  num_value DOUBLE PRECISION,
  PRIMARY KEY (contact_id, field_id)
);
CREATE INDEX contact_values_text ON contact_values(field_id, text_value);
CREATE INDEX contact_values_num ON contact_values(field_id, num_value);

CREATE TABLE consent_events (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL,
  contact_id BIGINT NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
  state TEXT NOT NULL,
  source TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX consent_events_contact ON consent_events(contact_id, id);

-- CSV imports and exports, run in the background; progress is kept here so that a restart
-- resumes an import where its last committed batch ended.
CREATE TABLE imports (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  created_by BIGINT,
  filename TEXT NOT NULL,
  state TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  bytes_received BIGINT NOT NULL DEFAULT 0,
  preview TEXT NOT NULL DEFAULT '',
  settings TEXT NOT NULL DEFAULT '',
  rows_done BIGINT NOT NULL DEFAULT 0,
  created_count BIGINT NOT NULL DEFAULT 0,
  updated_count BIGINT NOT NULL DEFAULT 0,
  skipped_count BIGINT NOT NULL DEFAULT 0,
  failed_count BIGINT NOT NULL DEFAULT 0,
  bytes_done BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX imports_workspace ON imports(workspace_id, id);
CREATE INDEX imports_state ON imports(state, id);

CREATE TABLE import_errors (
  import_id BIGINT NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
  line BIGINT NOT NULL,
  reason TEXT NOT NULL,
  raw TEXT NOT NULL,
  PRIMARY KEY (import_id, line)
);

CREATE TABLE exports (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  created_by BIGINT,
  state TEXT NOT NULL,
  filter TEXT NOT NULL DEFAULT '{}',
  sort TEXT NOT NULL DEFAULT '',
  rows_done BIGINT NOT NULL DEFAULT 0,
  total BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX exports_workspace ON exports(workspace_id, id);
