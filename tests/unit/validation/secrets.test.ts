/**
 * Secrets sealed with the endpoint they were saved for: opened for that endpoint only, and the
 * endpoint written beside them cannot be edited (it is authenticated with the ciphertext).
 */
import type { Core } from '@strapi/strapi';
import { StopSyncError } from '../../../server/src/providers/errors';
import { createSecretsService } from '../../../server/src/services/secrets';

const strapi = {
  config: { get: () => ({ encryptionKey: 'a-test-key-of-32-characters-long' }) },
} as unknown as Core.Strapi;
const secrets = createSecretsService({ strapi });
const OKTA = 'https://acme.okta.com';

describe('endpoint-bound secrets', () => {
  it('opens a secret for the endpoint it was saved for', () => {
    const stored = secrets.merge(null, { apiToken: 'token' }, () => OKTA);
    expect(secrets.endpointOf(stored.apiToken)).toBe(OKTA);
    expect(secrets.open(stored, OKTA)).toEqual({ apiToken: 'token' });
  });

  it('refuses it for another endpoint, naming both', () => {
    const stored = secrets.merge(null, { apiToken: 'token' }, () => OKTA);
    expect(() => secrets.open(stored, 'http://127.0.0.1:9999')).toThrow(StopSyncError);
    expect(() => secrets.open(stored, 'http://127.0.0.1:9999')).toThrow(
      /saved for https:\/\/acme\.okta\.com, but the connection now points at http:\/\/127\.0\.0\.1:9999/
    );
  });

  it('cannot be rebound by editing the endpoint written beside it', () => {
    const sealed = secrets.encrypt('token', OKTA);
    const parts = sealed.split(':');
    parts[1] = Buffer.from('http://127.0.0.1:9999').toString('base64');
    const forged = parts.join(':');
    expect(() => secrets.open({ apiToken: forged }, 'http://127.0.0.1:9999')).toThrow(
      /cannot be decrypted/
    );
  });

  it('keeps unbound secrets (v1, and the default password) readable anywhere', () => {
    const stored = secrets.merge(null, { defaultPassword: 'Welcome-1' });
    expect(secrets.endpointOf(stored.defaultPassword)).toBeNull();
    expect(secrets.open(stored, 'https://anywhere.example')).toEqual({
      defaultPassword: 'Welcome-1',
    });
  });
});
