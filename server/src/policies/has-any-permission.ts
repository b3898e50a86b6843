/**
 * `plugin::user-directory-sync.has-any-permission`: lets a request through when the admin holds at
 * least one of the listed actions (Strapi's own `admin::hasPermissions` needs all of them).
 */
type PolicyContext = { state: { userAbility?: { can(action: string): boolean } } };

const hasAnyPermission = (ctx: PolicyContext, config: { actions: string[] }) =>
  config.actions.some((action) => ctx.state.userAbility?.can(action) ?? false);

export default hasAnyPermission;
