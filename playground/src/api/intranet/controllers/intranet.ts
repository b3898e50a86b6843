/** The example routes' answers: the signed-in user's directory groups (direct and nested). */
import type { Core } from '@strapi/strapi';

const groupsOf = (strapi: Core.Strapi, userId: number) =>
  strapi.plugin('user-directory-sync').service('groups').ofUser(userId);

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  async editors(ctx: { state: { user: { id: number } }; body: unknown }) {
    ctx.body = { area: 'editors', groups: await groupsOf(strapi, ctx.state.user.id) };
  },
  async staff(ctx: { state: { user: { id: number } }; body: unknown }) {
    ctx.body = { area: 'staff', groups: await groupsOf(strapi, ctx.state.user.id) };
  },
});
