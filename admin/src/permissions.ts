/** The plugin's RBAC actions, as the pages and settings links check them. */
const action = (name: string) => [{ action: `plugin::user-directory-sync.${name}`, subject: null }];

export const PERMISSIONS = {
  read: action('read'),
  update: action('settings.update'),
  run: action('run'),
  audit: action('audit.read'),
  /** read, settings.update and run: their last parts differ (canRead, canUpdate, canRun). */
  main: [...action('read'), ...action('settings.update'), ...action('run')],
};
