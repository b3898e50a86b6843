import { useState } from 'react';
import {
  Alert,
  Box,
  Button,
  Flex,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
  Field,
} from '@strapi/design-system';
import { Duplicate, Key, Trash } from '@strapi/icons';
import { Page, useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import type { Directories } from '../../../../shared/contracts';
import { useApiError } from '../../hooks/useApiError';
import { type MessageKey, useT } from '../../hooks/useT';
import { Panel } from '../Panel';
import { useScim } from './useScim';

const DATE = { dateStyle: 'medium', timeStyle: 'short' } as const;

/** A read-only value with a Copy button. */
const CopyField = ({ name, label, value }: { name: string; label: string; value: string }) => {
  const t = useT();
  const { toggleNotification } = useNotification();
  return (
    <Field.Root name={name}>
      <Field.Label>{label}</Field.Label>
      <Flex gap={2}>
        <Box flex="1">
          <TextInput name={name} value={value} readOnly aria-label={label} />
        </Box>
        <Button
          variant="secondary"
          startIcon={<Duplicate />}
          onClick={() =>
            void navigator.clipboard
              ?.writeText(value)
              .then(() => toggleNotification({ type: 'success', message: t('scim.copied') }))
          }
        >
          {t('scim.copy')}
        </Button>
      </Flex>
    </Field.Root>
  );
};

/** Connection tab of a SCIM directory: the tenant URL, and its tokens (generate, revoke). */
export const ScimConnection = ({
  directory,
  canUpdate,
}: {
  directory: Directories.Directory;
  canUpdate: boolean;
}) => {
  const t = useT();
  const { formatDate } = useIntl();
  const { notify, messageOf } = useApiError();
  const { toggleNotification } = useNotification();
  const scim = useScim(directory.id);
  const [issued, setIssued] = useState<{ token: string; rotated: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  if (scim.loading && !scim.data) return <Page.Loading />;
  if (!scim.data) return <Page.Error content={messageOf(scim.error)} />;
  const { baseUrl, tokens } = scim.data;

  const act = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
      scim.reload();
    } catch (error) {
      notify(error);
    } finally {
      setBusy(false);
    }
  };

  const headers: MessageKey[] = [
    'scim.tokens.hint',
    'scim.tokens.issuedBy',
    'scim.tokens.created',
    'scim.tokens.lastUsed',
    'list.actions',
  ];

  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="scim-connection">
      {!directory.enabled ? (
        <Alert variant="warning" closeLabel={t('form.close')} onClose={() => undefined}>
          {t('scim.disabled')}
        </Alert>
      ) : null}
      <Panel title={t('scim.connection.title')} description={t('scim.connection.description')}>
        <CopyField name="tenantUrl" label={t('scim.tenantUrl')} value={baseUrl} />
      </Panel>
      <Panel
        title={t('scim.tokens.title')}
        description={t('scim.tokens.description')}
        actions={
          <Button
            startIcon={<Key />}
            loading={busy}
            disabled={!canUpdate}
            onClick={() =>
              void act(async () => {
                const next = await scim.issueToken();
                setIssued({ token: next.token, rotated: next.revoked.length > 0 });
              })
            }
          >
            {t('scim.tokens.generate')}
          </Button>
        }
      >
        {issued ? (
          <Alert
            variant="success"
            title={t('scim.tokens.newTitle')}
            onClose={() => setIssued(null)}
            closeLabel={t('form.close')}
            data-testid="scim-new-token"
          >
            <Flex direction="column" alignItems="stretch" gap={2} paddingTop={2}>
              <Typography>{t('scim.tokens.newBody')}</Typography>
              <CopyField name="newToken" label={t('scim.tokens.hint')} value={issued.token} />
              {issued.rotated ? <Typography>{t('scim.tokens.rotated')}</Typography> : null}
            </Flex>
          </Alert>
        ) : null}
        {tokens.length === 0 ? (
          <Typography textColor="neutral600">{t('scim.tokens.none')}</Typography>
        ) : (
          <Table colCount={headers.length} rowCount={tokens.length + 1} data-testid="scim-tokens">
            <Thead>
              <Tr>
                {headers.map((header) => (
                  <Th key={header}>
                    <Typography variant="sigma">{t(header)}</Typography>
                  </Th>
                ))}
              </Tr>
            </Thead>
            <Tbody>
              {tokens.map((token) => (
                <Tr key={token.id} data-testid="scim-token-row">
                  <Td>
                    <Typography fontWeight="semiBold">{token.hint}</Typography>
                  </Td>
                  <Td>
                    <Typography>{token.issuedBy ?? '—'}</Typography>
                  </Td>
                  <Td>
                    <Typography>{formatDate(token.createdAt, DATE)}</Typography>
                  </Td>
                  <Td>
                    <Typography>
                      {token.lastUsedAt
                        ? formatDate(token.lastUsedAt, DATE)
                        : t('scim.tokens.never')}
                    </Typography>
                  </Td>
                  <Td>
                    <Button
                      variant="danger-light"
                      size="S"
                      startIcon={<Trash />}
                      disabled={!canUpdate || busy}
                      onClick={() =>
                        void act(async () => {
                          await scim.revokeToken(token.id);
                          toggleNotification({
                            type: 'success',
                            message: t('scim.tokens.revoked'),
                          });
                        })
                      }
                    >
                      {t('scim.tokens.revoke')}
                    </Button>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
        )}
      </Panel>
    </Flex>
  );
};
