/**
 * Guards: what stops or trims a plan. The target's refusals become skips, the licence limit stops
 * creations, and the disable threshold holds a run that would disable too many people.
 */
import type { PlanEntry } from './users';

export type SafetyVerdict = { hold: false } | { hold: true; share: number; message: string };

/**
 * Rule 4: a run that would disable more than the allowed share of the directory's active users
 * holds. `activeUsers` are the directory's active users as they were before the run.
 */
export const checkDisableThreshold = (
  disables: number,
  activeUsers: number,
  maxDisablePercent: number,
  confirmed: boolean
): SafetyVerdict => {
  if (confirmed || disables === 0) return { hold: false };
  const share = activeUsers === 0 ? 100 : (disables / activeUsers) * 100;
  if (share <= maxDisablePercent) return { hold: false };
  return {
    hold: true,
    share,
    message: `This run would disable ${disables} of ${activeUsers} users (${share.toFixed(1)} %), more than the ${maxDisablePercent} % threshold. Nobody was disabled. Check the source, then confirm the run to apply it.`,
  };
};

/** Rule 5: how many of the planned creations fit under the licence limit. */
export const licenceRoom = (limit: number | null, activeUsers: number): number =>
  limit === null ? Number.POSITIVE_INFINITY : Math.max(0, limit - activeUsers);

export type GuardedPage = {
  entries: PlanEntry[];
  /** Room left under the licence limit after this page. */
  licenceLeft: number;
  /** Subjects not created because the licence limit was reached. */
  notCreated: string[];
};

/**
 * Applies the target's refusals (a disable it will not do becomes a skip with its reason) and the
 * licence limit (an active creation past the limit becomes a skip) to one page of the plan.
 */
export const guardPage = (
  entries: PlanEntry[],
  refusals: ReadonlyMap<number, string>,
  licenceLeft: number
): GuardedPage => {
  const out: PlanEntry[] = [];
  const notCreated: string[] = [];
  let left = licenceLeft;
  for (const entry of entries) {
    if (entry.action === 'disable' && refusals.has(entry.targetId)) {
      out.push({
        action: 'skip',
        externalId: entry.user.externalId,
        subject: entry.user.subject,
        reason: refusals.get(entry.targetId) as string,
      });
      continue;
    }
    if (entry.action === 'create' && !entry.user.blocked) {
      if (left <= 0) {
        notCreated.push(entry.user.subject);
        out.push({
          action: 'skip',
          externalId: entry.user.externalId,
          subject: entry.user.subject,
          reason: 'licence limit reached: not created',
        });
        continue;
      }
      left -= 1;
    }
    out.push(entry);
  }
  return { entries: out, licenceLeft: left, notCreated };
};

/** The run's closing message when creations stopped at the licence limit. */
export const licenceMessage = (limit: number | null, notCreated: string[]) =>
  `The licence limit of ${limit} active users was reached: ${notCreated.length} users were not created (${notCreated.slice(0, 10).join(', ')}${notCreated.length > 10 ? ', ...' : ''}).`;
