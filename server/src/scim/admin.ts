/**
 * Admin API of a SCIM directory, for the panel: the tenant URL to paste into Entra ID or Okta, its
 * tokens (issued and shown once, revoked), and recent SCIM activity.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { Scim } from '../../../shared/contracts/scim';
import { idParam } from '../controllers/validation';
import { getService } from '../utils/get-service';
import { scimActivity } from './activity';
import { scimBaseUrl } from './controller';
import { MAX_ACTIVE_TOKENS } from './constants';
import { createHeld } from './held';
import { createTokenStore } from './tokens';

type Ctx = {
  params: Record<string, string>;
  request: { origin: string };
  state: { user?: { email?: string } };
  body: unknown;
  status: number;
};

export const createScimAdminController = ({ strapi }: { strapi: Core.Strapi }) => {
  const tokens = createTokenStore(strapi);
  const activity = scimActivity(strapi);

  const scimDirectory = async (ctx: Ctx) => {
    const directory = await getService('directories', { strapi }).findRow(idParam(ctx.params.id));
    if (directory.type !== 'scim')
      throw new errors.ValidationError(
        `Directory '${directory.name}' is a ${directory.type} directory; SCIM tokens belong to SCIM directories.`
      );
    return directory;
  };

  const audit = (
    directoryId: number,
    subject: string,
    actor: string,
    details: Record<string, unknown>
  ) =>
    getService('audit', { strapi }).record([
      { action: 'settings.update', directoryId, runId: null, subject, actor, details },
    ]);

  const serializeToken = (row: Awaited<ReturnType<typeof tokens.active>>[number]): Scim.Token => ({
    id: row.id,
    hint: `…${row.hint}`,
    issuedBy: row.issuedBy,
    createdAt: new Date(row.createdAt).toISOString(),
    lastUsedAt: row.lastUsedAt ? new Date(row.lastUsedAt).toISOString() : null,
  });

  return {
    /** GET /directories/:id/scim */
    async show(ctx: Ctx) {
      const directory = await scimDirectory(ctx);
      const body: Scim.Show = {
        data: {
          baseUrl: scimBaseUrl(strapi, ctx.request.origin, directory.directoryKey),
          tokens: (await tokens.active(directory.id)).map(serializeToken),
          maxTokens: MAX_ACTIVE_TOKENS,
          activity: await activity.summary(directory.id),
          held: await createHeld(strapi, directory.id).list(),
        },
      };
      ctx.body = body;
    },

    /** POST /directories/:id/scim/confirm: applies the deactivations the brake holds. */
    async confirmHeld(ctx: Ctx) {
      const directory = await scimDirectory(ctx);
      const actor = ctx.state.user?.email ?? 'admin';
      const outcome = await getService('runner', { strapi }).confirmPushes(directory.id, actor);
      if (!outcome) throw new errors.ValidationError('No deactivation of this directory is held.');
      const disabled = outcome.users.filter((user) => user.outcome === 'disabled').length;
      ctx.body = { data: { disabled, users: outcome.users } };
    },

    /** POST /directories/:id/scim/tokens: the token is in this answer only. */
    async issueToken(ctx: Ctx) {
      const directory = await scimDirectory(ctx);
      const actor = ctx.state.user?.email ?? 'admin';
      const issued = await tokens.issue(directory.id, actor);
      await audit(directory.id, directory.name, actor, {
        scimToken: 'issued',
        hint: `…${issued.hint}`,
        revoked: issued.revoked,
      });
      ctx.status = 201;
      const body: Scim.Issued = {
        data: {
          id: issued.id,
          token: issued.token,
          hint: `…${issued.hint}`,
          revoked: issued.revoked,
        },
      };
      ctx.body = body;
    },

    /** DELETE /directories/:id/scim/tokens/:tokenId */
    async revokeToken(ctx: Ctx) {
      const directory = await scimDirectory(ctx);
      const id = idParam(ctx.params.tokenId);
      if (!(await tokens.revoke(directory.id, id)))
        throw new errors.NotFoundError(`Token ${id} is not a valid token of this directory`);
      const actor = ctx.state.user?.email ?? 'admin';
      await audit(directory.id, directory.name, actor, { scimToken: 'revoked', token: id });
      ctx.body = { data: { id, revoked: true } };
    },
  };
};
