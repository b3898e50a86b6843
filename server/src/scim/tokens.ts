/**
 * SCIM bearer tokens: generated on request, shown once, stored only as a SHA-256 digest (the token
 * carries 256 random bits, so a fast digest is safe), revocable, at most two valid at once so a
 * rotation never cuts the identity provider off.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { MAX_ACTIVE_TOKENS, SCIM_UID } from './constants';

const PREFIX = 'udsscim_';

export const digestToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new random token: `udsscim_` and 43 base64url characters. */
export const generateToken = () => `${PREFIX}${randomBytes(32).toString('base64url')}`;

/** The token of an `Authorization: Bearer <token>` header, or null. */
export const bearerToken = (header: unknown): string | null => {
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match && match[1].startsWith(PREFIX) ? match[1] : null;
};

export type TokenRow = {
  id: number;
  directoryId: number;
  hint: string;
  issuedBy: string | null;
  createdAt: string | Date;
  lastUsedAt: string | Date | null;
  revokedAt: string | Date | null;
};

export const createTokenStore = (strapi: Core.Strapi) => {
  const tokens = () => strapi.db.query(SCIM_UID.token);
  const active = async (directoryId: number) =>
    (await tokens().findMany({
      where: { directoryId, revokedAt: null },
      orderBy: { id: 'asc' },
      select: ['id', 'directoryId', 'hint', 'issuedBy', 'createdAt', 'lastUsedAt', 'revokedAt'],
    })) as TokenRow[];

  return {
    active,

    /** A new token; the oldest valid ones are revoked so that at most two stay valid. */
    async issue(directoryId: number, issuedBy: string) {
      const token = generateToken();
      const current = await active(directoryId);
      const surplus = current.slice(0, Math.max(0, current.length - (MAX_ACTIVE_TOKENS - 1)));
      if (surplus.length)
        await tokens().updateMany({
          where: { id: { $in: surplus.map((row) => row.id) } },
          data: { revokedAt: new Date() },
        });
      const row = (await tokens().create({
        data: { directoryId, hash: digestToken(token), hint: token.slice(-4), issuedBy },
      })) as TokenRow;
      return { token, id: row.id, hint: row.hint, revoked: surplus.map((r) => r.id) };
    },

    async revoke(directoryId: number, id: number) {
      const { count } = await tokens().updateMany({
        where: { id, directoryId, revokedAt: null },
        data: { revokedAt: new Date() },
      });
      return count > 0;
    },

    /** True when `token` is a valid token of the directory; notes its use at most once a minute. */
    async verify(directoryId: number, token: string) {
      const row = (await tokens().findOne({
        where: { hash: digestToken(token), directoryId, revokedAt: null },
        select: ['id', 'lastUsedAt'],
      })) as { id: number; lastUsedAt: string | Date | null } | null;
      if (!row) return false;
      const last = row.lastUsedAt ? new Date(row.lastUsedAt).getTime() : 0;
      if (Date.now() - last > 60_000)
        await tokens().update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
      return true;
    },

    /** Drops a directory's tokens (the directory is deleted). */
    async removeAll(directoryId: number) {
      await tokens().deleteMany({ where: { directoryId } });
    },
  };
};
