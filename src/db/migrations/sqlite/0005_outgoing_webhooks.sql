-- Outgoing webhooks: the endpoints a workspace subscribes to its events, and every delivery made
-- to them. Each delivery is attempted by a job of the durable queue (kind webhook.deliver).
CREATE TABLE webhook_endpoints (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  secret_enc TEXT NOT NULL,                 -- sealed with the instance's secret key
  events TEXT NOT NULL DEFAULT '*',         -- '*' or a comma-separated list of event names
  enabled BIGINT NOT NULL DEFAULT 1,
  disabled_reason TEXT NOT NULL DEFAULT '',
  last_status BIGINT NOT NULL DEFAULT 0,    -- HTTP status of the last attempt; 0: no answer
  last_error TEXT NOT NULL DEFAULT '',
  last_attempt_at BIGINT NOT NULL DEFAULT 0,
  consecutive_failures BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX webhook_endpoints_workspace ON webhook_endpoints(workspace_id, enabled, id);

CREATE TABLE webhook_deliveries (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
  endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id) ON DELETE CASCADE,
  event TEXT NOT NULL,
  payload TEXT NOT NULL,                    -- the event's data (JSON); the body is built from it
  state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts BIGINT NOT NULL DEFAULT 0,
  redeliveries BIGINT NOT NULL DEFAULT 0,
  response_status BIGINT NOT NULL DEFAULT 0,
  response_body TEXT NOT NULL DEFAULT '',   -- the first 2 KiB of the last answer
  error TEXT NOT NULL DEFAULT '',
  duration_ms BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  last_attempt_at BIGINT NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL DEFAULT 0,
  delivered_at BIGINT NOT NULL DEFAULT 0
);
-- An endpoint's deliveries newest first, all of them or by state.
CREATE INDEX webhook_deliveries_endpoint ON webhook_deliveries(endpoint_id, id);
CREATE INDEX webhook_deliveries_endpoint_state ON webhook_deliveries(endpoint_id, state, id);
-- Pending ones at start (to enqueue what a crash left), old finished ones for pruning.
CREATE INDEX webhook_deliveries_state ON webhook_deliveries(state, created_at);
