import { Badge, Group, Tooltip } from '@mantine/core';

interface TagBadgesProps {
  tags: string[];
  /** Badges shown before the rest are summed up as "+3". */
  max?: number;
}

/** A contact's tags as badges, the overflow counted in one badge that names them on hover. */
export function TagBadges({ tags, max = 3 }: TagBadgesProps) {
  if (tags.length === 0) return null;
  const shown = tags.slice(0, max);
  const rest = tags.slice(max);
  return (
    <Group gap={4} wrap="nowrap" style={{ overflow: 'hidden' }}>
      {shown.map((tag) => (
        <Badge key={tag} variant="outline" color="gray" size="sm" radius="sm" tt="none" maw={140}>
          {tag}
        </Badge>
      ))}
      {rest.length > 0 && (
        <Tooltip label={rest.join(', ')}>
          <Badge
            variant="light"
            color="gray"
            size="sm"
            radius="sm"
            aria-label={`${rest.length} more: ${rest.join(', ')}`}
          >
            +{rest.length}
          </Badge>
        </Tooltip>
      )}
    </Group>
  );
}
