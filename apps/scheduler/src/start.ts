import 'reflect-metadata';

import { runBackgroundService } from '@meridian/runtime';

import { SchedulerModule } from './scheduler.module.js';

runBackgroundService((config) => SchedulerModule.forRoot(config));
