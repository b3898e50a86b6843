import { Page } from '@strapi/strapi/admin';
import { PERMISSIONS } from '../permissions';
import { AuditPage } from './AuditPage';

/** Settings > User Directory Sync > Audit log. */
const AuditApp = () => (
  <Page.Protect permissions={PERMISSIONS.audit}>
    <AuditPage />
  </Page.Protect>
);

export default AuditApp;
