import { createAdoptionService } from './adoption';
import { createAuditService } from './audit';
import { createDirectoriesService } from './directories';
import { createGroupsService } from './groups';
import { createMediaService } from './media';
import { createOrgChartService } from './org-chart';
import { createRunnerService } from './runner';
import { createSchedulerService } from './scheduler';
import { createSecretsService } from './secrets';
import { createProviderRegistry } from '../providers/registry';

export default {
  adoption: createAdoptionService,
  audit: createAuditService,
  directories: createDirectoriesService,
  groups: createGroupsService,
  media: createMediaService,
  'org-chart': createOrgChartService,
  runner: createRunnerService,
  scheduler: createSchedulerService,
  secrets: createSecretsService,
  providers: () => createProviderRegistry(),
};
