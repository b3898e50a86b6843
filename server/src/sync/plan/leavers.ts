/**
 * Who leaves, and who is healed. Leavers are decided only from a complete enumeration (full runs) or
 * from what the source itself reports removed (delta rounds, pushes); both are held back until the
 * end of the run, where the disable threshold is decided (guards.ts).
 */
import type { RemovedUser } from '../../providers/types';
import type { StoredIdentity } from './users';

/** A leaver: a directory-owned user who is no longer in the source. */
export type LeaverEntry = {
  action: 'disable';
  externalId: string;
  targetId: number;
  subject: string;
  reason: string;
};

/**
 * Leavers of a full run: identities still active whose record was not seen in a complete
 * enumeration. Call only after the source was read to the end.
 */
export const planLeavers = (
  identities: Iterable<StoredIdentity & { subject?: string }>,
  seen: ReadonlySet<string>
): LeaverEntry[] => {
  const leavers: LeaverEntry[] = [];
  for (const identity of identities) {
    if (
      identity.state !== 'active' ||
      identity.targetId === null ||
      seen.has(identity.externalId)
    ) {
      continue;
    }
    leavers.push({
      action: 'disable',
      externalId: identity.externalId,
      targetId: identity.targetId,
      subject: identity.subject ?? identity.externalId,
      reason: 'no longer in the directory',
    });
  }
  return leavers;
};

const REMOVAL_REASONS: Record<RemovedUser['reason'], string> = {
  deleted: 'deleted in the directory',
  changed: 'removed from the directory',
  'out-of-scope': 'no longer in the groups this directory syncs',
};

/** Leavers of a delta round or a push: the removals the source reported, of active identities. */
export const planRemovals = (
  removed: Iterable<RemovedUser>,
  identities: ReadonlyMap<string, StoredIdentity>
): LeaverEntry[] => {
  const leavers = new Map<string, LeaverEntry>();
  for (const removal of removed) {
    const identity = identities.get(removal.externalId);
    if (!identity || identity.state !== 'active' || identity.targetId === null) continue;
    leavers.set(removal.externalId, {
      action: 'disable',
      externalId: removal.externalId,
      targetId: identity.targetId,
      subject: removal.externalId,
      reason: REMOVAL_REASONS[removal.reason] ?? 'removed from the directory',
    });
  }
  return [...leavers.values()];
};

/** A user blocked by hand in Strapi whose directory record is active: re-enabled by the run. */
export type HealEntry = { externalId: string; targetId: number; subject: string };

/**
 * Healing in delta rounds: identities the directory holds active whose Strapi row is blocked (by
 * hand, since the sync did not do it), and which this round did not already plan.
 */
export const planHeals = (
  identities: Iterable<StoredIdentity>,
  blockedIds: ReadonlySet<number>,
  planned: ReadonlySet<string>
): HealEntry[] => {
  const heals: HealEntry[] = [];
  for (const identity of identities) {
    if (identity.state !== 'active' || identity.targetId === null) continue;
    if (!blockedIds.has(identity.targetId) || planned.has(identity.externalId)) continue;
    heals.push({
      externalId: identity.externalId,
      targetId: identity.targetId,
      subject: identity.externalId,
    });
  }
  return heals;
};
