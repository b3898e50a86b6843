/**
 * The SCIM 2.0 endpoint of every SCIM directory, under the content API:
 * /api/user-directory-sync/scim/v2/<directory key>/{Users,Groups,ServiceProviderConfig,
 * ResourceTypes,Schemas}. The route has no Strapi authentication (auth: false): a request is
 * authenticated here, by the directory's own bearer token, and every answer is application/scim+json.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import { scimActivity } from './activity';
import { MAX_BODY_BYTES, SCIM_BASE_PATH, SCIM_CONTENT_TYPE, type ResourceKind } from './constants';
import { createDiscovery } from './discovery';
import { ScimError, badRequest, notFound, unauthorized } from './errors';
import { createHeld } from './held';
import { createPush } from './push';
import { createResources, type RequestInfo } from './resources';
import { createResourceStore } from './store';
import { bearerToken, createTokenStore } from './tokens';

type Context = {
  method: string;
  path: string;
  query: Record<string, unknown>;
  request: { body?: unknown; origin: string };
  req: NodeJS.ReadableStream;
  status: number;
  body: unknown;
  type: string;
  get(name: string): string;
  set(name: string, value: string): void;
  is(type: string): string | false | null;
};

type DirectoryRow = { id: number; enabled: boolean; type: string; directoryKey: string };

const INSTANCE = `${hostname()}:${process.pid}`;

/** The base URL a client is given: the server URL when configured, else the request's origin. */
export const scimBaseUrl = (strapi: Core.Strapi, origin: string, key: string) => {
  const configured = String(strapi.config.get('server.url') ?? '');
  const host = /^https?:\/\//.test(configured) ? configured.replace(/\/$/, '') : origin;
  const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api');
  return `${host}${prefix}/user-directory-sync${SCIM_BASE_PATH}/${key}`;
};

/** The body of a request sent as application/scim+json, which Strapi's body parser leaves unread. */
const readBody = async (ctx: Context): Promise<unknown> => {
  if (!ctx.is(SCIM_CONTENT_TYPE)) return ctx.request.body;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES)
      throw new ScimError(413, `The body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw badRequest('The body is not valid JSON.', 'invalidSyntax');
  }
};

const RESOURCES: Record<string, ResourceKind> = { users: 'User', groups: 'Group' };

const methodNotAllowed = (method: string, path: string) =>
  new ScimError(405, `${method} is not supported on ${path}.`);

export const createScimController = ({ strapi }: { strapi: Core.Strapi }) => {
  const tokens = createTokenStore(strapi);
  const activity = scimActivity(strapi);

  const authenticate = async (ctx: Context, key: string) => {
    const token = bearerToken(ctx.get('authorization'));
    if (!token || !key) throw unauthorized();
    const directory = (await strapi.db.query(UID.directory).findOne({
      where: { directoryKey: key, type: 'scim' },
      select: ['id', 'enabled', 'type', 'directoryKey'],
    })) as DirectoryRow | null;
    if (!directory || !(await tokens.verify(directory.id, token))) throw unauthorized();
    return directory;
  };

  const dispatch = async (
    ctx: Context,
    directory: DirectoryRow,
    segments: string[],
    path: string
  ) => {
    if (!directory.enabled)
      throw new ScimError(
        403,
        'This SCIM directory is disabled in Strapi: enable it in Settings > User Directory Sync to accept provisioning.'
      );
    const baseUrl = scimBaseUrl(strapi, ctx.request.origin, directory.directoryKey);
    const [first = '', id, ...rest] = segments;
    const name = first.toLowerCase();
    const method = ctx.method;
    const discovery = () => createDiscovery(baseUrl);
    if (rest.length) throw notFound(`${path} is not a SCIM endpoint.`);
    if (name === 'serviceproviderconfig' && !id) {
      if (method !== 'GET') throw methodNotAllowed(method, path);
      return { status: 200, body: discovery().serviceProviderConfig };
    }
    if (name === 'resourcetypes' || name === 'schemas') {
      if (method !== 'GET') throw methodNotAllowed(method, path);
      const items: { id: string }[] =
        name === 'resourcetypes' ? discovery().resourceTypes : discovery().schemas;
      if (id) {
        const item = items.find((entry) => entry.id === decodeURIComponent(id));
        if (!item) throw notFound(`${path} not found.`);
        return { status: 200, body: item };
      }
      return {
        status: 200,
        body: {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
          totalResults: items.length,
          startIndex: 1,
          itemsPerPage: items.length,
          Resources: items,
        },
      };
    }
    const kind = RESOURCES[name];
    if (!kind) throw notFound(`${path} is not a SCIM endpoint.`);
    const owner = `${INSTANCE}:${randomUUID()}`;
    const resources = createResources(
      createResourceStore(strapi, directory.id, owner),
      createPush(strapi, directory.id),
      createHeld(strapi, directory.id),
      baseUrl
    );
    const request: RequestInfo = { method, path, query: ctx.query };
    if (!id) {
      if (method === 'GET') return { status: 200, body: await resources.list(kind, request) };
      if (method === 'POST') {
        const created = await resources.create(kind, await readBody(ctx), request);
        return { status: 201, body: created, headers: { Location: created.meta.location } };
      }
      throw methodNotAllowed(method, path);
    }
    const scimId = decodeURIComponent(id);
    if (method === 'GET') return { status: 200, body: await resources.get(kind, scimId, request) };
    if (method === 'PUT')
      return {
        status: 200,
        body: await resources.replace(kind, scimId, await readBody(ctx), request),
      };
    if (method === 'PATCH')
      return {
        status: 200,
        body: await resources.patch(kind, scimId, await readBody(ctx), request),
      };
    if (method === 'DELETE') {
      await resources.remove(kind, scimId, request);
      return { status: 204, body: null };
    }
    throw methodNotAllowed(method, path);
  };

  return {
    async handle(ctx: Context) {
      const marker = `${SCIM_BASE_PATH}/`;
      const after = ctx.path.slice(ctx.path.indexOf(marker) + marker.length);
      const [key = '', ...segments] = after.split('/').filter(Boolean);
      const path = `/${segments.join('/')}`;
      let directory: DirectoryRow | null = null;
      let answer: { status: number; body: unknown; headers?: Record<string, string> };
      try {
        directory = await authenticate(ctx, key);
        answer = await dispatch(ctx, directory, segments, path);
      } catch (error) {
        const scim =
          error instanceof ScimError
            ? error
            : new ScimError(500, 'The request failed on the server; the Strapi log has the cause.');
        if (!(error instanceof ScimError))
          strapi.log.error(
            `[user-directory-sync] SCIM ${ctx.method} ${path}: ${(error as Error)?.stack ?? error}`
          );
        answer = { status: scim.status, body: scim.toBody(), headers: scim.headers };
      }
      if (directory) {
        const detail =
          answer.status >= 400 ? (answer.body as { detail?: string }).detail : undefined;
        activity.record({
          directoryId: directory.id,
          method: ctx.method,
          path,
          status: answer.status,
          detail,
        });
      }
      for (const [name, value] of Object.entries(answer.headers ?? {})) ctx.set(name, value);
      ctx.status = answer.status;
      if (answer.body !== null) {
        ctx.type = `${SCIM_CONTENT_TYPE}; charset=utf-8`;
        ctx.body = JSON.stringify(answer.body);
      }
    },
  };
};
