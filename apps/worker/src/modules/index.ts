import type { WorkerModule } from '../context.js';
import { maintenanceModule } from './maintenance.js';
import { devMailCatcherModule } from './dev-mail-catcher.js';
import { emailSendModule } from './email-send.js';
import { inboundSmtpModule } from './inbound-smtp.js';
import { eventsDrainModule } from './events-drain.js';
import { dripModule } from './drip.js';
import { submissionsDrainModule } from './submissions-drain.js';
import { csvImportModule } from './csv-import/index.js';

/** Every module the worker process runs, in start order (closed in reverse). */
export const MODULES: WorkerModule[] = [
  maintenanceModule,
  devMailCatcherModule,
  emailSendModule,
  inboundSmtpModule,
  eventsDrainModule,
  dripModule,
  submissionsDrainModule,
  csvImportModule,
];
