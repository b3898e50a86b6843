/**
 * Step 4: who is disabled, decided once for the whole run. Every disable of the run waits here:
 * records the source marks disabled, a full run's leavers (only after a complete enumeration),
 * the removals a delta round or a push reported. The threshold is decided on all of them together,
 * against the directory's active users before the run; past it, nobody is disabled and the run is
 * held with its plan entries until an admin confirms it.
 */
import { checkDisableThreshold, type LeaverEntry } from '../plan';
import type { RunContext, RunState } from '../state';
import { identityRowIds, usernamesOf } from '../store';
import { applyEntries, screenDisables } from './users';

export const disableLeavers = async (
  ctx: RunContext,
  state: RunState,
  candidates: LeaverEntry[],
  /** Disables already applied in the push brake's window (pushes only). */
  recentDisables = 0
) => {
  ctx.checkCancel();
  const { applier } = ctx;
  const leavers = ctx.safety.onLeave === 'disable' ? candidates : [];
  const pending = state.pendingDisables.splice(0);
  if (!leavers.length && !pending.length) return;

  const usernames = await usernamesOf(
    ctx.strapi,
    ctx.target,
    leavers.map((leaver) => leaver.targetId)
  );
  for (const leaver of leavers) leaver.subject = usernames.get(leaver.targetId) ?? leaver.subject;
  const refusals = await screenDisables(
    ctx,
    leavers.map((leaver) => leaver.targetId)
  );
  const refused = leavers.filter((leaver) => refusals.has(leaver.targetId));
  const allowed = leavers.filter((leaver) => !refusals.has(leaver.targetId));
  await applier.applyPage(
    refused.map((leaver) => ({
      action: 'skip',
      externalId: leaver.externalId,
      subject: leaver.subject,
      reason: refusals.get(leaver.targetId) as string,
    }))
  );

  const verdict = checkDisableThreshold(
    allowed.length + pending.length + recentDisables,
    state.activeBefore,
    ctx.safety.maxDisablePercent,
    ctx.confirm
  );
  if (verdict.hold) {
    state.status = 'held-safety-threshold';
    state.message = verdict.message;
    await ctx.beforeHold?.();
    await applier.writePlanEntries([
      ...pending.map((entry) => ({
        action: 'user.disable',
        subject: entry.user.subject,
        externalId: entry.user.externalId,
        details: { reason: 'disabled in the directory', changes: entry.changes, held: true },
      })),
      ...allowed.map((leaver) => ({
        action: 'user.disable',
        subject: leaver.subject,
        externalId: leaver.externalId,
        details: { reason: leaver.reason, held: true },
      })),
    ]);
    return;
  }
  await ctx.progress('applying', state.done, state.total);
  await applyEntries(ctx, state, pending);
  if (!allowed.length) return;
  const rowIds = await identityRowIds(
    ctx.strapi,
    ctx.directory.id,
    allowed.map((leaver) => leaver.externalId)
  );
  await applier.applyLeavers(allowed, rowIds);
  for (const leaver of allowed) {
    const identity = state.identities.get(leaver.externalId);
    if (identity) identity.state = 'disabled';
  }
};
