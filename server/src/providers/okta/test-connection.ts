/**
 * "Test connection" for Okta: one light per check (settings, credentials, scopes, users, groups,
 * app, assigned groups). It never throws; each failure says what to change in Okta or here.
 */
import type { Client, Collection } from '@okta/okta-sdk-nodejs';
import { describeError } from '../errors';
import type {
  ConnectionCheck,
  ConnectionResult,
  ProviderContext,
  ProviderSettings,
} from '../types';
import { createOktaClient, OKTA_SCOPES } from './client';
import { normalizeOrgUrl, readOktaOptions, type OktaConnection } from './connection';
import { toSyncError, type ErrorContext } from './errors';
import { readPages } from './paging';
import { OktaRequestExecutor } from './request-executor';

const NO_GROUPS = 'No groups are assigned to the app: no users will sync.';

const messageOf = (error: unknown, context: ErrorContext): { code: string; message: string } => {
  const { code, message } = describeError(toSyncError(error, context));
  return { code, message };
};

/** Runs the checks; the result is ok when Okta can be read (a warning may remain). */
export const testOktaConnection = async (
  settings: ProviderSettings<OktaConnection>,
  context: ProviderContext
): Promise<ConnectionResult> => {
  const checks: ConnectionCheck[] = [];
  let warning: string | null = null;
  const add = (name: string, ok: boolean, message: string) => checks.push({ name, ok, message });
  const finish = (): ConnectionResult => {
    const failed = checks.find((check) => !check.ok && check.message !== NO_GROUPS);
    if (failed) return { ok: false, message: failed.message, checks };
    return {
      ok: true,
      message: warning
        ? `Connected, but ${warning.charAt(0).toLowerCase()}${warning.slice(1)}`
        : 'Connected to Okta.',
      checks,
    };
  };
  const { connection, secrets } = settings;
  const mode = connection.authMode;

  let orgUrl: string;
  let executor: OktaRequestExecutor;
  try {
    const options = readOktaOptions(settings.options);
    orgUrl = normalizeOrgUrl(connection.orgUrl, options.allowHttp);
    executor = new OktaRequestExecutor({
      maxRetries: Math.min(options.maxRetries, 1),
      retryBaseDelayMs: Math.min(options.retryBaseDelayMs, 500),
      requestTimeoutMs: Math.min(options.requestTimeoutMs, 15_000),
      rateLimitReserve: 0,
      maxResponseBytes: options.maxResponseBytes,
      caCertificate: connection.caCertificate,
      log: context.log,
      signal: context.signal,
    });
  } catch (error) {
    add('Settings', false, describeError(error).message);
    return finish();
  }

  const skip = (names: string[], reason: string) => {
    for (const name of names) add(name, false, `Not checked: ${reason}`);
  };
  const context_ = (action: string, scope: string, notFound?: string): ErrorContext => ({
    authMode: mode,
    action,
    scope,
    notFound,
  });

  try {
    let client: Client;
    try {
      client = createOktaClient({ orgUrl, connection, secrets, executor });
    } catch (error) {
      add('Credentials', false, describeError(error).message);
      return finish();
    }

    if (mode === 'oauth') {
      try {
        await client.oauth.getAccessToken();
        add(
          'Credentials',
          true,
          `The API Services app ${connection.clientId ?? ''} signed in with its key.`
        );
        add('Scopes', true, `${OKTA_SCOPES.join(', ')} are granted.`);
      } catch (error) {
        const { code, message } = messageOf(error, context_('get an access token', ''));
        if (code !== 'okta-oauth-invalid_scope') {
          add('Credentials', false, message);
          skip(
            ['Read users', 'Read groups', 'App', 'Assigned groups'],
            'the credentials were refused.'
          );
          return finish();
        }
        add(
          'Credentials',
          true,
          `The API Services app ${connection.clientId ?? ''} signed in with its key.`
        );
        // Okta does not say which scope is missing: ask for each one alone.
        const granted: string[] = [];
        for (const scope of OKTA_SCOPES) {
          const probe = createOktaClient({
            orgUrl,
            connection,
            secrets,
            executor,
            scopes: [scope],
          });
          try {
            await probe.oauth.getAccessToken();
            granted.push(scope);
          } catch {
            // not granted
          }
        }
        const missing = OKTA_SCOPES.filter((scope) => !granted.includes(scope));
        add(
          'Scopes',
          false,
          `Not granted to the app: ${missing.join(', ')}. Grant ${missing.length > 1 ? 'them' : 'it'} on the app's "Okta API Scopes" tab in the Okta Admin Console.`
        );
        if (granted.length === 0) {
          skip(['Read users', 'Read groups', 'App', 'Assigned groups'], 'no scope is granted.');
          return finish();
        }
        client = createOktaClient({ orgUrl, connection, secrets, executor, scopes: granted });
      }
    }

    const first = async <T>(open: () => Promise<Collection<T>>) => {
      for await (const page of readPages(await open(), 'a first page', context.signal)) return page;
      return [];
    };

    try {
      await first(() => client.userApi.listUsers({ limit: 1 }));
      if (mode === 'token') add('Credentials', true, 'Okta accepted the API token.');
      add('Read users', true, 'Users can be read (okta.users.read).');
    } catch (error) {
      const { code, message } = messageOf(error, context_('read users', 'okta.users.read'));
      const refused = ['okta-invalid-token', 'okta-tls', 'okta-host-not-found', 'okta-network'];
      if (mode === 'token' && refused.includes(code)) {
        add('Credentials', false, message);
        skip(
          ['Read users', 'Read groups', 'App', 'Assigned groups'],
          'Okta could not be signed in to.'
        );
        return finish();
      }
      if (mode === 'token') add('Credentials', true, 'Okta accepted the API token.');
      add('Read users', false, message);
    }

    try {
      await first(() => client.groupApi.listGroups({ limit: 1 }));
      add('Read groups', true, 'Groups and their members can be read (okta.groups.read).');
    } catch (error) {
      add(
        'Read groups',
        false,
        messageOf(error, context_('read groups', 'okta.groups.read')).message
      );
    }

    const appId = connection.appId?.trim();
    if (!appId) {
      add(
        'App',
        false,
        'Enter the App ID: the groups assigned to that Okta app are the ones synced.'
      );
      skip(['Assigned groups'], 'no App ID.');
      return finish();
    }
    try {
      const app = await client.applicationApi.getApplication({ appId });
      add(
        'App',
        true,
        `Found the app "${app.label ?? appId}" (${app.status ?? 'status unknown'}).`
      );
    } catch (error) {
      const notFound = `No Okta app has the ID ${appId}: copy it from the app's page in the Okta Admin Console (the 0oa... part of its address)`;
      add(
        'App',
        false,
        messageOf(error, context_('read the app', 'okta.apps.read', notFound)).message
      );
      skip(['Assigned groups'], 'the app could not be read.');
      return finish();
    }

    try {
      const assigned = new Set<string>();
      const collection = await client.applicationApi.listApplicationGroupAssignments({
        appId,
        limit: 200,
      });
      for await (const page of readPages(collection, "the app's groups", context.signal)) {
        for (const assignment of page) if (assignment.id) assigned.add(assignment.id);
      }
      if (assigned.size === 0) {
        warning = NO_GROUPS;
        add('Assigned groups', false, NO_GROUPS);
      } else {
        const unassigned = settings.userGroups.filter((id) => !assigned.has(id));
        add(
          'Assigned groups',
          true,
          `${assigned.size} group(s) are assigned to the app.${
            unassigned.length > 0
              ? ` ${unassigned.length} selected group(s) are no longer assigned and sync nobody.`
              : ''
          }`
        );
      }
    } catch (error) {
      add(
        'Assigned groups',
        false,
        messageOf(error, context_('list the groups assigned to the app', 'okta.apps.read')).message
      );
    }
    return finish();
  } finally {
    executor.destroy();
  }
};
