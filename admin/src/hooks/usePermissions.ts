import { useRBAC } from '@strapi/strapi/admin';
import { PERMISSIONS } from '../permissions';

/** What the signed-in admin may do with the plugin. */
export const usePermissions = () => {
  const main = useRBAC(PERMISSIONS.main);
  // audit.read ends in `.read` like the read action: checked on its own so the names do not clash.
  const audit = useRBAC(PERMISSIONS.audit);
  return {
    isLoading: main.isLoading || audit.isLoading,
    canRead: main.allowedActions.canRead ?? false,
    canUpdate: main.allowedActions.canUpdate ?? false,
    canRun: main.allowedActions.canRun ?? false,
    canAudit: audit.allowedActions.canRead ?? false,
  };
};
