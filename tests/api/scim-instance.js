/**
 * A second Strapi instance in its own process for the SCIM concurrency test: it loads the compiled
 * playground on the database the parent points it at (the inherited DATABASE_* variables), serves
 * HTTP on a free port of 127.0.0.1 and answers { ready: true, port } once listening.
 */
const path = require('node:path');
const { createStrapi } = require('@strapi/strapi');

const appDir = path.resolve(__dirname, '../../playground');

(async () => {
  const strapi = createStrapi({
    appDir,
    distDir: path.join(appDir, 'dist'),
    autoReload: false,
    serveAdminPanel: false,
  });
  await strapi.load();
  await strapi.server.mount();
  const server = strapi.server.httpServer;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.on('message', async (message) => {
    if (message.stop) {
      await strapi.destroy();
      process.exit(0);
    }
  });
  process.send({ ready: true, port: server.address().port });
})().catch((error) => {
  process.send?.({ error: error.message });
  process.exit(1);
});
