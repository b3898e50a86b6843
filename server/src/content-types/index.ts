import directory from './directory';
import identity from './identity';
import group from './group';
import syncRun from './sync-run';
import planEntry from './plan-entry';
import auditEntry from './audit-entry';
import scimResource from './scim-resource';
import scimToken from './scim-token';
import scimRequest from './scim-request';

export default {
  directory,
  identity,
  group,
  'sync-run': syncRun,
  'plan-entry': planEntry,
  'audit-entry': auditEntry,
  'scim-resource': scimResource,
  'scim-token': scimToken,
  'scim-request': scimRequest,
};
