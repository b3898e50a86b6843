export const PLUGIN_ID = 'user-directory-sync';

/** Base path of the plugin's admin API. */
export const API = `/${PLUGIN_ID}`;
