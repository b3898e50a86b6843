/** The Okta directory source: factory, connection type, helpers the engine uses. */
export { createOktaProvider } from './provider';
export type { OktaConnection, OktaOptions } from './connection';
export { DEFAULT_OKTA_OPTIONS, normalizeOrgUrl, readOktaOptions } from './connection';
export { isFullSyncDue, readOktaState } from './state';
export type { OktaState } from './state';
export { OKTA_SCOPES } from './client';
