import { ApiKeyNotFoundError, type Principal } from '@meridian/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { type CreateKeyRequest, createKeyRequestSchema } from './dto/create-key.request.js';
import { type CreatedKeyView, createdKeyViewSchema, keyViewSchema, toKeyView } from './dto/key.view.js';
import { KeysService } from './keys.service.js';

/** The namespace's API keys. Every route needs the admin scope. */
@ApiTags('keys')
@Controller('v1/keys')
@RequiresScope('admin')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The answer is the only place the key is shown.' })
  @ApiBody({ schema: openApiSchema(createKeyRequestSchema, 'input') })
  @ApiResponse({ status: 201, schema: openApiSchema(createdKeyViewSchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Invalid request' })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not admin, or another namespace without root' })
  async create(
    @Body(new ZodValidationPipe(createKeyRequestSchema)) request: CreateKeyRequest,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CreatedKeyView> {
    const { record, key } = await this.keys.create(principal, request);
    response.status(201).location(`/v1/keys/${record.id}`);
    return { ...toKeyView(record), key };
  }

  @Get()
  @ApiOperation({ summary: "The namespace's API keys, without their secrets" })
  @ApiResponse({ status: 200, schema: openApiSchema(z.object({ items: z.array(keyViewSchema) })) })
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: (await this.keys.list(principal)).map(toKeyView) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke an API key',
    description: 'It stops working at once on this api process, and within a second on the others.',
  })
  @ApiParam({ name: 'id', format: 'uuid' })
  @ApiResponse({ status: 204 })
  @ApiResponse({ status: 404, ...problemResponse, description: 'No such key in this namespace' })
  async revoke(
    @Param('id', new ResourceIdPipe(ApiKeyNotFoundError)) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.keys.revoke(principal, id);
  }
}
