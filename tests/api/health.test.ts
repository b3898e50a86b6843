import { startApp, type TestApp } from '../helpers/strapi';
import { version } from '../../package.json';

describe('GET /user-directory-sync/health', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('answers 401 without a token', async () => {
    const res = await app.http().get('/user-directory-sync/health');
    expect(res.status).toBe(401);
  });

  it('answers 403 to an admin whose role lacks the read action', async () => {
    const token = await app.adminWith(['plugin::user-directory-sync.audit.read']);
    const res = await app
      .http()
      .get('/user-directory-sync/health')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(403);
  });

  it('answers the version to an admin with the read action', async () => {
    const token = await app.adminWith(['plugin::user-directory-sync.read']);
    const res = await app
      .http()
      .get('/user-directory-sync/health')
      .set('Authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { version } });
  });
});
