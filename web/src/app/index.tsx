import { useEffect, useState } from 'react';
import { RouterProvider } from 'react-router';
import { createQueryClient } from '@/lib/react-query';
import { installLostSessionHandler } from './lost-session';
import { AppProvider } from './provider';
import { createRouter } from './router';

export function App() {
  const [queryClient] = useState(createQueryClient);
  const [router] = useState(createRouter);

  useEffect(() => installLostSessionHandler(router), [router]);

  return (
    <AppProvider queryClient={queryClient}>
      <RouterProvider router={router} />
    </AppProvider>
  );
}
