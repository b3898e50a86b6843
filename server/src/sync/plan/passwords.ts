/**
 * Passwords: which password a user the sync creates gets. Safe by default: users who sign in
 * through a provider (SSO) and admin users get none; local users get a random one nobody knows
 * (they set their own through Strapi's forgot-password flow) unless an admin chose one shared
 * password for the directory, which the panel marks as unsafe and the audit records.
 */

import type { PASSWORD_POLICIES } from '../../../../shared/contracts';

/** The directory's choice for local users: random (default) or one shared password. */
export type PasswordPolicy = (typeof PASSWORD_POLICIES)[number];

/** What a run does about passwords. */
export type PasswordMode =
  /** No password at all (SSO sign-in, admin users). Source passwords are ignored too. */
  | 'none'
  /** The source's password where it gives one, else a random unusable one. */
  | 'random'
  /** The source's password where it gives one, else the directory's shared password. */
  | 'shared';

export const passwordMode = (input: {
  /** false for admin users: they sign in through SSO, the sync never gives them a password. */
  targetTakesPasswords: boolean;
  /** The users-permissions `provider` synced users get (`local` signs in with a password). */
  loginProvider: string | null;
  policy: PasswordPolicy;
  /** Whether the shared password secret is set. */
  hasSharedPassword: boolean;
}): PasswordMode => {
  if (!input.targetTakesPasswords || input.loginProvider !== 'local') return 'none';
  return input.policy === 'shared' && input.hasSharedPassword ? 'shared' : 'random';
};
