import type { WorkerModule } from '../context.js';
import { maintenanceModule } from './maintenance.js';
import { emailSendModule } from './email-send.js';
import { inboundSmtpModule } from './inbound-smtp.js';
import { eventsDrainModule } from './events-drain.js';
import { dripModule } from './drip.js';
import { submissionsDrainModule } from './submissions-drain.js';
import { csvImportModule } from './csv-import/index.js';
import { webhooksModule } from './webhooks/index.js';
import { dnsHealthModule } from './dns-health.js';

/** Every module the worker process runs, in start order (closed in reverse); the dev mail catcher runs before them (worker.ts). */
export const MODULES: WorkerModule[] = [
  maintenanceModule,
  emailSendModule,
  inboundSmtpModule,
  eventsDrainModule,
  dripModule,
  submissionsDrainModule,
  csvImportModule,
  webhooksModule,
  dnsHealthModule,
];
