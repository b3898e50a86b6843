import type { Directories, Meta } from '../../../../shared/contracts';

/** What every settings tab of a directory receives. */
export type TabProps = {
  directory: Directories.Directory;
  definition: Meta.DirectoryType;
  /** PUT /directories/:id with only what the tab changes. */
  update: (body: Directories.UpdateBody) => Promise<Directories.Directory>;
  /** settings.update: without it the tab is read-only. */
  canUpdate: boolean;
};
