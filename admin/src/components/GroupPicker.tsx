import { useEffect, useMemo, useState } from 'react';
import { Box, Checkbox, Flex, Loader, Searchbar, Tag, Typography } from '@strapi/design-system';
import { Cross } from '@strapi/icons';
import { useApiError } from '../hooks/useApiError';
import { useGroups } from '../hooks/useGroups';
import { useT } from '../hooks/useT';

type Props = {
  directoryId: number;
  selected: string[];
  onChange: (selected: string[]) => void;
  disabled?: boolean;
  error?: string;
};

/** The groups whose users are synced: picked from the source's groups, searched by name. */
export const GroupPicker = ({ directoryId, selected, onChange, disabled, error }: Props) => {
  const t = useT();
  const { messageOf } = useApiError();
  const [search, setSearch] = useState('');
  const groups = useGroups(directoryId, search);
  // Names of the groups seen so far, for the tags of selected groups outside the current search.
  const [names, setNames] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!groups.data?.length) return;
    setNames((known) => ({
      ...known,
      ...Object.fromEntries(groups.data!.map((group) => [group.externalId, group.name])),
    }));
  }, [groups.data]);
  const chosen = useMemo(() => new Set(selected), [selected]);
  const toggle = (externalId: string, on: boolean) =>
    onChange(on ? [...selected, externalId] : selected.filter((id) => id !== externalId));

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Flex direction="column" alignItems="stretch" gap={1}>
        <Typography variant="pi" fontWeight="bold" textColor="neutral800">
          {t('settings.userGroups')}
        </Typography>
        <Typography variant="pi" textColor="neutral600">
          {t('settings.userGroupsHint')}
        </Typography>
      </Flex>
      <Flex gap={2} wrap="wrap" data-testid="selected-groups">
        {selected.length === 0 ? (
          <Typography variant="pi" textColor="neutral600">
            {t('settings.noGroupSelected')}
          </Typography>
        ) : null}
        {selected.map((id) => (
          <Tag
            key={id}
            icon={<Cross />}
            disabled={disabled}
            label={t('settings.removeGroup', { name: names[id] ?? id })}
            onClick={() => toggle(id, false)}
          >
            {names[id] ?? id}
          </Tag>
        ))}
      </Flex>
      <Searchbar
        name="group-search"
        value={search}
        clearLabel={t('form.clear')}
        onClear={() => setSearch('')}
        onChange={(event: React.ChangeEvent<HTMLInputElement>) => setSearch(event.target.value)}
        placeholder={t('settings.searchGroups')}
      >
        {t('settings.searchGroups')}
      </Searchbar>
      <Box
        borderColor="neutral200"
        hasRadius
        padding={3}
        maxHeight="240px"
        overflow="auto"
        data-testid="group-list"
      >
        {groups.loading ? <Loader small>{t('form.loading')}</Loader> : null}
        {groups.error ? (
          <Typography textColor="danger600">{messageOf(groups.error)}</Typography>
        ) : null}
        {!groups.loading && groups.data?.length === 0 ? (
          <Typography textColor="neutral600">{t('settings.noGroupFound')}</Typography>
        ) : null}
        <Flex direction="column" alignItems="stretch" gap={2}>
          {(groups.data ?? []).map((group) => (
            <Checkbox
              key={group.externalId}
              checked={chosen.has(group.externalId)}
              disabled={disabled}
              onCheckedChange={(on) => toggle(group.externalId, on === true)}
            >
              {group.name}
              {group.description ? ` — ${group.description}` : ''}
            </Checkbox>
          ))}
        </Flex>
      </Box>
      {error ? (
        <Typography variant="pi" textColor="danger600">
          {error}
        </Typography>
      ) : null}
    </Flex>
  );
};
