import Echo from 'laravel-echo';
import Pusher, { type Options } from 'pusher-js';
import { currentCsrfToken } from '../api-client';
import type { RealtimeConfig } from './config';

/** The Echo flavour Kirim uses: the Pusher protocol, spoken by the Kirim server itself. */
export type RealtimeEcho = Echo<'pusher'>;

/** Builds a connected Echo for a config; the provider takes another in tests. */
export type ConnectRealtime = (config: RealtimeConfig) => RealtimeEcho;

type PageLocation = Pick<Location, 'hostname' | 'port' | 'protocol'>;

/**
 * pusher-js options for the hub on the page's own origin (`/app/<key>`), authorized by the
 * session cookie and the CSRF header at /broadcasting/auth and /broadcasting/user-auth.
 *
 * The header comes from `headersProvider`, read at every authorization, rather than a fixed
 * `headers` object: the token can change during a session, and pusher-js would send both.
 */
export function pusherOptions(location: PageLocation = window.location): Options {
  const port = Number(location.port);
  const csrfHeaders = (): Record<string, string> => {
    const token = currentCsrfToken();
    return token === null ? {} : { 'X-CSRF-Token': token };
  };
  return {
    cluster: 'kirim',
    wsHost: location.hostname,
    wsPort: port || 80,
    wssPort: port || 443,
    forceTLS: location.protocol === 'https:',
    enabledTransports: ['ws', 'wss'],
    disableStats: true,
    channelAuthorization: {
      endpoint: '/broadcasting/auth',
      transport: 'ajax',
      headersProvider: csrfHeaders,
    },
    userAuthentication: {
      endpoint: '/broadcasting/user-auth',
      transport: 'ajax',
      headersProvider: csrfHeaders,
    },
  };
}

/** Opens the connection (pusher-js connects as soon as it is constructed). */
export function createEcho(
  config: RealtimeConfig,
  location: PageLocation = window.location,
): RealtimeEcho {
  const client = new Pusher(config.key, pusherOptions(location));
  return new Echo({
    broadcaster: 'pusher',
    key: config.key,
    client,
    // Echo would patch axios, jQuery or Turbo if the page had them; this one does not.
    withoutInterceptors: true,
  });
}

/** `private-workspace.1` as Echo's `private()` wants it: `workspace.1`. */
export function echoChannelName(channel: string, prefix: 'private-' | 'presence-'): string {
  return channel.startsWith(prefix) ? channel.slice(prefix.length) : channel;
}
