-- Claims take the ready jobs of a queue by priority (highest first), then run time and id: an
-- index in that order lets a claim read just its batch instead of sorting the whole backlog.
DROP INDEX jobs_ready;
CREATE INDEX jobs_claim ON jobs(queue, state, priority DESC, run_at, id);
