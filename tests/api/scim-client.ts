/**
 * A SCIM client for the API tests: makes a SCIM directory through the admin API as the panel does
 * (create, enable, issue a token), then speaks SCIM to its tenant URL as Entra ID or Okta do.
 */
import type { PluginApi } from '../helpers/api';
import type { TestApp } from '../helpers/strapi';

export type ScimDirectory = { id: number; key: string; token: string; base: string };

export const createScimDirectory = async (
  api: PluginApi,
  extra: Record<string, unknown> = {}
): Promise<ScimDirectory> => {
  const created = await api.post('/directories', {
    name: `SCIM ${Math.random().toString(36).slice(2, 8)}`,
    type: 'scim',
    enabled: true,
    ...extra,
  });
  if (created.status !== 201)
    throw new Error(`directory not created: ${created.status} ${JSON.stringify(created.body)}`);
  const { id, directoryKey } = created.body.data as { id: number; directoryKey: string };
  const issued = await api.post(`/directories/${id}/scim/tokens`);
  if (issued.status !== 201)
    throw new Error(`token not issued: ${issued.status} ${JSON.stringify(issued.body)}`);
  const shown = await api.get(`/directories/${id}/scim`);
  const base = new URL(shown.body.data.baseUrl as string).pathname;
  return { id, key: directoryKey, token: issued.body.data.token as string, base };
};

/** Requests to a SCIM base path, authenticated with `token`, bodies sent as application/scim+json. */
export const scimClient = (app: TestApp, base: string, token: string | null) => {
  const auth = <T extends { set(name: string, value: string): T }>(req: T) =>
    token === null ? req : req.set('Authorization', `Bearer ${token}`);
  const send = <T extends { set(name: string, value: string): T; send(body: string): T }>(
    req: T,
    body: unknown
  ) => auth(req).set('Content-Type', 'application/scim+json').send(JSON.stringify(body));
  return {
    get: (path: string, query: Record<string, string | number> = {}) =>
      auth(app.http().get(`${base}${path}`).query(query)),
    post: (path: string, body: unknown) => send(app.http().post(`${base}${path}`), body),
    put: (path: string, body: unknown) => send(app.http().put(`${base}${path}`), body),
    patch: (path: string, body: unknown) => send(app.http().patch(`${base}${path}`), body),
    delete: (path: string) => auth(app.http().delete(`${base}${path}`)),
  };
};

export type ScimClient = ReturnType<typeof scimClient>;
