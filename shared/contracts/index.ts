/** HTTP contracts shared by the server and the admin panel (see docs/API.md). */

export namespace Health {
  export type Response = { data: { version: string } };
}

export namespace Directories {
  export type Directory = {
    id: number;
    name: string;
    type: string;
    enabled: boolean;
    directoryKey: string;
    target: 'users-permissions' | 'admin';
    loginProvider: string;
    schedule: string;
    connection: Record<string, unknown>;
    secrets: Record<string, 'set' | 'not set'>;
    userGroups: string[];
    lastRunAt: string | null;
    nextRunAt: string | null;
  };
  export type List = { data: Directory[] };
}
