/** Helpers of the Azure tests: a provider pointed at the fake, raw HTTPS calls, collecting. */
import { readFileSync } from 'fs';
import { request } from 'https';
import { join } from 'path';

import { createAzureProvider } from '../../../server/src/providers/azure';
import type { AzureConnection } from '../../../server/src/providers/azure';
import type { AzureProvider } from '../../../server/src/providers/azure/provider';
import type {
  DirectoryProvider,
  ProviderLogger,
  ProviderSettings,
} from '../../../server/src/providers/types';
import type { GraphFake } from '../../fakes/graph';

export const CA_PEM = readFileSync(join(__dirname, '..', '..', 'fakes', 'certs', 'ca.pem'), 'utf8');

/** A logger that keeps what it was told. */
export const memoryLog = (): ProviderLogger & { lines: string[] } => {
  const lines: string[] = [];
  return {
    lines,
    debug: (message) => lines.push(`debug ${message}`),
    info: (message) => lines.push(`info ${message}`),
    warn: (message) => lines.push(`warn ${message}`),
  };
};

export type ProviderOverrides = {
  connection?: Partial<AzureConnection>;
  secret?: string | null;
  userGroups?: string[];
  options?: Record<string, unknown>;
  signal?: AbortSignal;
};

/** Fast retries: tests never wait long for a Retry-After. */
export const FAST = { maxRetryAfterSeconds: 0.02, maxRetries: 5 };

export const settingsFor = (
  fake: GraphFake,
  overrides: ProviderOverrides = {}
): ProviderSettings<AzureConnection> => ({
  connection: {
    tenantId: fake.tenantId,
    clientId: fake.clientId,
    authorityHost: fake.url,
    graphBaseUrl: fake.url,
    caCertificate: CA_PEM,
    ...overrides.connection,
  },
  secrets: { clientSecret: overrides.secret === undefined ? fake.clientSecret : overrides.secret },
  userGroups: overrides.userGroups ?? [],
  state: {},
  options: { ...FAST, ...overrides.options },
});

const opened: DirectoryProvider[] = [];

/** A provider on the fake; closed by closeProviders(). */
export const providerFor = (fake: GraphFake, overrides: ProviderOverrides = {}) => {
  const log = memoryLog();
  const provider = createAzureProvider(settingsFor(fake, overrides), {
    log,
    signal: overrides.signal,
  }) as AzureProvider;
  opened.push(provider);
  return Object.assign(provider, { log });
};

export const closeProviders = async () => {
  for (const provider of opened.splice(0)) await provider.close?.();
};

/** Every page of an async iterable, flattened. */
export const collect = async <T>(pages: AsyncIterable<T[]>): Promise<T[]> => {
  const items: T[] = [];
  for await (const page of pages) items.push(...page);
  return items;
};

/** The error an async action ends with (fails the test if it succeeds). */
export const failure = async (action: () => Promise<unknown>): Promise<Error> => {
  try {
    await action();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to fail');
};

export type RawResponse = {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  text: string;
};

/** One raw HTTPS request to the fake, trusting the test CA. */
export const raw = (
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {}
): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers, ca: CA_PEM, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // text/plain answers stay strings
          }
          const headers: Record<string, string> = {};
          for (const [key, value] of Object.entries(res.headers)) {
            if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : value;
          }
          resolve({ status: res.statusCode ?? 0, headers, body, text });
        });
      }
    );
    req.on('error', reject);
    if (options.body) req.write(options.body);
    req.end();
  });

/** A client-credentials token from the fake (raw form post). */
export const tokenFor = async (fake: GraphFake): Promise<string> => {
  const response = await raw(`${fake.url}/${fake.tenantId}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      client_id: fake.clientId,
      client_secret: fake.clientSecret,
      scope: `${fake.url}/.default`,
      grant_type: 'client_credentials',
    }).toString(),
  });
  return (response.body as { access_token: string }).access_token;
};
