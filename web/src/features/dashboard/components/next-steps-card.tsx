import { Anchor, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconCircleCheck, IconCircleDashed } from '@tabler/icons-react';
import { Link } from 'react-router';
import { SectionCard } from '@/components/section-card';
import type { Me } from '@/lib/auth';
import { canManageWorkspace } from '@/lib/authorization';
import { useWorkspace } from '../api/get-workspace';

interface Step {
  label: string;
  description: string;
  to: string;
  done: boolean;
}

// Only steps whose page exists and that the person may do; more join as features land.
function stepsFor(me: Me, stats: { users: number; api_tokens: number } | undefined): Step[] {
  const steps: Step[] = [];
  if (canManageWorkspace(me.role)) {
    steps.push(
      {
        label: 'Invite a teammate',
        description: 'Give colleagues their own login and role.',
        to: '/settings/users',
        done: (stats?.users ?? 0) > 1,
      },
      {
        label: 'Create an API token',
        description: 'Let scripts and other systems use the REST API.',
        to: '/settings/tokens',
        done: (stats?.api_tokens ?? 0) > 0,
      },
    );
  }
  steps.push({
    label: 'Review your profile',
    description: 'Check your name and choose a strong password.',
    to: '/settings/profile',
    done: false,
  });
  return steps;
}

export function NextStepsCard({ me }: { me: Me }) {
  const workspace = useWorkspace();
  const steps = stepsFor(me, workspace.data?.stats);

  return (
    <SectionCard title="Next steps" description="A few things worth doing early on.">
      <Stack gap="md" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {steps.map((step) => (
          <Group key={step.to} component="li" gap="sm" wrap="nowrap" align="flex-start">
            <ThemeIcon
              size={24}
              radius="xl"
              variant={step.done ? 'filled' : 'light'}
              color={step.done ? 'teal' : 'gray'}
              aria-label={step.done ? 'Done' : 'Not done yet'}
            >
              {step.done ? <IconCircleCheck size={16} /> : <IconCircleDashed size={16} />}
            </ThemeIcon>
            <div>
              <Anchor component={Link} to={step.to} fw={600}>
                {step.label}
              </Anchor>
              <Text size="sm" c="dimmed">
                {step.description}
              </Text>
            </div>
          </Group>
        ))}
      </Stack>
    </SectionCard>
  );
}
