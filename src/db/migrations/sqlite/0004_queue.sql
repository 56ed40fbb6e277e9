-- The durable queue: jobs, every attempt of each, recurring schedules, per-queue state.
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  workspace_id BIGINT REFERENCES workspaces(id) ON DELETE CASCADE,  -- NULL: the instance's own
  queue TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  tags TEXT NOT NULL DEFAULT '',
  unique_key TEXT,
  priority BIGINT NOT NULL DEFAULT 0,
  state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  run_at BIGINT NOT NULL,
  attempts BIGINT NOT NULL DEFAULT 0,
  max_attempts BIGINT NOT NULL,
  lease_owner TEXT NOT NULL DEFAULT '',
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  started_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0
);
-- Claiming takes the ready jobs of a queue in priority order.
CREATE INDEX jobs_ready ON jobs(queue, state, priority, run_at, id);
CREATE INDEX jobs_lease ON jobs(state, lease_until);
CREATE INDEX jobs_workspace ON jobs(workspace_id, id);
CREATE INDEX jobs_finished ON jobs(state, finished_at);
-- A unique job exists once while it is pending or running.
CREATE UNIQUE INDEX jobs_unique ON jobs(unique_key)
  WHERE unique_key IS NOT NULL AND state IN ('pending', 'running');

CREATE TABLE job_attempts (
  job_id BIGINT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  attempt BIGINT NOT NULL,
  worker TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL DEFAULT 0,
  outcome TEXT NOT NULL DEFAULT 'running',
  error TEXT NOT NULL DEFAULT '',
  trace TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (job_id, attempt)
);

CREATE TABLE schedules (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  cron TEXT NOT NULL,
  timezone TEXT NOT NULL DEFAULT 'UTC',
  queue TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  enabled BIGINT NOT NULL DEFAULT 1,
  next_run_at BIGINT NOT NULL DEFAULT 0,
  last_run_at BIGINT NOT NULL DEFAULT 0,
  last_job_id BIGINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE queues (
  name TEXT PRIMARY KEY,
  paused BIGINT NOT NULL DEFAULT 0,
  paused_at BIGINT NOT NULL DEFAULT 0,
  paused_by TEXT NOT NULL DEFAULT ''
);
