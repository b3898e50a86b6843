/** Audit actions the log can be filtered on (docs/API.md). */
export { AUDIT_ACTIONS } from '../../shared/contracts';
