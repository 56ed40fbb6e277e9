-- Campaigns: one message to an audience, one row per recipient with its own state, the
-- execution timeline, per-interval counts for charts, and click-tracking links.
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'completed',
                                       'stopped', 'failed')),
  audience TEXT NOT NULL DEFAULT '{}',
  message TEXT NOT NULL DEFAULT '{}',
  senders TEXT NOT NULL DEFAULT '[]',
  schedule TEXT NOT NULL DEFAULT '{"mode":"now"}',
  quiet_hours TEXT NOT NULL DEFAULT '',
  speed_mps BIGINT NOT NULL DEFAULT 20,
  goal TEXT NOT NULL DEFAULT '',
  planned BIGINT NOT NULL DEFAULT 0,
  -- Recipients by state, changed in the same unit of work as each recipient: exact at all times.
  n_pending BIGINT NOT NULL DEFAULT 0,
  n_sending BIGINT NOT NULL DEFAULT 0,
  n_accepted BIGINT NOT NULL DEFAULT 0,
  n_sent BIGINT NOT NULL DEFAULT 0,
  n_delivered BIGINT NOT NULL DEFAULT 0,
  n_read BIGINT NOT NULL DEFAULT 0,
  n_failed BIGINT NOT NULL DEFAULT 0,
  n_unknown BIGINT NOT NULL DEFAULT 0,
  n_skipped BIGINT NOT NULL DEFAULT 0,
  n_cancelled BIGINT NOT NULL DEFAULT 0,
  n_replied BIGINT NOT NULL DEFAULT 0,
  n_clicked BIGINT NOT NULL DEFAULT 0,
  n_converted BIGINT NOT NULL DEFAULT 0,
  planning_done BIGINT NOT NULL DEFAULT 0,
  created_by BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  scheduled_at BIGINT NOT NULL DEFAULT 0,
  started_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX campaigns_workspace ON campaigns(workspace_id, id);
CREATE INDEX campaigns_state ON campaigns(state);

-- state: pending (planned, waiting its turn) -> sending (the request is being made: after a
-- crash its outcome is unknown) -> accepted -> sent -> delivered -> read; failed, unknown,
-- skipped (not sendable at send time) and cancelled (stopped or excluded) are final.
CREATE TABLE campaign_recipients (
  id INTEGER PRIMARY KEY,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  workspace_id BIGINT NOT NULL,
  contact_id BIGINT NOT NULL,
  sender_id BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL,
  rank BIGINT NOT NULL DEFAULT 0,
  send_after BIGINT NOT NULL DEFAULT 0,
  attempts BIGINT NOT NULL DEFAULT 0,
  wamid TEXT,
  error_code BIGINT NOT NULL DEFAULT 0,
  error_title TEXT NOT NULL DEFAULT '',
  queued_at BIGINT NOT NULL DEFAULT 0,
  sent_at BIGINT NOT NULL DEFAULT 0,
  delivered_at BIGINT NOT NULL DEFAULT 0,
  read_at BIGINT NOT NULL DEFAULT 0,
  failed_at BIGINT NOT NULL DEFAULT 0,
  replied_at BIGINT NOT NULL DEFAULT 0,
  clicked_at BIGINT NOT NULL DEFAULT 0,
  converted_at BIGINT NOT NULL DEFAULT 0,
  updated_at BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX campaign_recipients_contact ON campaign_recipients(campaign_id, contact_id);
CREATE INDEX campaign_recipients_queue ON campaign_recipients(campaign_id, state, send_after, id);
CREATE INDEX campaign_recipients_wamid ON campaign_recipients(wamid);
CREATE INDEX campaign_recipients_contact_recent ON campaign_recipients(workspace_id, contact_id, sent_at);

CREATE TABLE campaign_events (
  id INTEGER PRIMARY KEY,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  workspace_id BIGINT NOT NULL,
  at BIGINT NOT NULL,
  kind TEXT NOT NULL,
  actor_id BIGINT,
  detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX campaign_events_campaign ON campaign_events(campaign_id, id);

-- Counts per 10-second interval, for the charts.
CREATE TABLE campaign_series (
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  bucket BIGINT NOT NULL,
  sent BIGINT NOT NULL DEFAULT 0,
  delivered BIGINT NOT NULL DEFAULT 0,
  read_count BIGINT NOT NULL DEFAULT 0,
  failed BIGINT NOT NULL DEFAULT 0,
  replied BIGINT NOT NULL DEFAULT 0,
  clicked BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, bucket)
);

CREATE TABLE campaign_links (
  token TEXT PRIMARY KEY,
  workspace_id BIGINT NOT NULL,
  campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
  recipient_id BIGINT NOT NULL,
  url TEXT NOT NULL,
  clicks BIGINT NOT NULL DEFAULT 0,
  first_click_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX campaign_links_recipient ON campaign_links(recipient_id);
