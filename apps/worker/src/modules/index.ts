import type { WorkerModule } from '../context.js';
import { maintenanceModule } from './maintenance.js';
import { eventsDrainModule } from './events-drain.js';

/** Every module the worker process runs, in start order (closed in reverse). */
export const MODULES: WorkerModule[] = [maintenanceModule, eventsDrainModule];
