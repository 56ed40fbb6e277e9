import { Badge, type BadgeProps } from '@mantine/core';
import {
  type BadgeStyle,
  numberStatusStyle,
  outcomeDescriptions,
  outcomeStyle,
  qualityStyle,
  templateStatusStyle,
} from '../lib/labels';

function StyledBadge({
  style,
  title,
  variant = 'light',
}: {
  style: BadgeStyle;
  title?: string;
  variant?: BadgeProps['variant'];
}) {
  return (
    <Badge variant={variant} color={style.color} title={title}>
      {style.label}
    </Badge>
  );
}

/** Meta's quality rating: green High, yellow Medium, red Low. */
export function QualityBadge({ rating }: { rating: string }) {
  const style = qualityStyle(rating);
  return <StyledBadge style={style} title={`Quality rating: ${rating || 'UNKNOWN'}`} />;
}

export function NumberStatusBadge({ status }: { status: string }) {
  return <StyledBadge style={numberStatusStyle(status)} variant="dot" />;
}

export function TemplateStatusBadge({ status }: { status: string }) {
  return <StyledBadge style={templateStatusStyle(status)} />;
}

export function OutcomeBadge({ outcome }: { outcome: string }) {
  const description = (outcomeDescriptions as Record<string, string | undefined>)[outcome];
  return <StyledBadge style={outcomeStyle(outcome)} title={description} />;
}
