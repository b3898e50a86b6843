/**
 * The planner: pure. Given what the directory wants, the identity links already stored and the
 * current user rows, it says what to change. No Strapi, no I/O: every decision of a run lives in
 * this folder and is unit-tested on its own (server/src/sync/__tests__/).
 *
 *   users.ts      the per-field diff, create / update / enable / disable / conflict per record
 *   guards.ts     refusals by the target turned into skips, the licence room, the threshold verdict
 *   roles.ts      which role(s) a user gets, which roles a run must create or rename
 *   leavers.ts    who leaves (full runs, delta removals), who is healed
 *   passwords.ts  which password a created user gets
 *   memberships.ts  group -> user and group -> parent links, as a difference with the stored ones
 */
export * from './users';
export * from './guards';
export * from './roles';
export * from './leavers';
export * from './passwords';
export * from './memberships';
