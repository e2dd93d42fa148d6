import { ApiKeyRepository } from '@meridian/db';
import { DatabaseModule } from '@meridian/runtime';
import { Module } from '@nestjs/common';

import { AuthModule } from '../auth/auth.module.js';
import { KeysController } from './keys.controller.js';
import { KeysService } from './keys.service.js';

@Module({
  imports: [AuthModule, DatabaseModule.forFeature([ApiKeyRepository])],
  controllers: [KeysController],
  providers: [KeysService],
})
export class KeysModule {}
