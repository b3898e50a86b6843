import { createAdoptionService } from './adoption';
import { createAuditService } from './audit';
import { createDirectoriesService } from './directories';
import { createRunnerService } from './runner';
import { createSecretsService } from './secrets';
import { createProviderRegistry } from '../providers/registry';

export default {
  adoption: createAdoptionService,
  audit: createAuditService,
  directories: createDirectoriesService,
  runner: createRunnerService,
  secrets: createSecretsService,
  providers: () => createProviderRegistry(),
};
