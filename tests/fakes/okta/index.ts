/** The fake Okta org: `startOktaFake(options)` and its types. */
export { startOktaFake, bucketOf } from './server';
export type {
  Fault,
  FaultOptions,
  OktaFake,
  OktaFakeOptions,
  Permissions,
  RateLimit,
  RequestLogEntry,
} from './server';
export { READ_SCOPES } from './auth';
export type { ServiceAppCredentials } from './auth';
export { USER_STATUSES } from './store';
export type { OktaStore, OktaUserStatus, StoredGroup, StoredUser } from './store';
