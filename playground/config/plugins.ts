import path from 'path';
import type { Core } from '@strapi/strapi';

const allowedMediaTypes = [
  'image/*',
  'video/*',
  'audio/*',
  'application/pdf',
  'application/msword',
  'application/vnd.openxmlformats-officedocument.*',
  'text/plain',
  'text/csv',
];

const deniedTypes = [
  'image/svg+xml',
  'application/vnd.microsoft.portable-executable',
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-executable',
  'application/x-dosexec',
  'application/x-sh',
  'text/x-shellscript',
  'application/x-mach-binary',
];

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  'users-permissions': {
    config: {
      jwtManagement: 'refresh',
      sessions: {
        httpOnly: true,
        // The demo runs in production mode over plain http://localhost: a Secure refresh cookie
        // cannot be sent there (koa refuses, and POST /api/auth/local answered 500). Behind HTTPS,
        // set UP_REFRESH_COOKIE_SECURE=true.
        cookie: { secure: env.bool('UP_REFRESH_COOKIE_SECURE', false) },
      },
    },
  },
  upload: {
    config: {
      security: {
        allowedTypes: allowedMediaTypes,
        deniedTypes,
      },
    },
  },
  // The plugin of this repository, loaded from its built dist/ (npm run build at the root).
  // `resolve` must be absolute: the compiled config lives one folder deeper, in dist/config.
  'user-directory-sync': {
    enabled: true,
    resolve: path.resolve(__dirname, __filename.endsWith('.ts') ? '../..' : '../../..'),
    config: {
      allowHttp: env.bool('USER_DIRECTORY_SYNC_ALLOW_HTTP', false),
      scheduler: { enabled: env.bool('USER_DIRECTORY_SYNC_SCHEDULER', true) },
      leaseSeconds: env.int('USER_DIRECTORY_SYNC_LEASE_SECONDS', 120),
      csvMaxBytes: env.int('USER_DIRECTORY_SYNC_CSV_MAX_BYTES', 50 * 1024 * 1024),
    },
  },
});

export default config;
