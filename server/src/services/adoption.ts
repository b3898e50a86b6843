/**
 * Adopting local users: users created by hand (or by an earlier tool) who match a directory record by
 * username or email. The preview lists them; adopting links them, and the next run updates them.
 *
 * A Super Admin is never adopted (a directory record would then rule the account that rules
 * Strapi), and an adopted account keeps its password: the link records the digest of the password
 * the source sends, so the next run finds nothing to change.
 */
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { ADMIN_ROLE_UID, ADMIN_USER_UID, UID } from '../constants';
import { mapUser } from '../sync/map';
import { chunks } from '../db/sql';
import { getService } from '../utils/get-service';

type Candidate = {
  localUser: { id: number; username: string; email: string | null };
  directoryUser: { externalId: string; username: string | null; email: string | null };
};

/** A candidate with what the link keeps and the API never shows. */
type Match = Candidate & { passwordDigest: string | null };

const SUPER_ADMIN_CODE = 'strapi-super-admin';

export type AdoptOptions = { dryRun?: boolean };

export const createAdoptionService = ({ strapi }: { strapi: Core.Strapi }) => {
  /** Admin users holding the Super Admin role: never adopted. */
  const superAdmins = async (targetUid: string): Promise<Set<number>> => {
    if (targetUid !== ADMIN_USER_UID) return new Set();
    const role = await strapi.db
      .query(ADMIN_ROLE_UID)
      .findOne({ where: { code: SUPER_ADMIN_CODE }, select: ['id'] });
    if (!role) return new Set();
    const users = (await strapi.db
      .query(ADMIN_USER_UID)
      .findMany({ where: { roles: { id: role.id } }, select: ['id'] })) as { id: number }[];
    return new Set(users.map((user) => user.id));
  };

  const matches = async (directoryId: number): Promise<Match[]> => {
    const directories = getService('directories', { strapi });
    const directory = await directories.findRow(directoryId);
    const provider = directories.provider(directory, { log: strapi.log });
    const target = getService('runner', { strapi }).targetFor(
      directory.target,
      directory.loginProvider
    );
    const owned = new Set(
      (
        (await strapi.db
          .query(UID.identity)
          .findMany({ where: { kind: 'user', targetUid: target.uid }, select: ['targetId'] })) as {
          targetId: number;
        }[]
      ).map((row) => row.targetId)
    );
    for (const id of await superAdmins(target.uid)) owned.add(id);
    const linked = new Set(
      (
        (await strapi.db
          .query(UID.identity)
          .findMany({ where: { directoryId, kind: 'user' }, select: ['externalId'] })) as {
          externalId: string;
        }[]
      ).map((row) => row.externalId)
    );
    // The digest the run keeps (keyed), so the run finds the adopted password unchanged.
    const secrets = getService('secrets', { strapi });
    const keyedDigest = (password: string) => secrets.keyedDigest(password);
    const found: Match[] = [];
    try {
      for await (const page of provider.listUsers()) {
        const users = page
          .filter((user) => !linked.has(user.externalId))
          .map((user) => mapUser(user, directory.mapping ?? [], [], keyedDigest))
          .flatMap((result) => (result.ok ? [result.user] : []));
        for (const chunk of chunks(users)) {
          const matches = await target.findByLogin(
            chunk.map((user) => user.fields.username).filter((name): name is string => !!name),
            chunk.map((user) => user.fields.email).filter((email): email is string => !!email)
          );
          for (const user of chunk) {
            const local =
              matches.get(`username:${user.fields.username?.toLowerCase()}`) ??
              matches.get(`email:${user.fields.email}`);
            if (local && !owned.has(local.id)) {
              owned.add(local.id);
              found.push({
                localUser: local,
                directoryUser: {
                  externalId: user.externalId,
                  username: user.fields.username,
                  email: user.fields.email,
                },
                passwordDigest: user.passwordDigest,
              });
            }
          }
        }
      }
    } finally {
      await provider.close?.();
    }
    return found;
  };

  const publicView = ({ localUser, directoryUser }: Match): Candidate => ({
    localUser,
    directoryUser,
  });

  return {
    /** The local users the directory may adopt (never a Super Admin, never one already linked). */
    async candidates(directoryId: number): Promise<Candidate[]> {
      return (await matches(directoryId)).map(publicView);
    },

    /**
     * Links the chosen local users (ids, or 'all') to their directory records; with `dryRun`, only
     * answers whom it would link and writes nothing.
     */
    async adopt(
      directoryId: number,
      users: number[] | 'all',
      actor: string,
      { dryRun = false }: AdoptOptions = {}
    ): Promise<Candidate[]> {
      const directory = await getService('directories', { strapi }).findRow(directoryId);
      const target = getService('runner', { strapi }).targetFor(
        directory.target,
        directory.loginProvider
      );
      if (users !== 'all') {
        const refused = [...(await superAdmins(target.uid))].filter((id) => users.includes(id));
        if (refused.length) {
          throw new errors.ValidationError(
            `Admin user ${refused.join(', ')} is a Super Admin: a directory never adopts a Super Admin. Leave it out of "users".`,
            { users: refused }
          );
        }
      }
      const chosen = (await matches(directoryId)).filter(
        (c) => users === 'all' || users.includes(c.localUser.id)
      );
      if (dryRun) return chosen.map(publicView);
      // The links and their user.adopt entries commit together.
      await strapi.db.transaction(async () => {
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
              // The account keeps its own password: the source's (if it sends one) counts as known.
              profile: { adopted: true, passwordDigest: c.passwordDigest },
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
      });
      return chosen.map(publicView);
    },
  };
};

export type AdoptionService = ReturnType<typeof createAdoptionService>;
