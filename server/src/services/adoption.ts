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
    /** Local users a directory already owns: user id -> directory id. */
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
    const supers = await superAdmins(target.uid);
    /** Why a matching local user cannot be adopted, if it cannot. */
    const refusal = (id: number) => {
      if (supers.has(id)) return 'a Super Admin: a directory never adopts a Super Admin';
      const owner = owned.get(id);
      return owner === undefined
        ? undefined
        : `already synced by the directory "${directoryNames.get(owner) ?? owner}"`;
    };
    // Passwords are never compared nor shown (the stored one is a digest); only fields the target has.
    const comparable = new Set(target.mappableFields().filter((name) => name !== 'password'));
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
          const fieldNames = [...new Set(chunk.flatMap((user) => Object.keys(user.fields)))].filter(
            (name) => comparable.has(name)
          );
          const current = await target.loadUsers(
            [...new Set([...matches.values()].map((match) => match.id))],
            fieldNames
          );
          for (const user of chunk) {
            const byName = matches.get(`username:${user.fields.username?.toLowerCase()}`);
            const local = byName ?? matches.get(`email:${user.fields.email}`);
            if (!local || seen.has(local.id)) continue;
            seen.add(local.id);
            const stored = current.get(local.id)?.fields ?? {};
            const refused = refusal(local.id);
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
              ...(refused ? { refused } : {}),
              passwordDigest: user.passwordDigest,
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

  const publicView = ({ passwordDigest: _digest, ...candidate }: Match): Candidate => candidate;

  return {
    /**
     * The local users matching the directory's people, with what the next run would change; those it
     * may not adopt (a Super Admin, a user another directory owns) say why.
     */
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
        (c) => !c.refused && (users === 'all' || users.includes(c.localUser.id))
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
