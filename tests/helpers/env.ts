/**
 * Environment for API tests: Strapi reads .env from the current folder (the repository root, which
 * has none), so the secrets a Strapi app needs are set here. Each test file gets its own SQLite file.
 */
process.env.APP_KEYS ??= 'testKeyA,testKeyB';
process.env.API_TOKEN_SALT ??= 'test-api-token-salt';
process.env.ADMIN_JWT_SECRET ??= 'test-admin-jwt-secret';
process.env.TRANSFER_TOKEN_SALT ??= 'test-transfer-token-salt';
process.env.JWT_SECRET ??= 'test-jwt-secret';
process.env.ENCRYPTION_KEY ??= 'test-encryption-key';
process.env.DATABASE_CLIENT ??= 'sqlite';
process.env.USER_DIRECTORY_SYNC_SCHEDULER ??= 'false';
process.env.STRAPI_TELEMETRY_DISABLED = 'true';
process.env.STRAPI_DISABLE_UPDATE_NOTIFICATION = 'true';
process.env.BROWSER = 'none';
process.env.STRAPI_LOG_LEVEL ??= 'warn';
