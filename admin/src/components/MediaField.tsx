import { type ComponentType, useState } from 'react';
import { Button, Flex, Typography } from '@strapi/design-system';
import { Upload } from '@strapi/icons';
import { useStrapiApp } from '@strapi/strapi/admin';
import { type MediaFile, useMediaFile } from '../hooks/useMediaFile';
import { useT } from '../hooks/useT';
import { Labelled, NumberField } from './Fields';

/** The upload plugin's Media Library dialog (pick, or upload then pick), as Strapi's fields use it. */
type MediaLibraryDialog = ComponentType<{
  onClose: () => void;
  onSelectAssets: (assets: MediaFile[]) => void;
  allowedTypes?: string[];
  multiple?: boolean;
  initiallySelectedAssets?: MediaFile[];
}>;

type Props = {
  name: string;
  label: string;
  hint?: string;
  error?: string;
  disabled?: boolean;
  value: number | undefined;
  onChange: (id: number | undefined) => void;
};

/**
 * The CSV file of the Media Library: chosen (or uploaded) in Strapi's own Media Library dialog.
 * Without the upload plugin's dialog, the file id is typed.
 */
export const MediaField = ({ value, onChange, disabled, ...frame }: Props) => {
  const t = useT();
  const [open, setOpen] = useState(false);
  const components = useStrapiApp('MediaField', (state) => state.components);
  const Dialog = components['media-library'] as MediaLibraryDialog | undefined;
  const file = useMediaFile(value);
  if (!Dialog)
    return <NumberField {...frame} value={value} disabled={disabled} onChange={onChange} />;
  return (
    <Labelled {...frame} required>
      <Flex direction="column" gap={2} alignItems="flex-start" data-testid="media-file">
        <Button
          variant="secondary"
          startIcon={<Upload />}
          disabled={disabled}
          onClick={() => setOpen(true)}
        >
          {value ? t('media.change') : t('media.choose')}
        </Button>
        <Typography textColor={file.data ? 'neutral800' : 'neutral600'} data-testid="media-name">
          {file.data
            ? t('media.chosen', { name: file.data.name, id: file.data.id })
            : value
              ? t('media.missing', { id: value })
              : t('media.none')}
        </Typography>
      </Flex>
      {open ? (
        <Dialog
          allowedTypes={['files']}
          multiple={false}
          initiallySelectedAssets={file.data ? [file.data] : []}
          onClose={() => setOpen(false)}
          onSelectAssets={(assets) => {
            setOpen(false);
            if (assets[0]) onChange(assets[0].id);
          }}
        />
      ) : null}
    </Labelled>
  );
};
