/** Microsoft Entra ID (Azure AD) as a directory source, read through Microsoft Graph. */
export { createAzureProvider } from './provider';
export { isFullSyncDue, readOptions } from './settings';
export type { AzureConnection, AzureOptions, AzureState } from './settings';
