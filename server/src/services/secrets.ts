/**
 * Secrets at rest: AES-256-GCM. The key comes from the plugin config, USER_DIRECTORY_SYNC_KEY, or is
 * derived from Strapi's APP_KEYS. Secrets go in, never come back out through the API: responses only
 * say 'set' or 'not set'.
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
import { getConfig } from '../utils/get-service';

const PREFIX = 'v1';

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

    /** Encrypts one value: `v1:<iv>:<tag>:<ciphertext>`, base64. */
    encrypt(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', getKey(), iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [PREFIX, iv, cipher.getAuthTag(), data]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
        .join(':');
    },

    /** Decrypts a value made by encrypt(); throws a clear error if the key changed. */
    decrypt(sealed: string): string {
      const [prefix, iv, tag, data] = sealed.split(':');
      if (prefix !== PREFIX || !iv || !tag || data === undefined)
        throw new Error('not an encrypted secret');
      try {
        const decipher = createDecipheriv('aes-256-gcm', getKey(), Buffer.from(iv, 'base64'));
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
      incoming: Record<string, string | null> | undefined
    ) {
      const next = { ...(stored ?? {}) };
      for (const [name, value] of Object.entries(incoming ?? {})) {
        if (value === null || value === '') delete next[name];
        else next[name] = this.encrypt(value);
      }
      return next;
    },

    /** What the API shows: 'set' or 'not set' per known secret name. */
    describe(stored: Record<string, string> | null, names: readonly string[]) {
      return Object.fromEntries(
        names.map((name) => [name, stored?.[name] ? 'set' : 'not set'])
      ) as Record<string, 'set' | 'not set'>;
    },

    /** Decrypted secrets, for the provider only. */
    open(stored: Record<string, string> | null): Record<string, string | null> {
      return Object.fromEntries(
        Object.entries(stored ?? {}).map(([name, value]) => [name, this.decrypt(value)])
      );
    },
  };
};

export type SecretsService = ReturnType<typeof createSecretsService>;
