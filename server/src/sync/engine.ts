/**
 * One run: fetch from the provider page by page, plan each page against what is stored, apply it,
 * then (after a complete enumeration only) disable the leavers and set the managers.
 *
 *   provider.listSyncGroups -> groups + roles
 *   provider.listUsers      -> map -> planPage -> applyPage   (one transaction per page)
 *   leavers                 -> threshold check -> applyLeavers
 *   managers                -> applyManagers
 */
import bcrypt from 'bcryptjs';
import type { Core } from '@strapi/strapi';
import { UID } from '../constants';
import type {
  DirectoryChanges,
  DirectoryGroup,
  DirectoryProvider,
  DirectoryUser,
} from '../providers/types';
import type { AuditInput } from '../services/audit';
import type { DirectoryRow } from '../services/directories';
import { DEFAULT_GROUP_SYNC, DEFAULT_SAFETY } from '../services/directories';
import { createApplier, type ApplyCounts } from './apply';
import { CancelledError, DeltaExpiredError } from '../providers/errors';
import { createDuplicateGuard, digest, mapUser, type MappingRow } from './map';
import {
  wantedRoles,
  checkDisableThreshold,
  licenceRoom,
  pickRoles,
  planLeavers,
  planPage,
  type LeaverEntry,
  type PlanEntry,
  type PlannedUser,
  type StoredIdentity,
} from './plan';
import { chunks, tableInfo } from '../db/sql';
import type { SyncTarget } from './targets/types';
import {
  findRoleRenames,
  identityRowIds,
  loadStoredGroups,
  saveGroups,
  usernamesOf,
  type GroupState,
} from './store';

export type RunCounts = ApplyCounts & { seen: number; groups: number; roleChanges: number };

export type RunOutcome = {
  status: 'succeeded' | 'stopped-licence-limit' | 'held-safety-threshold';
  counts: RunCounts;
  mode: 'full' | 'delta';
  message: string | null;
  /** Provider state to store for the next run (delta links, file fingerprint). */
  state: Record<string, unknown> | null;
};

export type EngineOptions = {
  strapi: Core.Strapi;
  directory: DirectoryRow;
  provider: DirectoryProvider;
  target: SyncTarget;
  runId: number;
  dryRun: boolean;
  confirm: boolean;
  actor: string;
  signal: AbortSignal;
  record: (entries: AuditInput[]) => Promise<void>;
  progress: (
    phase: 'fetching' | 'planning' | 'applying' | 'done',
    done: number,
    total: number | null
  ) => Promise<void>;
  /** The directory's default password (a secret) for users the source gives none. */
  defaultPassword: string | null;
  /** Users per transaction (pages are gathered up to this size). */
  batchSize: number;
  /** Ignore the saved delta state and enumerate everything. */
  forceFull: boolean;
  log: { info(message: string): void };
};

