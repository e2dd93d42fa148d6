import 'reflect-metadata';

import { runBackgroundService } from '@meridian/runtime';

import { WorkerModule } from './worker.module.js';

runBackgroundService((config) => WorkerModule.forRoot(config));
