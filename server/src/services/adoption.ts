/**
 * Adopting local users: users created by hand (or by an earlier tool) who match a directory record by
 * username or email. The preview lists them; adopting links them, and the next run updates them.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { UID } from '../constants';
import { SyncError } from '../providers/errors';
import { mapUser } from '../sync/map';
import { chunks } from '../db/sql';
import { getService } from '../utils/get-service';

type Candidate = {
  localUser: { id: number; username: string; email: string | null };
  directoryUser: { externalId: string; username: string | null; email: string | null };
  /** Which login value matched. */
  match: 'username' | 'email';
  /** What the next run would change on the local user, field by field. */
  changes: Record<string, { from: unknown; to: unknown }>;
  /** Why this local user cannot be adopted (it stays as it is), when it cannot. */
  refused?: string;
};

export const createAdoptionService = ({ strapi }: { strapi: Core.Strapi }) => {
  const candidates = async (directoryId: number): Promise<Candidate[]> => {
    const directories = getService('directories', { strapi });
    const directory = await directories.findRow(directoryId);
    const provider = directories.provider(directory, { log: strapi.log });
    const target = getService('runner', { strapi }).targetFor(
      directory.target,
      directory.loginProvider
    );
    /** Local users another directory (or this one) already owns: user id -> directory id. */
    const owned = new Map(
      (
        (await strapi.db.query(UID.identity).findMany({
          where: { kind: 'user', targetUid: target.uid },
          select: ['targetId', 'directoryId'],
        })) as { targetId: number; directoryId: number }[]
      ).map((row) => [row.targetId, row.directoryId])
    );
    const directoryNames = new Map(
      (
        (await strapi.db.query(UID.directory).findMany({ select: ['id', 'name'] })) as {
          id: number;
          name: string;
        }[]
      ).map((row) => [row.id, row.name])
    );
    const seen = new Set<number>();
    const linked = new Set(
      (
        (await strapi.db
          .query(UID.identity)
          .findMany({ where: { directoryId, kind: 'user' }, select: ['externalId'] })) as {
          externalId: string;
        }[]
      ).map((row) => row.externalId)
    );
    const found: Candidate[] = [];
    try {
      for await (const page of provider.listUsers()) {
        const users = page
          .filter((user) => !linked.has(user.externalId))
          .map((user) => mapUser(user, directory.mapping ?? [], []))
          .flatMap((result) => (result.ok ? [result.user] : []));
        for (const chunk of chunks(users)) {
          const matches = await target.findByLogin(
            chunk.map((user) => user.fields.username).filter((name): name is string => !!name),
            chunk.map((user) => user.fields.email).filter((email): email is string => !!email)
          );
          // Passwords are never compared nor shown: the stored one is a digest.
          const fieldNames = [...new Set(chunk.flatMap((user) => Object.keys(user.fields)))].filter(
            (name) => name !== 'password'
          );
          const ids = [...new Set([...matches.values()].map((match) => match.id))];
          const current = await target.loadUsers(ids, fieldNames);
          for (const user of chunk) {
            const byName = matches.get(`username:${user.fields.username?.toLowerCase()}`);
            const local = byName ?? matches.get(`email:${user.fields.email}`);
            if (!local || seen.has(local.id)) continue;
            seen.add(local.id);
            const owner = owned.get(local.id);
            const stored = current.get(local.id)?.fields ?? {};
            found.push({
              localUser: local,
              directoryUser: {
                externalId: user.externalId,
                username: user.fields.username,
                email: user.fields.email,
              },
              match: byName ? 'username' : 'email',
              changes: Object.fromEntries(
                Object.entries(user.fields)
                  .filter(([name, to]) => name in stored && (stored[name] ?? null) !== (to ?? null))
                  .map(([name, to]) => [name, { from: stored[name] ?? null, to }])
              ),
              ...(owner !== undefined
                ? {
                    refused: `already synced by the directory "${directoryNames.get(owner) ?? owner}"`,
                  }
                : {}),
            });
          }
        }
      }
    } catch (error) {
      // The directory could not be read (bad settings, unreachable): say why, as a run would.
      if (error instanceof SyncError) {
        throw new errors.ApplicationError(`The directory could not be read: ${error.message}`, {
          code: error.code,
        });
      }
      throw error;
    } finally {
      await provider.close?.();
    }
    return found;
  };

  return {
    candidates,

    /** Links the chosen local users (ids, or 'all') to their directory records. */
    async adopt(directoryId: number, users: number[] | 'all', actor: string) {
      const directory = await getService('directories', { strapi }).findRow(directoryId);
      const target = getService('runner', { strapi }).targetFor(
        directory.target,
        directory.loginProvider
      );
      const chosen = (await candidates(directoryId)).filter(
        (c) => !c.refused && (users === 'all' || users.includes(c.localUser.id))
      );
      if (chosen.length) {
        await strapi.db.query(UID.identity).createMany({
          data: chosen.map((c) => ({
            directoryId,
            kind: 'user',
            externalId: c.directoryUser.externalId,
            targetUid: target.uid,
            targetId: c.localUser.id,
            hash: null,
            state: 'active',
            lastSeenAt: new Date(),
          })),
        });
      }
      await getService('audit', { strapi }).record(
        chosen.map((c) => ({
          action: 'user.adopt',
          directoryId,
          runId: null,
          subject: c.localUser.username,
          actor,
          details: { localUserId: c.localUser.id, externalId: c.directoryUser.externalId },
        }))
      );
      return chosen;
    },
  };
};

export type AdoptionService = ReturnType<typeof createAdoptionService>;
