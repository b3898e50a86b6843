/**
 * The plugin's admin API as the panel and admins' scripts call it: requests with the super admin's
 * token, and a run started like the panel starts one and followed until it ends.
 */
import type { TestApp } from './strapi';

export type Run = {
  id: number;
  status: string;
  mode: string;
  dryRun: boolean;
  trigger: string;
  counts: Record<string, number>;
  progress: { phase: string; done: number; total: number | null };
  error: { code: string; message: string } | null;
};

export const pluginApi = (app: TestApp) => {
  const auth = () => ({ Authorization: `Bearer ${app.token}` });
  const prefix = (path: string) =>
    path.startsWith('/api/') || path.startsWith('/admin/') ? path : `/user-directory-sync${path}`;
  const api = {
    get: (path: string) => app.http().get(prefix(path)).set(auth()),
    post: (path: string, body?: object) => app.http().post(prefix(path)).set(auth()).send(body),
    put: (path: string, body: object) => app.http().put(prefix(path)).set(auth()).send(body),
    delete: (path: string) => app.http().delete(prefix(path)).set(auth()),

    /** Creates a directory and expects it saved; returns its id. */
    async createDirectory(body: object): Promise<number> {
      const res = await api.post('/directories', body);
      if (res.status !== 201)
        throw new Error(`directory not created: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.data.id as number;
    },

    /** Starts a run (POST .../runs), waits for it to end, and returns it as GET /runs/:id shows it. */
    async run(directoryId: number, body: object = {}): Promise<Run> {
      const started = await api.post(`/directories/${directoryId}/runs`, body);
      if (started.status !== 202)
        throw new Error(`run not started: ${started.status} ${JSON.stringify(started.body)}`);
      await app.strapi.plugin('user-directory-sync').service('runner').wait(started.body.data.id);
      return (await api.get(`/runs/${started.body.data.id}`)).body.data as Run;
    },
  };
  return api;
};

export type PluginApi = ReturnType<typeof pluginApi>;
