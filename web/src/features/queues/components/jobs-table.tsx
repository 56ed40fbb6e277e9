import { Anchor, Badge, Group, Table, Text } from '@mantine/core';
import { ListTable } from '@/components/list-table';
import type { Job } from '../api/get-jobs';
import { formatWhen } from '../lib/format';
import { JobStateBadge } from './job-state-badge';

const maxTagsShown = 3;

/** A page of jobs; a row (or its number) opens the job. */
export function JobsTable({ jobs, onOpen }: { jobs: Job[]; onOpen: (job: Job) => void }) {
  const now = new Date();
  return (
    <ListTable
      label="Jobs"
      columns={[
        'Job',
        'Kind',
        'Queue',
        'State',
        'Attempts',
        'Tags',
        'Created',
        'Finished',
        'Error',
      ]}
      minWidth={1040}
    >
      {jobs.map((job) => (
        <Table.Tr key={job.id} onClick={() => onOpen(job)} style={{ cursor: 'pointer' }}>
          <Table.Td>
            <Anchor
              component="button"
              type="button"
              size="sm"
              aria-label={`Open job #${job.id}`}
              onClick={(click) => {
                click.stopPropagation();
                onOpen(job);
              }}
            >
              #{job.id}
            </Anchor>
          </Table.Td>
          <Table.Td>
            <Text size="sm" ff="monospace">
              {job.kind}
            </Text>
          </Table.Td>
          <Table.Td>{job.queue}</Table.Td>
          <Table.Td>
            <JobStateBadge state={job.state} />
          </Table.Td>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>
            {job.attempts}/{job.max_attempts}
          </Table.Td>
          <Table.Td>
            <Group gap={4}>
              {job.tags.slice(0, maxTagsShown).map((tag) => (
                <Badge key={tag} variant="outline" color="gray" size="sm" tt="none">
                  {tag}
                </Badge>
              ))}
              {job.tags.length > maxTagsShown && (
                <Text size="xs" c="dimmed">
                  +{job.tags.length - maxTagsShown}
                </Text>
              )}
            </Group>
          </Table.Td>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>
            <Text size="sm">{formatWhen(job.created_at, now)}</Text>
          </Table.Td>
          <Table.Td style={{ whiteSpace: 'nowrap' }}>
            <Text size="sm">{job.finished_at ? formatWhen(job.finished_at, now) : '—'}</Text>
          </Table.Td>
          <Table.Td>
            <Text size="sm" c="red.8" lineClamp={2} title={job.last_error ?? undefined}>
              {job.last_error ?? ''}
            </Text>
          </Table.Td>
        </Table.Tr>
      ))}
    </ListTable>
  );
}
