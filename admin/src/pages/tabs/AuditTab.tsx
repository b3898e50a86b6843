import type { Directories } from '../../../../shared/contracts';
import { AuditLog } from '../../components/AuditLog';
import { Panel } from '../../components/Panel';
import { useT } from '../../hooks/useT';

/** Audit log of one directory. */
export const AuditTab = ({ directory }: { directory: Directories.Directory }) => {
  const t = useT();
  return (
    <Panel title={t('tabs.audit')} description={t('audit.directoryDescription')}>
      <AuditLog directoryId={directory.id} directories={[directory]} />
    </Panel>
  );
};