export const runSync = async (options: EngineOptions): Promise<RunOutcome> => {
  const { strapi, directory, provider, target, runId, dryRun, signal } = options;
  const started = Date.now();
  const directoryId = directory.id;
  const safety = { ...DEFAULT_SAFETY, ...(directory.safety ?? {}) };
  const groupSync = directory.groupSync ?? DEFAULT_GROUP_SYNC;
  const mapping: MappingRow[] = directory.mapping ?? [];
  const targetFields = new Set(target.mappableFields());
  const fieldNames = [
    ...new Set([
      'username',
      'email',
      'firstname',
      'lastname',
      'displayName',
      ...mapping.map((row) => row.target),
    ]),
  ].filter((name) => targetFields.has(name));
  const applier = createApplier({
    strapi,
    target,
    directoryId,
    runId,
    dryRun,
    actor: options.actor,
    record: options.record,
  });
  const counts: RunCounts = Object.assign(applier.counts, { seen: 0, groups: 0, roleChanges: 0 });
  const checkCancel = () => {
    if (signal.aborted) throw new CancelledError();
  };

  // --- Stored state: identity links of users and roles, groups.
  const identities = new Map<string, StoredIdentity>();
  const roleIdentities = new Map<string, { rowId: number; targetId: number | null }>();
  // One query, no ORDER BY / OFFSET: paging with offsets re-sorted the table for every page.
  const identityTable = tableInfo(strapi, UID.identity);
  const c = (name: string) => identityTable.column(name);
  const identityRows: Record<string, unknown>[] = await strapi.db
    .connection(identityTable.table)
    .select('id', c('kind'), c('externalId'), c('targetId'), c('hash'), c('state'), c('profile'))
    .where(c('directoryId'), directoryId);
  for (const row of identityRows) {
    const externalId = String(row[c('externalId')]);
    const targetId = row[c('targetId')] === null ? null : Number(row[c('targetId')]);
    if (row[c('kind')] === 'role')
      roleIdentities.set(externalId, { rowId: Number(row.id), targetId });
    if (row[c('kind')] !== 'user') continue;
    const rawProfile = row[c('profile')];
    const profile = (typeof rawProfile === 'string' ? JSON.parse(rawProfile) : rawProfile) as {
      passwordDigest?: string;
    } | null;
    identities.set(externalId, {
      rowId: Number(row.id),
      externalId,
      targetId,
      hash: (row[c('hash')] as string | null) ?? null,
      state: row[c('state')] === 'disabled' ? 'disabled' : 'active',
      passwordDigest: profile?.passwordDigest ?? null,
    });
  }
  identityRows.length = 0;

  // --- Groups -> roles.
  /** Whether a group (by name) is synced as a role: groupSync all / regex / none. */
  const groupFilter = (name: string) => {
    if (groupSync.mode === 'all') return true;
    if (groupSync.mode === 'regex') return new RegExp(groupSync.pattern ?? '^$').test(name);
    return false;
  };
  const groups = new Map<string, GroupState>();
  const memberships = new Map<string, string[]>();
  const addGroup = (group: DirectoryGroup) => {
    const roleId = roleIdentities.get(group.externalId)?.targetId ?? null;
    groups.set(group.externalId, {
      name: group.name,
      description: group.description,
      members: group.members,
      roleId,
    });
  };
  const rebuildMemberships = () => {
    memberships.clear();
    for (const [groupId, group] of groups) {
      for (const member of group.members) {
        const list = memberships.get(member);
        if (list) list.push(groupId);
        else memberships.set(member, [groupId]);
      }
    }
  };

  const syncRoles = async () => {
    const synced = [...groups.entries()].filter(([, group]) => groupFilter(group.name));
    const existing = await target.existingRoleIds(
      [...roleIdentities.values()].map((r) => r.targetId).filter((id): id is number => id !== null)
    );
    const missing: { externalId: string; group: GroupState }[] = [];
    for (const [externalId, group] of synced) {
      const identity = roleIdentities.get(externalId);
      if (identity?.targetId != null && existing.has(identity.targetId))
        group.roleId = identity.targetId;
      else missing.push({ externalId, group });
    }
    counts.roleChanges += missing.length;
    if (dryRun) {
      await applier.writePlanEntries(
        missing.map(({ externalId, group }) => ({
          action: 'role.create',
          subject: group.name,
          externalId,
          details: { group: group.name },
        }))
      );
    } else if (missing.length) {
      // One transaction for all new roles: a first run may bring thousands of groups.
      const created = await strapi.db.transaction(async ({ trx }) => {
        const roles = await target.createRoles(
          trx,
          missing.map(({ group }) => ({
            name: group.name,
            description: group.description ?? `Synced from directory ${directory.name}`,
          }))
        );
        const data = missing.map(({ externalId }, i) => ({
          directoryId,
          kind: 'role',
          externalId,
          targetUid: target.uid,
          targetId: roles[i].id,
          lastSeenAt: new Date(),
        }));
        const relinked = data.filter((row) => roleIdentities.has(row.externalId));
        for (const row of relinked) {
          await strapi.db
            .query(UID.identity)
            .update({ where: { id: roleIdentities.get(row.externalId)!.rowId }, data: row });
        }
        const fresh = data.filter((row) => !roleIdentities.has(row.externalId));
        for (const chunk of chunks(fresh, 500))
          await strapi.db.query(UID.identity).createMany({ data: chunk });
        return roles;
      });
      missing.forEach(({ externalId, group }, i) => {
        group.roleId = created[i].id;
        roleIdentities.set(externalId, {
          rowId: roleIdentities.get(externalId)?.rowId ?? 0,
          targetId: created[i].id,
        });
      });
      await options.record(
        missing.map(({ externalId, group }, i) =>
          applier.audit('role.create', group.name, { externalId, roleId: created[i].id })
        )
      );
    }
    // Renamed groups rename the roles the sync created.
    const renames = await findRoleRenames(
      strapi,
      target,
      synced.map(([, g]) => g)
    );
    for (const rename of renames) {
      counts.roleChanges += 1;
      if (!dryRun) {
        await strapi.db.transaction(({ trx }) => target.renameRole(trx, rename.id, rename.to));
        await options.record([
          applier.audit('role.update', rename.to, {
            roleId: rename.id,
            changes: { name: { from: rename.from, to: rename.to } },
          }),
        ]);
      }
    }
    for (const [externalId, group] of groups)
      if (!synced.some(([id]) => id === externalId)) group.roleId = null;
    counts.groups = synced.length;
  };

  const mappedRoles = (
    await target.findRolesByName((groupSync.roles ?? []).map((row) => row.role))
  ).flatMap((role) =>
    (groupSync.roles ?? [])
      .filter((row) => row.role === role.name || row.role === role.code)
      .map((row) => ({ group: row.group, roleId: role.id }))
  );
  const defaultRoles = await target.defaultRoleIds();
  const managedRoleIds = () =>
    new Set<number>([
      ...[...roleIdentities.values()]
        .map((r) => r.targetId)
        .filter((id): id is number => id !== null),
      ...mappedRoles.map((row) => row.roleId),
    ]);

  // --- Users.
  const guard = createDuplicateGuard();
  const seen = new Set<string>();
  const managers = new Map<string, string | null>();
  const createdThisRun = new Set<string>();
  let licenceLeft = licenceRoom(safety.licenceLimit, await target.countActive());
  const notCreated: string[] = [];
  // The default password is hashed once per run, and only if someone needs it.
  let defaultHash: string | null = null;
  const defaultPasswordHash = async () => {
    if (options.defaultPassword && defaultHash === null && !dryRun)
      defaultHash = await bcrypt.hash(options.defaultPassword, 10);
    return defaultHash;
  };
  let done = 0;

  const processUsers = async (users: DirectoryUser[], total: number | null) => {
    checkCancel();
    counts.seen += users.length;
    const planned: PlannedUser[] = [];
    const entries: PlanEntry[] = [];
    const passwords = new Map<string, string>();
    for (const user of users) {
      seen.add(user.externalId);
      const mapped = mapUser(user, mapping);
      if (!mapped.ok) {
        entries.push({
          action: 'skip',
          externalId: mapped.externalId,
          subject: mapped.subject,
          reason: `${mapped.reason} (${mapped.origin})`,
        });
        continue;
      }
      const duplicate = guard(mapped.user);
      if (duplicate) {
        entries.push({
          action: 'skip',
          externalId: null,
          subject: mapped.user.subject,
          reason: duplicate,
        });
        continue;
      }
      if (mapped.password) passwords.set(user.externalId, mapped.password);
      managers.set(user.externalId, mapped.user.managerExternalId);
      const groupIds = [
        ...new Set([...mapped.user.groupExternalIds, ...(memberships.get(user.externalId) ?? [])]),
      ];
      const roleIds = pickRoles(groupIds, mappedRoles, groups, target.singleRole);
      const { fields, profile } = splitFields(mapped.user.fields, targetFields);
      if (!target.hasManager) profile.managerExternalId = mapped.user.managerExternalId;
      const withRoles = {
        ...mapped.user,
        fields,
        profile: Object.keys(profile).length ? profile : undefined,
        roleIds: roleIds.length ? roleIds : defaultRoles,
        hash: '',
      };
      withRoles.hash = digest(
        JSON.stringify([
          withRoles.fields,
          withRoles.blocked,
          withRoles.roleIds,
          withRoles.managerExternalId,
          withRoles.profile ?? null,
        ])
      );
      planned.push(withRoles);
    }
    const targetIds = planned
      .map((user) => identities.get(user.externalId)?.targetId)
      .filter((id): id is number => typeof id === 'number');
    const current = await target.loadUsers(targetIds, fieldNames);
    const unlinked = planned.filter(
      (user) => !current.has(identities.get(user.externalId)?.targetId ?? -1)
    );
    const localMatches = await target.findByLogin(
      unlinked.map((user) => user.fields.username as string),
      unlinked.map((user) => user.fields.email).filter((email): email is string => !!email)
    );
    const policy = {
      loginProvider: target.loginProvider,
      managedRoleIds: managedRoleIds(),
      singleRole: target.singleRole,
    };
    const pagePlan = planPage(planned, { identities, current, localMatches, policy });
    const refusals = await screen(
      pagePlan.flatMap((entry) => (entry.action === 'disable' ? [entry.targetId] : []))
    );
    for (const entry of pagePlan) {
      if (entry.action === 'disable' && refusals.has(entry.targetId)) {
        entries.push({
          action: 'skip',
          externalId: entry.user.externalId,
          subject: entry.user.subject,
          reason: refusals.get(entry.targetId) as string,
        });
        continue;
      }
      if (entry.action === 'create' && !entry.user.blocked) {
        if (licenceLeft <= 0) {
          notCreated.push(entry.user.subject);
          entries.push({
            action: 'skip',
            externalId: entry.user.externalId,
            subject: entry.user.subject,
            reason: 'licence limit reached: not created',
          });
          continue;
        }
        licenceLeft -= 1;
      }
      entries.push(entry);
    }
    applier.setIdentityRows(
      new Map(
        planned.flatMap((user) => {
          const rowId = identities.get(user.externalId)?.rowId;
          return rowId ? [[user.externalId, rowId] as const] : [];
        })
      )
    );
    const needsDefault = entries.some(
      (entry) => entry.action === 'create' && !passwords.has(entry.user.externalId)
    );
    const hash = needsDefault ? await defaultPasswordHash() : null;
    const { identities: written, created } = await applier.applyPage(entries, {
      byExternalId: passwords,
      defaultHash: hash,
    });
    for (const externalId of created.keys()) createdThisRun.add(externalId);
    for (const update of written) {
      const existing = identities.get(update.externalId);
      identities.set(update.externalId, {
        rowId: existing?.rowId ?? -1,
        externalId: update.externalId,
        targetId: update.targetId,
        hash: update.hash,
        state: update.state,
        passwordDigest: update.passwordDigest ?? existing?.passwordDigest ?? null,
      });
    }
    done += users.length;
    await options.progress('fetching', done, total);
  };

  /** Records the source left out itself are audited, and their people are not treated as leavers. */
  const recordSourceSkips = async () => {
    const skipped = provider.skipped?.() ?? [];
    for (const record of skipped) if (record.externalId) seen.add(record.externalId);
    await applier.applyPage(
      skipped.map((record) => ({
        action: 'skip',
        externalId: record.externalId,
        subject: record.externalId ?? record.origin,
        reason: `${record.reason} (${record.origin})`,
      })),
      { byExternalId: new Map(), defaultHash: null }
    );
  };

  /** Re-plans only the roles of directory users whose groups changed (delta rounds). */
  const reassignRoles = async (externalIds: string[]) => {
    const policy = { managedRoleIds: managedRoleIds(), singleRole: target.singleRole };
    for (const chunk of chunks(externalIds, options.batchSize)) {
      const byTarget = new Map<number, string>();
      for (const externalId of chunk) {
        const identity = identities.get(externalId);
        if (identity?.state === 'active' && identity.targetId !== null)
          byTarget.set(identity.targetId, externalId);
      }
      const current = await target.loadUsers([...byTarget.keys()], ['username']);
      const changes = [];
      for (const [targetId, externalId] of byTarget) {
        const row = current.get(targetId);
        if (!row) continue;
        const picked = pickRoles(
          memberships.get(externalId) ?? [],
          mappedRoles,
          groups,
          target.singleRole
        );
        const to = wantedRoles(row.roleIds, picked.length ? picked : defaultRoles, policy);
        const from = [...row.roleIds].sort((a, b) => a - b);
        if (to.length && from.join(',') !== to.join(',')) {
          changes.push({
            targetId,
            externalId,
            subject: row.fields.username ?? externalId,
            from,
            to,
          });
        }
      }
      await applier.applyRoleChanges(changes);
    }
  };

  /** Disables the target refuses (admin users: the acting admin, the last super admin). */
  const screen = async (ids: number[]) =>
    ids.length && target.screenDisables
      ? target.screenDisables(ids, options.actor)
      : new Map<number, string>();

  const applyLeavers = async (candidates: LeaverEntry[]) => {
    if (!candidates.length) return;
    const usernames = await usernamesOf(
      strapi,
      target,
      candidates.map((leaver) => leaver.targetId)
    );
    for (const leaver of candidates)
      leaver.subject = usernames.get(leaver.targetId) ?? leaver.subject;
    const refusals = await screen(candidates.map((leaver) => leaver.targetId));
    const leavers = candidates.filter((leaver) => !refusals.has(leaver.targetId));
    if (refusals.size) {
      await options.record(
        candidates
          .filter((leaver) => refusals.has(leaver.targetId))
          .map((leaver) =>
            applier.audit('user.skip', leaver.subject, {
              externalId: leaver.externalId,
              reason: refusals.get(leaver.targetId),
            })
          )
      );
    }
    if (!leavers.length) return;
    const rowIds = await identityRowIds(
      strapi,
      directoryId,
      leavers.map((leaver) => leaver.externalId)
    );
    await applier.applyLeavers(leavers, rowIds);
    for (const leaver of leavers) {
      const identity = identities.get(leaver.externalId);
      if (identity) identity.state = 'disabled';
    }
  };

  const applyManagers = async () => {
    const byExternal = new Map<string, number>();
    for (const identity of identities.values())
      if (identity.targetId !== null) byExternal.set(identity.externalId, identity.targetId);
    const wanted = [...managers.entries()]
      .map(([externalId, managerExternalId]) => ({
        id: byExternal.get(externalId),
        managerId: managerExternalId ? (byExternal.get(managerExternalId) ?? null) : null,
        externalId,
      }))
      .filter(
        (row): row is { id: number; managerId: number | null; externalId: string } =>
          row.id !== undefined
      );
    const current = await target.loadManagers(wanted.map((row) => row.id));
    const changed = wanted.filter((row) => (current.get(row.id) ?? null) !== row.managerId);
    // A user created in this run gets its first manager without an audit entry of its own:
    // its user.create entry already records the creation. Every later change is audited.
    const audited = changed.filter((row) => !createdThisRun.has(row.externalId));
    const usernames = await usernamesOf(
      strapi,
      target,
      audited.map((row) => row.id)
    );
    for (const chunk of chunks(changed, 2000)) {
      await applier.applyManagers(
        chunk.map((row) => ({
          ...row,
          subject: usernames.get(row.id) ?? row.externalId,
          from: current.get(row.id) ?? null,
          audit: !createdThisRun.has(row.externalId),
        }))
      );
    }
  };

  // --- Delta or full.
  const state = directory.state ?? {};
  let mode: 'full' | 'delta' = 'full';
  if (
    !options.forceFull &&
    provider.changesSince &&
    Object.keys(state).length &&
    provider.fullSyncDue?.(new Date()) !== true
  ) {
    try {
      mode = 'delta';
      await loadStoredGroups(strapi, directoryId, addGroup);
      rebuildMemberships();
      for await (const changes of provider.changesSince(state)) {
        await applyDelta(changes);
      }
    } catch (error) {
      if (!(error instanceof DeltaExpiredError)) throw error;
      options.log.info(
        `[user-directory-sync] ${directory.name}: ${error.message} Running a full sync.`
      );
      mode = 'full';
      groups.clear();
    }
  }

  async function applyDelta(changes: DirectoryChanges) {
    checkCancel();
    // Members whose set of groups changes need their roles re-planned, even when the source
    // reports no change to the user record itself.
    let regrouped: string[] = [];
    if (changes.groups.length) {
      const touched = new Set<string>();
      for (const group of changes.groups) {
        for (const member of groups.get(group.externalId)?.members ?? []) touched.add(member);
        for (const member of group.members) touched.add(member);
      }
      const key = (id: string) => [...(memberships.get(id) ?? [])].sort().join('\n');
      const before = new Map([...touched].map((id) => [id, key(id)]));
      for (const group of changes.groups) addGroup(group);
      rebuildMemberships();
      await syncRoles();
      if (!dryRun) await saveGroups(strapi, directoryId, [...groups.entries()], groupFilter);
      regrouped = [...touched].filter((id) => before.get(id) !== key(id));
    }
    const replanned = new Set(changes.users.map((user) => user.externalId));
    if (changes.users.length) await processUsers(changes.users, null);
    await reassignRoles(regrouped.filter((id) => !replanned.has(id)));
    const removed = changes.removed
      .map((r) => identities.get(r.externalId))
      .filter(
        (identity): identity is StoredIdentity =>
          !!identity && identity.state === 'active' && identity.targetId !== null
      )
      .map((identity): LeaverEntry => ({
        action: 'disable',
        externalId: identity.externalId,
        targetId: identity.targetId as number,
        subject: identity.externalId,
        reason: 'removed from the directory',
      }));
    if (safety.onLeave === 'disable') await applyLeavers(removed);
  }

  let status: RunOutcome['status'] = 'succeeded';
  let message: string | null = null;
  if (mode === 'full') {
    const total = provider.countUsers ? await provider.countUsers() : null;
    await options.progress('fetching', 0, total);
    if (provider.unchanged?.() === true) {
      options.log.info(
        `[user-directory-sync] ${directory.name}: the source has not changed since the last run.`
      );
      await options.progress('done', 0, 0);
      return {
        status,
        counts,
        mode,
        message: 'The source has not changed since the last run: nothing to do.',
        state: provider.nextState?.() ?? null,
      };
    }
    for await (const page of provider.listSyncGroups()) {
      checkCancel();
      for (const group of page) addGroup(group);
    }
    rebuildMemberships();
    await syncRoles();
    if (!dryRun) await saveGroups(strapi, directoryId, [...groups.entries()], groupFilter);
    // Pages are gathered into batches of `batchSize` users: one transaction per batch.
    let batch: DirectoryUser[] = [];
    for await (const page of provider.listUsers()) {
      checkCancel();
      for (const user of page) batch.push(user);
      if (batch.length >= options.batchSize) {
        await processUsers(batch, total);
        batch = [];
      }
    }
    if (batch.length) await processUsers(batch, total);
    await recordSourceSkips();
    // Rule 1: only now, after a complete enumeration, may anyone be disabled.
    checkCancel();
    await options.progress('planning', done, total);
    const leavers = safety.onLeave === 'disable' ? planLeavers(identities.values(), seen) : [];
    const activeOwned = [...identities.values()].filter(
      (identity) => identity.state === 'active'
    ).length;
    const verdict = checkDisableThreshold(
      leavers.length,
      activeOwned,
      safety.maxDisablePercent,
      options.confirm
    );
    if (verdict.hold) {
      status = 'held-safety-threshold';
      message = verdict.message;
      await applier.writePlanEntries(
        leavers.map((leaver) => ({
          action: 'user.disable',
          subject: leaver.subject,
          externalId: leaver.externalId,
          details: { reason: leaver.reason, held: true },
        }))
      );
    } else {
      await options.progress('applying', done, total);
      await applyLeavers(leavers);
    }
  }
  checkCancel();
  if (target.hasManager) await applyManagers();
  if (notCreated.length && status === 'succeeded') {
    status = 'stopped-licence-limit';
    message = `The licence limit of ${safety.licenceLimit} active users was reached: ${notCreated.length} users were not created (${notCreated.slice(0, 10).join(', ')}${notCreated.length > 10 ? ', ...' : ''}).`;
  }
  options.log.info(
    `[user-directory-sync] ${directory.name}: read ${counts.seen} users and ${groups.size} groups in ${((Date.now() - started) / 1000).toFixed(1)} s (${mode}); created ${counts.created}, updated ${counts.updated}, disabled ${counts.disabled}, enabled ${counts.enabled}, unchanged ${counts.unchanged}, skipped ${counts.skipped}.`
  );
  await options.progress('done', done, done);
  return { status, counts, mode, message, state: provider.nextState?.() ?? null };
};

/** Splits mapped fields into the target's columns and the rest (kept on the identity link). */
const splitFields = (all: Record<string, string | null>, targetFields: ReadonlySet<string>) => {
  const fields: Record<string, string | null> = {};
  const profile: Record<string, string | null> = {};
  for (const [name, value] of Object.entries(all))
    (targetFields.has(name) ? fields : profile)[name] = value;
  return { fields, profile };
};
