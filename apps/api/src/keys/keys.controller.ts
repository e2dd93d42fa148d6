import { NAMESPACE_PATTERN, type Principal, SCOPES, storable } from '@meridian/domain';
import { Body, Controller, Delete, Get, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';

import { CurrentPrincipal, RequiresScope } from '../auth/auth.decorators.js';
import { openApiSchema, problemResponse } from '../common/openapi-schema.js';
import { parseBody } from '../common/parse-input.js';
import { keyViewSchema, toKeyView } from './dto/key.view.js';
import { KeysService } from './keys.service.js';

export const createKeyRequestSchema = z.strictObject({
  name: storable(z.string().trim().min(1).max(200)).describe('What the key is for, for whoever reads the list'),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length),
  namespace: z
    .string()
    .regex(NAMESPACE_PATTERN, 'must be lower-case letters, digits or "-"')
    .optional()
    .describe("The key's namespace; another than the caller's own only with the bootstrap key"),
});

const createdKeySchema = keyViewSchema.extend({ key: z.string().describe('The key itself: shown this once') });

/** The namespace's API keys. Every route needs the admin scope. */
@ApiTags('keys')
@Controller('v1/keys')
@RequiresScope('admin')
export class KeysController {
  constructor(private readonly keys: KeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key', description: 'The answer is the only place the key is shown.' })
  @ApiBody({ schema: openApiSchema(createKeyRequestSchema, 'input') })
  @ApiResponse({ status: 201, schema: openApiSchema(createdKeySchema) })
  @ApiResponse({ status: 400, ...problemResponse, description: 'Invalid request' })
  @ApiResponse({ status: 403, ...problemResponse, description: 'Not admin, or another namespace without root' })
  async create(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<z.infer<typeof createdKeySchema>> {
    const request = parseBody(createKeyRequestSchema, body);
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
  async revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.keys.revoke(principal, id);
  }
}
