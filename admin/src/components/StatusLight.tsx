import { Box, Flex, Typography } from '@strapi/design-system';
import type { Directories } from '../../../shared/contracts';
import { useT } from '../hooks/useT';

/** A round light: green when ok, red otherwise. */
export const Light = ({ ok, size = 3 }: { ok: boolean; size?: number }) => (
  <Box
    aria-hidden
    background={ok ? 'success500' : 'danger500'}
    borderRadius="50%"
    width={`${size * 4}px`}
    height={`${size * 4}px`}
    shrink={0}
  />
);

/** The outcome of Test connection: a green or red light and the reason for each check. */
export const ConnectionResult = ({ result }: { result: Directories.TestConnection['data'] }) => {
  const t = useT();
  return (
    <Box
      data-testid="connection-result"
      data-ok={String(result.ok)}
      background={result.ok ? 'success100' : 'danger100'}
      borderColor={result.ok ? 'success200' : 'danger200'}
      padding={4}
      hasRadius
    >
      <Flex direction="column" alignItems="stretch" gap={3}>
        <Flex gap={3}>
          <Light ok={result.ok} size={4} />
          <Typography variant="omega" fontWeight="bold">
            {result.ok ? t('test.ok') : t('test.failed')}
          </Typography>
          <Typography data-testid="connection-message">{result.message}</Typography>
        </Flex>
        <Flex tag="ul" direction="column" alignItems="stretch" gap={2}>
          {result.checks.map((check) => (
            <Flex
              tag="li"
              key={check.name}
              gap={3}
              data-testid="connection-check"
              data-ok={String(check.ok)}
            >
              <Light ok={check.ok} size={2} />
              <Typography fontWeight="semiBold">{check.name}</Typography>
              <Typography textColor="neutral700">{check.message}</Typography>
            </Flex>
          ))}
        </Flex>
      </Flex>
    </Box>
  );
};
