-- WhatsApp Business accounts, their phone numbers and templates, the conversation with each
-- contact, and the durable inbox of webhooks. Secrets are stored encrypted (AES-256-GCM).
CREATE TABLE wa_accounts (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  waba_id TEXT NOT NULL,
  graph_url TEXT NOT NULL DEFAULT '',
  access_token_enc TEXT NOT NULL DEFAULT '',
  app_secret_enc TEXT NOT NULL DEFAULT '',
  verify_token_enc TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  paused_reason TEXT NOT NULL DEFAULT '',
  refreshed_at BIGINT NOT NULL DEFAULT 0,
  refresh_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX wa_accounts_waba ON wa_accounts(workspace_id, waba_id);

CREATE TABLE phone_numbers (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  account_id BIGINT NOT NULL REFERENCES wa_accounts(id) ON DELETE CASCADE,
  pnid TEXT NOT NULL,
  display_number TEXT NOT NULL DEFAULT '',
  verified_name TEXT NOT NULL DEFAULT '',
  quality_rating TEXT NOT NULL DEFAULT 'UNKNOWN',
  messaging_tier TEXT NOT NULL DEFAULT '',
  throughput_mps BIGINT NOT NULL DEFAULT 80,
  status TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX phone_numbers_pnid ON phone_numbers(pnid);
CREATE INDEX phone_numbers_account ON phone_numbers(account_id);

CREATE TABLE templates (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  account_id BIGINT NOT NULL REFERENCES wa_accounts(id) ON DELETE CASCADE,
  meta_id TEXT NOT NULL DEFAULT '',
  name TEXT NOT NULL,
  language TEXT NOT NULL,
  category TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL DEFAULT 'PENDING',
  quality TEXT NOT NULL DEFAULT 'UNKNOWN',
  parameter_format TEXT NOT NULL DEFAULT 'positional',
  components TEXT NOT NULL DEFAULT '[]',
  rejected_reason TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE UNIQUE INDEX templates_name ON templates(account_id, name, language);
CREATE INDEX templates_workspace ON templates(workspace_id, name);

-- The conversation, in and out. A status may arrive before the send that produced its wamid is
-- recorded: it then creates the row (contact unknown) and the send fills it in. status_rank only
-- grows: accepted 1 < sent 2 < delivered 3 < read 4; failed is 9 and terminal unless a later
-- delivered/read proves otherwise.
CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  contact_id BIGINT REFERENCES contacts(id) ON DELETE CASCADE,
  phone_number_id BIGINT REFERENCES phone_numbers(id) ON DELETE SET NULL,
  direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
  wamid TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  text TEXT NOT NULL DEFAULT '',
  content TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL DEFAULT '',
  status_rank BIGINT NOT NULL DEFAULT 0,
  error_code BIGINT NOT NULL DEFAULT 0,
  error_title TEXT NOT NULL DEFAULT '',
  biz_opaque TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  sent_at BIGINT NOT NULL DEFAULT 0,
  delivered_at BIGINT NOT NULL DEFAULT 0,
  read_at BIGINT NOT NULL DEFAULT 0,
  failed_at BIGINT NOT NULL DEFAULT 0,
  status_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX messages_wamid ON messages(workspace_id, wamid);
CREATE INDEX messages_contact ON messages(contact_id, id);

-- Every webhook received with a valid signature, stored before it is acknowledged.
-- workspace_id is NULL while the event cannot be routed to a workspace (an unknown number).
CREATE TABLE webhook_events (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,
  account_id BIGINT,
  received_at BIGINT NOT NULL,
  kinds TEXT NOT NULL DEFAULT '',
  outcome TEXT NOT NULL DEFAULT 'pending',
  error TEXT NOT NULL DEFAULT '',
  summary TEXT NOT NULL DEFAULT '',
  body TEXT NOT NULL,
  size_bytes BIGINT NOT NULL,
  processed_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhook_events_pending ON webhook_events(outcome, id);
CREATE INDEX webhook_events_workspace ON webhook_events(workspace_id, id);
