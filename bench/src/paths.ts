/** Where things are, found from the compiled file's folder (bench/dist/bench/src) or the source. */
import fs from 'node:fs';
import path from 'node:path';

/** The repository root: the folder whose package.json is this plugin's. */
export const repoRoot = (): string => {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const name = (JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string }).name;
      if (name === 'strapi-plugin-user-directory-sync') return dir;
    }
    if (path.dirname(dir) === dir) throw new Error('bench: the repository root was not found');
  }
};

export const playgroundDir = () => path.join(repoRoot(), 'playground');
export const certsDir = () => path.join(repoRoot(), 'tests', 'fakes', 'certs');
