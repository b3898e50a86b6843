/**
 * Secrets at rest: AES-256-GCM. The key comes from the plugin config, USER_DIRECTORY_SYNC_KEY, or is
 * derived from Strapi's APP_KEYS. Secrets go in, never come back out through the API: responses only
 * say 'set' or 'not set'. A secret that travels to the source (client secret, API token, basic-auth
 * password) is sealed with the endpoint it was saved for (`v2`, the endpoint authenticated as
 * additional data): it is only opened for that endpoint.
 */
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { StopSyncError } from '../providers/errors';
import { getConfig } from '../utils/get-service';

const PREFIX = 'v1';
const BOUND = 'v2';

const b64 = (value: string) => Buffer.from(value, 'utf8').toString('base64');

const deriveKey = (strapi: Core.Strapi): Buffer => {
  const configured = getConfig(strapi).encryptionKey ?? process.env.USER_DIRECTORY_SYNC_KEY;
  if (configured) return createHash('sha256').update(configured).digest();
  const appKeys = (strapi.config.get('server.app.keys') as string[] | undefined) ?? [];
  if (!appKeys.length) {
    throw new Error(
      'user-directory-sync: no key to encrypt secrets. Set USER_DIRECTORY_SYNC_KEY or the APP_KEYS of the app.'
    );
  }
  return Buffer.from(hkdfSync('sha256', appKeys.join(','), 'user-directory-sync', 'secrets', 32));
};

export const createSecretsService = ({ strapi }: { strapi: Core.Strapi }) => {
  let key: Buffer | null = null;
  const getKey = () => (key ??= deriveKey(strapi));
  let digestKey: Buffer | null = null;
  /** A key of its own for digests, derived from the secrets key (never the same bytes). */
  const getDigestKey = () =>
    (digestKey ??= Buffer.from(hkdfSync('sha256', getKey(), 'user-directory-sync', 'digests', 32)));

  return {
    /**
     * A keyed digest (HMAC-SHA256) of a value kept only for change detection (a CSV password): a
     * leaked identity row gives nothing away to a dictionary without the server's key.
     */
    keyedDigest(value: string): string {
      return `hmac:${createHmac('sha256', getDigestKey()).update(value).digest('hex')}`;
    },

    /**
     * Encrypts one value: `v1:<iv>:<tag>:<ciphertext>`, or, bound to an endpoint,
     * `v2:<endpoint>:<iv>:<tag>:<ciphertext>` (base64 parts).
     */
    encrypt(plain: string, endpoint?: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', getKey(), iv);
      if (endpoint !== undefined) cipher.setAAD(Buffer.from(endpoint, 'utf8'));
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const head = endpoint === undefined ? [PREFIX] : [BOUND, b64(endpoint)];
      return [
        ...head,
        ...[iv, cipher.getAuthTag(), data].map((part) => part.toString('base64')),
      ].join(':');
    },

    /** The endpoint a sealed value was bound to, or null for an unbound (v1) value. */
    endpointOf(sealed: string): string | null {
      const [prefix, endpoint] = sealed.split(':');
      return prefix === BOUND && endpoint !== undefined
        ? Buffer.from(endpoint, 'base64').toString('utf8')
        : null;
    },

    /** Decrypts a value made by encrypt(); throws a clear error if the key changed. */
    decrypt(sealed: string): string {
      const parts = sealed.split(':');
      const bound = parts[0] === BOUND;
      const [prefix, iv, tag, data] = bound ? [PREFIX, ...parts.slice(2)] : parts;
      if (prefix !== PREFIX || !iv || !tag || data === undefined)
        throw new Error('not an encrypted secret');
      try {
        const decipher = createDecipheriv('aes-256-gcm', getKey(), Buffer.from(iv, 'base64'));
        if (bound) decipher.setAAD(Buffer.from(this.endpointOf(sealed) ?? '', 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64'));
        return Buffer.concat([
          decipher.update(Buffer.from(data, 'base64')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new Error(
          'a stored secret cannot be decrypted: the encryption key (USER_DIRECTORY_SYNC_KEY or APP_KEYS) changed. Enter the secret again.'
        );
      }
    },

    /** Merges a request's `{ name: value | null }` into the stored, encrypted map. */
    merge(
      stored: Record<string, string> | null,
      incoming: Record<string, string | null> | undefined,
      /** The endpoint a secret of this name is bound to; undefined: not bound. */
      endpointFor: (name: string) => string | undefined = () => undefined
    ) {
      const next = { ...(stored ?? {}) };
      for (const [name, value] of Object.entries(incoming ?? {})) {
        if (value === null || value === '') delete next[name];
        else next[name] = this.encrypt(value, endpointFor(name));
      }
      return next;
    },

    /** What the API shows: 'set' or 'not set' per known secret name. */
    describe(stored: Record<string, string> | null, names: readonly string[]) {
      return Object.fromEntries(
        names.map((name) => [name, stored?.[name] ? 'set' : 'not set'])
      ) as Record<string, 'set' | 'not set'>;
    },

    /**
     * Decrypted secrets, for the provider only. With `endpoint`, a secret bound to another endpoint
     * is refused (StopSyncError): it is never sent anywhere but where it was saved for.
     */
    open(stored: Record<string, string> | null, endpoint?: string): Record<string, string | null> {
      return Object.fromEntries(
        Object.entries(stored ?? {}).map(([name, value]) => {
          const boundTo = this.endpointOf(value);
          if (endpoint !== undefined && boundTo !== null && boundTo !== endpoint) {
            throw new StopSyncError(
              'secret-endpoint',
              `The secret '${name}' was saved for ${boundTo}, but the connection now points at ${endpoint}: enter the secret again for the new address.`
            );
          }
          return [name, this.decrypt(value)];
        })
      );
    },
  };
};

export type SecretsService = ReturnType<typeof createSecretsService>;
