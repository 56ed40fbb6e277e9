import { afterEach, describe, expect, it, vi } from 'vitest';
import { rememberCsrfToken } from '../api-client';
import { createEcho, echoChannelName, pusherOptions } from './client';

const pusherConstructor = vi.hoisted(() => vi.fn());

vi.mock('pusher-js', () => ({
  default: class FakePusher {
    connection = { state: 'connecting', bind: vi.fn(), unbind: vi.fn() };
    disconnect = vi.fn();
    constructor(key: string, options: unknown) {
      pusherConstructor(key, options);
    }
  },
}));

interface AuthOptions {
  endpoint: string;
  transport: string;
  headers?: unknown;
  headersProvider: () => Record<string, string>;
}

afterEach(() => rememberCsrfToken(null));

describe('pusherOptions', () => {
  it('points pusher-js at the page origin over plain ws for http', () => {
    expect(
      pusherOptions({ hostname: '127.0.0.1', port: '18080', protocol: 'http:' }),
    ).toMatchObject({
      cluster: 'kirim',
      wsHost: '127.0.0.1',
      wsPort: 18080,
      wssPort: 18080,
      forceTLS: false,
      enabledTransports: ['ws', 'wss'],
      disableStats: true,
    });
  });

  it('uses the default ports and TLS when the page has none and is https', () => {
    const options = pusherOptions({ hostname: 'kirim.example.com', port: '', protocol: 'https:' });
    expect(options).toMatchObject({ wsPort: 80, wssPort: 443, forceTLS: true });
  });

  it('authorizes channels and the user with the session CSRF token, read at request time', () => {
    const options = pusherOptions({ hostname: 'localhost', port: '5173', protocol: 'http:' });
    const channelAuth = options.channelAuthorization as AuthOptions;
    const userAuth = options.userAuthentication as AuthOptions;
    expect(channelAuth).toMatchObject({ endpoint: '/broadcasting/auth', transport: 'ajax' });
    expect(userAuth).toMatchObject({ endpoint: '/broadcasting/user-auth', transport: 'ajax' });
    // Static headers would be sent next to the provider's, doubling the header.
    expect(channelAuth.headers).toBeUndefined();

    expect(channelAuth.headersProvider()).toEqual({});
    rememberCsrfToken('from-me');
    expect(channelAuth.headersProvider()).toEqual({ 'X-CSRF-Token': 'from-me' });
    document.cookie = 'kirim_csrf=from-cookie; path=/';
    expect(userAuth.headersProvider()).toEqual({ 'X-CSRF-Token': 'from-cookie' });
  });
});

describe('createEcho', () => {
  it('gives Echo a pusher-js client built with the app key', () => {
    const echo = createEcho(
      {
        key: 'kirim-web',
        channels: { workspace: 'private-workspace.1', presence: 'presence-workspace.1' },
      },
      { hostname: 'localhost', port: '8080', protocol: 'http:' },
    );
    expect(pusherConstructor).toHaveBeenCalledWith(
      'kirim-web',
      expect.objectContaining({ wsHost: 'localhost', wsPort: 8080 }),
    );
    expect(echo.options).toMatchObject({ broadcaster: 'pusher', key: 'kirim-web' });
    expect(echo.connectionStatus()).toBe('connecting');
  });
});

describe('echoChannelName', () => {
  it('drops the prefix Echo adds itself', () => {
    expect(echoChannelName('private-workspace.1', 'private-')).toBe('workspace.1');
    expect(echoChannelName('presence-workspace.1', 'presence-')).toBe('workspace.1');
    expect(echoChannelName('workspace.1', 'private-')).toBe('workspace.1');
  });
});
