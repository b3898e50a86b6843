/**
 * The applier: with the target modules (sync/targets/), the only code that writes during a run:
 * users, identity links, roles and role renames, groups and their members, managers, plan entries and
 * audit entries. Each step's writes are one transaction of bulk statements, and the audit entries of
 * that change are written inside the same transaction (their events go out after the commit), so a
 * crash never leaves a change without its audit entry. A dry run writes the plan entries instead and
 * touches nothing else.
 */
import { randomBytes } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type { AuditInput } from '../services/audit';
import type {
  GroupState,
  HealEntry,
  LeaverEntry,
  Link,
  LinkPlan,
  ManagerChange,
  PasswordMode,
  PlanEntry,
  PlannedUser,
  RoleLink,
  RolePlan,
  RoleRename,
} from './plan';
import { bulkUpdate, insertRows, tableInfo, writeLinks } from '../db/sql';
import type { NewUserRow, SyncTarget, UserRowChange } from './targets/types';

export type ApplyCounts = {
  created: number;
  updated: number;
  disabled: number;
  enabled: number;
  unchanged: number;
  skipped: number;
  failed: number;
  conflicts: number;
};

export const emptyCounts = (): ApplyCounts => ({
  created: 0,
  updated: 0,
  disabled: 0,
  enabled: 0,
  unchanged: 0,
  skipped: 0,
  failed: 0,
  conflicts: 0,
});

export type ApplierOptions = {
  strapi: Core.Strapi;
  target: SyncTarget;
  directoryId: number;
  /** The run row; null for a push until it is held (attachRun). */
  runId: number | null;
  dryRun: boolean;
  /** Added to every audit entry's details (a push's request: method and path). */
  details?: Record<string, unknown>;
  actor: string;
  /** Writes audit entries (inside the change's transaction; events after the commit). */
  record: (entries: AuditInput[]) => Promise<void>;
  /** Which password created users get; `sharedPassword` is the directory's, for mode 'shared'. */
  passwords: { mode: PasswordMode; sharedPassword: string | null };
};

/** Identity links created or changed by a page: externalId -> new target id, hash, state. */
export type IdentityUpdate = {
  externalId: string;
  rowId: number | null;
  targetId: number;
  hash: string;
  state: 'active' | 'disabled';
  passwordDigest: string | null;
  /** Attributes the target has no column for. */
  profile: Record<string, string | null> | null;
  /** An adopted local account (kept on the link: its password is never set by the sync). */
  adopted?: boolean;
};

const BCRYPT_ROUNDS = 10;

