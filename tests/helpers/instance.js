/**
 * A second Strapi instance in its own process, for the multi-instance tests: it loads the compiled
 * playground on the database the parent points it at, then obeys messages:
 *   { tick: isoDate }  -> runs one scheduler tick, answers { ticked: runIds }
 *   { start: directoryId } -> starts a run, answers { started: runId }
 * It answers { ready: true } once loaded. The parent kills it (SIGKILL) to simulate a crash.
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
  const plugin = strapi.plugin('user-directory-sync');
  process.on('message', async (message) => {
    try {
      if (message.tick) {
        const ticked = await plugin.service('scheduler').tick(new Date(message.tick));
        process.send({ ticked });
      } else if (message.start) {
        const run = await plugin
          .service('runner')
          .start(message.start, { trigger: 'api', actor: 'instance' });
        process.send({ started: run.id });
      } else if (message.stop) {
        await strapi.destroy();
        process.exit(0);
      }
    } catch (error) {
      process.send({ error: error.message });
    }
  });
  process.send({ ready: true });
})().catch((error) => {
  process.send?.({ error: error.message });
  process.exit(1);
});
