export const PLUGIN_ID = 'user-directory-sync';