const BCRYPT_ALPHABET = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A random password nobody knows, stored as a bcrypt string of random bytes: no password matches it
 * (Strapi's login answers "Invalid identifier or password"), each user's is different, and it costs
 * nothing to make (hashing a random password with bcrypt would add nothing to its strength).
 */
export const randomUnusableHash = () => {
  if (randomPool.used + 53 > randomPool.bytes.length) {
    randomPool.bytes = randomBytes(53 * 1024);
    randomPool.used = 0;
  }
  let hash = `$2a$${BCRYPT_ROUNDS}$`;
  for (let i = 0; i < 53; i += 1) hash += BCRYPT_ALPHABET[randomPool.bytes[randomPool.used++] % 64];
  return hash;
};

/** Random bytes drawn 54 KB at a time (one draw per user cost more than the rest of the hash). */
const randomPool = { bytes: Buffer.alloc(0), used: 0 };

/** What an identity link keeps besides the hash: the source password's digest, extra attributes. */
const profileOf = (update: IdentityUpdate) =>
  update.passwordDigest || update.profile || update.adopted
    ? {
        ...(update.adopted ? { adopted: true } : {}),
        ...(update.passwordDigest ? { passwordDigest: update.passwordDigest } : {}),
        ...(update.profile ? { attributes: update.profile } : {}),
      }
    : null;

export const createApplier = (options: ApplierOptions) => {
  const { strapi, target, directoryId, dryRun, actor } = options;
  let runId = options.runId;
  const identityTable = tableInfo(strapi, UID.identity);
  const groupTable = tableInfo(strapi, UID.group);
  const counts = emptyCounts();
  const now = () => new Date();

  const audit = (
    action: string,
    subject: string | null,
    details: Record<string, unknown>
  ): AuditInput => ({
    action,
    directoryId,
    runId,
    subject,
    actor,
    details: options.details ? { ...details, ...options.details } : details,
  });

  const planTable = tableInfo(strapi, UID.planEntry);
  const writePlanEntries = async (
    entries: {
      action: string;
      subject: string;
      externalId: string | null;
      details: Record<string, unknown>;
    }[]
  ) => {
    if (!entries.length) return;
    await strapi.db.transaction(({ trx }) =>
      insertRows(
        trx,
        planTable,
        entries.map((entry) => ({ runId, ...entry }))
      )
    );
  };

  /** A dry run keeps the entries a real run would audit as its plan. */
  const writeAuditAsPlan = (entries: AuditInput[]) =>
    writePlanEntries(
      entries.map((entry) => ({
        action: entry.action,
        subject: entry.subject ?? '',
        externalId: (entry.details.externalId as string | null) ?? null,
        details: entry.details,
      }))
    );

  const hashPassword = (password: string) => bcrypt.hash(password, BCRYPT_ROUNDS);

  /** Writes identity links for created users and changed hashes/states. */
  const saveIdentities = async (
    trx: Parameters<SyncTarget['createUsers']>[0],
    updates: IdentityUpdate[]
  ) => {
    const fresh = updates.filter((update) => update.rowId === null);
    const existing = updates.filter((update) => update.rowId !== null);
    await insertRows(
      trx,
      identityTable,
      fresh.map((update) => ({
        directoryId,
        kind: 'user',
        externalId: update.externalId,
        targetUid: target.uid,
        targetId: update.targetId,
        hash: update.hash,
        state: update.state,
        lastSeenAt: now(),
        profile: profileOf(update),
      }))
    );
    await bulkUpdate(
      trx,
      identityTable.table,
      existing.map((update) => ({
        id: update.rowId as number,
        values: {
          [identityTable.column('targetId')]: update.targetId,
          [identityTable.column('hash')]: update.hash,
          [identityTable.column('state')]: update.state,
          [identityTable.column('lastSeenAt')]: now(),
          [identityTable.column('profile')]: JSON.stringify(profileOf(update)),
        },
      }))
    );
  };

  const newRow = async (user: PlannedUser, password: string | null): Promise<NewUserRow> => ({
    values: user.fields,
    blocked: user.blocked,
    roleIds: user.roleIds,
    passwordHash: password ? await hashPassword(password) : null,
  });

  /** The shared password's hash, made once per run and only if someone needs it. */
  let sharedHash: Promise<string> | null = null;
  /** The password hash of a created user without a source password, per the directory's policy. */
  const passwordForNewUser = (): Promise<string | null> | string | null => {
    const { mode, sharedPassword } = options.passwords;
    if (mode === 'none') return null;
    if (mode === 'shared' && sharedPassword) return (sharedHash ??= hashPassword(sharedPassword));
    return randomUnusableHash();
  };

  /**
   * Applies one page of the plan. `sourcePasswords` holds the source's clear-text passwords of the
   * page (by externalId); they are hashed here and never stored raw.
   */
  const applyPage = async (
    entries: PlanEntry[],
    sourcePasswords: ReadonlyMap<string, string> = new Map()
  ): Promise<{ identities: IdentityUpdate[]; created: Map<string, number> }> => {
    const auditEntries: AuditInput[] = [];
    const created = new Map<string, number>();
    for (const entry of entries) {
      if (entry.action === 'skip') {
        counts.skipped += 1;
        auditEntries.push(
          audit('user.skip', entry.subject, { externalId: entry.externalId, reason: entry.reason })
        );
      } else if (entry.action === 'conflict') {
        counts.conflicts += 1;
        counts.skipped += 1;
        auditEntries.push(
          audit('user.conflict', entry.user.subject, {
            externalId: entry.user.externalId,
            localUserId: entry.targetId,
            reason: entry.reason,
          })
        );
      } else if (entry.action === 'unchanged') {
        counts.unchanged += 1;
      }
    }
    const creates = entries.filter(
      (entry): entry is Extract<PlanEntry, { action: 'create' }> => entry.action === 'create'
    );
    const changes = entries.filter(
      (entry): entry is Extract<PlanEntry, { action: 'update' | 'enable' | 'disable' }> =>
        entry.action === 'update' || entry.action === 'enable' || entry.action === 'disable'
    );
    for (const entry of creates) {
      auditEntries.push(
        audit('user.create', entry.user.subject, {
          externalId: entry.user.externalId,
          reason: entry.reason,
          fields: entry.user.fields,
          blocked: entry.user.blocked,
          ...(entry.user.roleReason ? { roleReason: entry.user.roleReason } : {}),
        })
      );
    }
    for (const entry of changes) {
      const action = entry.action === 'update' ? 'user.update' : `user.${entry.action}`;
      auditEntries.push(
        audit(action, entry.user.subject, {
          externalId: entry.user.externalId,
          changes: entry.changes,
          ...(entry.changes.roles && entry.user.roleReason
            ? { roleReason: entry.user.roleReason }
            : {}),
          ...(entry.setPassword ? { password: 'changed' } : {}),
        })
      );
    }
    counts.created += creates.length;
    for (const entry of changes) {
      if (entry.action === 'enable') counts.enabled += 1;
      else if (entry.action === 'disable') counts.disabled += 1;
      else counts.updated += 1;
    }

    if (dryRun) {
      await writeAuditAsPlan(auditEntries);
      return { identities: [], created };
    }

    const passwordFor = (user: PlannedUser) =>
      options.passwords.mode === 'none' ? null : (sourcePasswords.get(user.externalId) ?? null);
    const newRows = await Promise.all(
      creates.map(async (entry) => {
        const row = await newRow(entry.user, passwordFor(entry.user));
        if (!row.passwordHash) row.passwordHash = await passwordForNewUser();
        return row;
      })
    );
    const rowChanges: UserRowChange[] = await Promise.all(
      changes.map(async (entry) => {
        const values: Record<string, unknown> = {};
        for (const [name, change] of Object.entries(entry.changes)) {
          if (name !== 'roles') values[name] = change.to;
        }
        const password = entry.setPassword ? passwordFor(entry.user) : null;
        return {
          id: entry.targetId,
          values,
          roleIds: entry.changes.roles ? (entry.changes.roles.to as number[]) : undefined,
          passwordHash: password ? await hashPassword(password) : undefined,
        };
      })
    );

    const identities: IdentityUpdate[] = [];
    await strapi.db.transaction(async ({ trx }) => {
      const ids = await target.createUsers(trx, newRows);
      creates.forEach((entry, i) => {
        created.set(entry.user.externalId, ids[i]);
        identities.push(identityUpdate(entry.user, ids[i]));
      });
      await target.updateUsers(trx, rowChanges);
      for (const entry of changes) identities.push(identityUpdate(entry.user, entry.targetId));
      for (const entry of entries) {
        if (entry.action === 'unchanged' && entry.refresh)
          identities.push(identityUpdate(entry.user, entry.targetId));
      }
      await saveIdentities(trx, identities);
      await options.record(auditEntries);
    });
    return { identities, created };
  };

  /** The identity link to write for a user of this page (a new row unless one is stored). */
  const identityUpdate = (user: PlannedUser, targetId: number): IdentityUpdate => ({
    externalId: user.externalId,
    rowId: rowIds.get(user.externalId) ?? null,
    targetId,
    hash: user.hash,
    state: user.blocked ? 'disabled' : 'active',
    passwordDigest: user.passwordDigest,
    profile: user.profile ?? null,
    ...(adopted.has(user.externalId) ? { adopted: true } : {}),
  });

  /** Identity row ids by externalId, given by the runner for the users of the current page. */
  const rowIds = new Map<string, number>();
  /** Adopted accounts among them (their links keep saying so). */
  const adopted = new Set<string>();
  const setIdentityRows = (rows: Map<string, number>, adoptedIds: Iterable<string> = []) => {
    rowIds.clear();
    for (const [key, value] of rows) rowIds.set(key, value);
    adopted.clear();
    for (const id of adoptedIds) adopted.add(id);
  };

  /** Disables leavers (rule 1: called only after a complete enumeration, past the threshold). */
  const applyLeavers = async (leavers: LeaverEntry[], identityRowIds: Map<string, number>) => {
    if (!leavers.length) return;
    counts.disabled += leavers.length;
    const auditEntries = leavers.map((leaver) =>
      audit('user.disable', leaver.subject, {
        externalId: leaver.externalId,
        reason: leaver.reason,
      })
    );
    if (dryRun) {
      await writePlanEntries(
        leavers.map((leaver) => ({
          action: 'user.disable',
          subject: leaver.subject,
          externalId: leaver.externalId,
          details: { reason: leaver.reason },
        }))
      );
      return;
    }
    await strapi.db.transaction(async ({ trx }) => {
      await target.setBlocked(
        trx,
        leavers.map((leaver) => leaver.targetId),
        true
      );
      await bulkUpdate(
        trx,
        identityTable.table,
        leavers
          .filter((leaver) => identityRowIds.has(leaver.externalId))
          .map((leaver) => ({
            id: identityRowIds.get(leaver.externalId) as number,
            values: {
              [identityTable.column('state')]: 'disabled',
              [identityTable.column('hash')]: null,
            },
          }))
      );
      await options.record(auditEntries);
    });
  };

  /** Sets managers where they differ from the stored ones. */
  const applyManagers = async (pairs: (ManagerChange & { subject: string })[]) => {
    if (!pairs.length) return;
    if (dryRun) {
      await writePlanEntries(
        pairs.map((pair) => ({
          action: 'user.update',
          subject: pair.subject,
          externalId: pair.externalId,
          details: { changes: { manager: { from: pair.from, to: pair.managerId } } },
        }))
      );
      return;
    }
    await strapi.db.transaction(async ({ trx }) => {
      await target.setManagers(trx, pairs);
      await options.record(
        pairs
          .filter((pair) => pair.audit)
          .map((pair) =>
            audit('user.update', pair.subject, {
              externalId: pair.externalId,
              changes: { manager: { from: pair.from, to: pair.managerId } },
            })
          )
      );
    });
  };

  /** Sets the roles of users whose groups changed while their records did not. */
  const applyRoleChanges = async (
    changes: {
      targetId: number;
      externalId: string;
      subject: string;
      from: number[];
      to: number[];
    }[]
  ) => {
    if (!changes.length) return;
    counts.updated += changes.length;
    const entries = changes.map((change) =>
      audit('user.update', change.subject, {
        externalId: change.externalId,
        changes: { roles: { from: change.from, to: change.to } },
      })
    );
    if (dryRun) {
      await writeAuditAsPlan(entries);
      return;
    }
    await strapi.db.transaction(async ({ trx }) => {
      await target.updateUsers(
        trx,
        changes.map((change) => ({ id: change.targetId, values: {}, roleIds: change.to }))
      );
      await options.record(entries);
    });
  };

  /** Re-enables users blocked by hand whose directory record is active (delta rounds). */
  const applyHeals = async (heals: HealEntry[]) => {
    if (!heals.length) return;
    counts.enabled += heals.length;
    const entries = heals.map((heal) =>
      audit('user.enable', heal.subject, {
        externalId: heal.externalId,
        reason: 'blocked in Strapi while the directory record is active',
        changes: { blocked: { from: true, to: false } },
      })
    );
    if (dryRun) {
      await writeAuditAsPlan(entries);
      return;
    }
    await strapi.db.transaction(async ({ trx }) => {
      await target.setBlocked(
        trx,
        heals.map((heal) => heal.targetId),
        false
      );
      await options.record(entries);
    });
  };

  /**
   * Roles of the synced groups: creates the missing ones (one transaction for all: a first run may
   * bring thousands of groups) with their identity links. Returns externalId -> role id.
   */
  const applyRoles = async (
    plan: RolePlan,
    links: ReadonlyMap<string, RoleLink>,
    directoryName: string
  ): Promise<Map<string, number>> => {
    const created = new Map<string, number>();
    if (!plan.create.length) return created;
    if (dryRun) {
      await writePlanEntries(
        plan.create.map((role) => ({
          action: 'role.create',
          subject: role.name,
          externalId: role.externalId,
          details: { group: role.name },
        }))
      );
      return created;
    }
    await strapi.db.transaction(async ({ trx }) => {
      const roles = await target.createRoles(
        trx,
        plan.create.map((role) => ({
          name: role.name,
          description: role.description ?? `Synced from directory ${directoryName}`,
        }))
      );
      const rows = plan.create.map((role, i) => ({
        role,
        data: {
          directoryId,
          kind: 'role',
          externalId: role.externalId,
          targetUid: target.uid,
          targetId: roles[i].id,
          lastSeenAt: now(),
        },
      }));
      for (const { role, data } of rows.filter((row) => row.role.relink)) {
        const rowId = links.get(role.externalId)?.rowId;
        if (rowId) await strapi.db.query(UID.identity).update({ where: { id: rowId }, data });
      }
      const fresh = rows.filter((row) => !row.role.relink).map((row) => row.data);
      await insertRows(trx, identityTable, fresh);
      plan.create.forEach((role, i) => created.set(role.externalId, roles[i].id));
      await options.record(
        plan.create.map((role, i) =>
          audit('role.create', role.name, { externalId: role.externalId, roleId: roles[i].id })
        )
      );
    });
    return created;
  };

  /** Renames the roles whose group was renamed in the directory. */
  const applyRenames = async (renames: RoleRename[]) => {
    if (!renames.length || dryRun) return;
    await strapi.db.transaction(async ({ trx }) => {
      for (const rename of renames) await target.renameRole(trx, rename.id, rename.to);
      await options.record(
        renames.map((rename) =>
          audit('role.update', rename.to, {
            roleId: rename.id,
            changes: { name: { from: rename.from, to: rename.to } },
          })
        )
      );
    });
  };

  /**
   * Stores the directory's groups (new, changed, and in a full run the gone ones) for the panel, the
   * content API and delta runs, with their group.create / update / delete audit entries.
   * Returns the group rows by externalId.
   */
  const saveGroups = async (
    groups: [string, GroupState][],
    synced: (name: string) => boolean,
    removeGone: boolean,
    directoryName: string
  ): Promise<Map<string, number>> => {
    const stored = (await strapi.db.query(UID.group).findMany({
      where: { directoryId },
      select: [
        'id',
        'externalId',
        'name',
        'description',
        'members',
        'directMembers',
        'parentIds',
        'synced',
        'roleId',
      ],
    })) as Record<string, unknown>[];
    const rowIds = new Map(stored.map((row) => [String(row.externalId), Number(row.id)]));
    if (dryRun) return rowIds;
    const byExternal = new Map(stored.map((row) => [String(row.externalId), row]));
    const wanted = new Set(groups.map(([id]) => id));
    const same = (a: unknown, b: unknown) =>
      JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
    await strapi.db.transaction(async ({ trx }) => {
      const fresh: Record<string, unknown>[] = [];
      const entries: AuditInput[] = [];
      for (const [externalId, group] of groups) {
        const data = {
          directoryId,
          directoryName,
          externalId,
          name: group.name,
          description: group.description,
          members: group.members,
          directMembers: group.directMembers ?? null,
          parentIds: group.parents ?? null,
          memberCount: group.members.length,
          synced: synced(group.name),
          roleId: group.roleId,
        };
        const row = byExternal.get(externalId);
        if (!row) {
          fresh.push(data);
          entries.push(
            audit('group.create', group.name, { externalId, members: group.members.length })
          );
          continue;
        }
        const changes: Record<string, { from: unknown; to: unknown }> = {};
        for (const name of ['name', 'description'] as const)
          if ((row[name] ?? null) !== (data[name] ?? null))
            changes[name] = { from: row[name] ?? null, to: data[name] ?? null };
        if (
          Object.keys(changes).length ||
          Boolean(row.synced) !== data.synced ||
          (row.roleId ?? null) !== data.roleId ||
          !same(row.members, data.members) ||
          !same(row.directMembers, data.directMembers) ||
          !same(row.parentIds, data.parentIds)
        ) {
          await strapi.db.query(UID.group).update({ where: { id: row.id }, data });
        }
        if (Object.keys(changes).length)
          entries.push(audit('group.update', group.name, { externalId, changes }));
      }
      // Bulk rows with our own document ids: the query engine's createMany made a cuid2 id per row.
      const ids = await insertRows(trx, groupTable, fresh);
      fresh.forEach((data, i) => rowIds.set(String(data.externalId), ids[i]));
      if (removeGone) {
        const gone = stored.filter((row) => !wanted.has(String(row.externalId)));
        if (gone.length) {
          await strapi.db
            .query(UID.group)
            .deleteMany({ where: { id: { $in: gone.map((row) => row.id as number) } } });
          for (const row of gone) {
            rowIds.delete(String(row.externalId));
            entries.push(audit('group.delete', String(row.name), { externalId: row.externalId }));
          }
        }
      }
      await options.record(entries);
    });
    return rowIds;
  };

  /**
   * Writes the difference of the group -> user and group -> parent links; each added or removed
   * membership is audited (group.member.add / remove) unless `describe` says not to (a user created
   * in this run: its user.create entry records it).
   */
  const applyMemberships = async (
    users: LinkPlan,
    parents: LinkPlan,
    describe: (link: Link) => { subject: string; details: Record<string, unknown> } | null
  ) => {
    const count =
      users.add.length + users.remove.length + parents.add.length + parents.remove.length;
    if (!count) return;
    const entries: AuditInput[] = [];
    for (const [action, links] of [
      ['group.member.add', users.add],
      ['group.member.remove', users.remove],
    ] as const) {
      for (const link of links) {
        const described = describe(link);
        if (described) entries.push(audit(action, described.subject, described.details));
      }
    }
    if (dryRun) {
      await writeAuditAsPlan(entries);
      return;
    }
    await strapi.db.transaction(async ({ trx }) => {
      await target.writeGroupLinks(trx, users);
      await writeLinks(trx, parentLink, parents);
      await options.record(entries);
    });
  };

  const parentLink = groupTable.joinTable('parents');

  return {
    counts,
    applyRoleChanges,
    applyPage,
    applyLeavers,
    applyHeals,
    applyManagers,
    applyRoles,
    applyRenames,
    saveGroups,
    applyMemberships,
    setIdentityRows,
    writePlanEntries,
    audit,
    /** Gives a push the run row its held plan entries belong to. */
    attachRun(id: number) {
      runId = id;
    },
  };
};

export type Applier = ReturnType<typeof createApplier>;
