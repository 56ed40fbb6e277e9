import { SimpleGrid, Stack } from '@mantine/core';
import type { Me } from '@/lib/auth';
import { NextStepsCard } from './next-steps-card';
import { RealtimeCard } from './realtime-card';
import { SystemCard } from './system-card';
import { WelcomeCard } from './welcome-card';

export function Dashboard({ me }: { me: Me }) {
  return (
    <Stack gap="lg">
      <WelcomeCard me={me} />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
        <NextStepsCard me={me} />
        <SystemCard />
      </SimpleGrid>
      <RealtimeCard me={me} />
    </Stack>
  );
}
