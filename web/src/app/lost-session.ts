import type { createBrowserRouter } from 'react-router';
import { setUnauthenticatedHandler } from '@/lib/api-client';
import { loginPath } from './login-redirect';

type Router = ReturnType<typeof createBrowserRouter>;

/**
 * A 401 on any API call means the session ended (expired, logged out elsewhere, password
 * changed): go to the login page and remember the page. The cache is left alone because
 * clearing it would make the still-mounted page refetch; the next login clears it.
 */
export function installLostSessionHandler(router: Router): void {
  setUnauthenticatedHandler(() => {
    const { pathname, search } = router.state.location;
    if (pathname === '/login') return;
    void router.navigate(loginPath(pathname + search), { replace: true });
  });
}
