import directory from './directory';
import identity from './identity';
import group from './group';
import syncRun from './sync-run';
import planEntry from './plan-entry';
import auditEntry from './audit-entry';

export default {
  directory,
  identity,
  group,
  'sync-run': syncRun,
  'plan-entry': planEntry,
  'audit-entry': auditEntry,
};
