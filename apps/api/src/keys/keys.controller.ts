import { ApiKeyNotFoundError, type Principal } from '@meridian/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { ResourceIdPipe } from '../common/resource-id.pipe.js';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { ApiIdParam, ApiJsonBody, ApiJsonResponse } from '../openapi/operation-decorators.js';
import { ApiProblems } from '../openapi/problem-responses.js';
import { type CreateKeyRequest, createKeyRequestSchema } from './dto/create-key.request.js';
import { type CreatedKeyView, toKeyView } from './dto/key.view.js';
import { KeysService } from './keys.service.js';

/** The namespace's API keys. Every route needs the admin scope. */
@ApiTags('keys')
@Controller('v1/keys')
@RequiresScope('admin')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description:
      "The answer is the only place the key is shown. A key of another namespace than the caller's needs the bootstrap key (403 otherwise).",
  })
  @ApiJsonBody('CreateApiKeyRequest')
  @ApiJsonResponse(201, 'CreatedApiKey', 'Created: the key, with its secret this once', {
    Location: { description: 'The URL of the key', schema: { type: 'string' } },
  })
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
  @ApiOperation({
    operationId: 'listApiKeys',
    summary: "The namespace's API keys, without their secrets",
    description: 'Revoked keys stay listed, with their revokedAt.',
  })
  @ApiJsonResponse(200, 'ApiKeyList', 'Every key of the namespace, revoked ones included')
  async list(@CurrentPrincipal() principal: Principal) {
    return { items: (await this.keys.list(principal)).map(toKeyView) };
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'It stops working at once on this api process, and within a second on the others.',
  })
  @ApiIdParam('key')
  @ApiResponse({ status: 204, description: 'Revoked (or revoked before)' })
  @ApiProblems('NotFound')
  async revoke(
    @Param('id', new ResourceIdPipe(ApiKeyNotFoundError)) id: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.keys.revoke(principal, id);
  }
}
